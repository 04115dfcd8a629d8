import { normalizeLabel, type RejectionReason } from '../../src-shared/reading';
import { mayUseDevice } from '../access/device-access';
import type { Principal } from '../access/principal';
import type { Db } from '../store/database';
import { findDeviceByLabel } from '../devices/queries/devices';
import { findVariable } from '../devices/queries/variables';

export type LastValueOutcome =
  | { ok: true; device: string; variable: string; value: number; ts: number }
  | { ok: false; reason: Extract<RejectionReason, 'bad_label' | 'not_authorized' | 'unknown_device'>; message: string };

/** The last value of one variable (Ubidots `.../lv`), for HTTPS GET and TCP LV alike. */
export function lastValue(db: Db, principal: Principal, rawDevice: string, rawVariable: string): LastValueOutcome {
  const device = normalizeLabel(rawDevice);
  const variable = normalizeLabel(rawVariable);
  if (!device || !variable) return { ok: false, reason: 'bad_label', message: 'device and variable labels are 1-64 letters, digits, "-", "_", "." or ":"' };
  const found = findDeviceByLabel(db, principal.orgId, device);
  // The one device-access check; a device the token may not read looks the same whether or not it exists.
  if (!mayUseDevice(db, principal, { orgId: principal.orgId, id: found?.id, label: device }, 'readings:read')) {
    return { ok: false, reason: 'not_authorized', message: `this token may not read device "${device}"` };
  }
  if (!found) return { ok: false, reason: 'unknown_device', message: `there is no device "${device}"` };
  if (found.disabledAt !== null) return { ok: false, reason: 'not_authorized', message: `device "${device}" is disabled` };
  const v = findVariable(db, found.id, variable);
  if (!v?.last) return { ok: false, reason: 'unknown_device', message: `device "${device}" has no value for "${variable}" yet` };
  return { ok: true, device, variable, value: v.last.value, ts: v.last.ts };
}
