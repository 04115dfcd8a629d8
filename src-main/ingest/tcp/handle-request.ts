import { parseUbidotsTcp, type TcpDeviceWrite, type TcpFrame } from '../../../src-shared/protocols/ubidots-tcp';
import type { RejectionReason } from '../../../src-shared/reading';
import type { Logger } from '../../logging/logger';
import { PersistError } from '../pipeline/persist-error';
import type { Pipeline } from '../pipeline/pipeline';
import type { IngestResult, Principal } from '../pipeline/types';
import type { Db } from '../../store/database';
import type { DeviceAuth } from '../../access/device-authenticate';
import { lastValue } from '../last-value';

export interface TcpIngestDeps {
  db: Db;
  pipeline: Pipeline;
  logger: Logger;
  access: DeviceAuth;
}

/** Ubidots TCP replies: `OK`, `OK|value`, or `ERROR|<HTTP-like status>` (docs/PROTOCOLS.md). */
const statusFor: Partial<Record<RejectionReason, number>> = { bad_token: 401, not_authorized: 403, unknown_device: 404, rate_limited: 429 };
const errorReply = (reason: RejectionReason) => `ERROR|${statusFor[reason] ?? 400}`;

/**
 * Answers one framed request. `OK` is sent only after the pipeline has
 * committed; a write that stored at least one reading answers `OK` (the
 * refused dots are counted and logged), one that stored nothing answers the
 * most specific error.
 */
export async function handleTcpFrame(deps: TcpIngestDeps, frame: TcpFrame, address: string, used?: (principal: Principal) => void): Promise<string> {
  if (!frame.ok) return refuse(deps, frame.reason, '', frame.message, address);
  const request = parseUbidotsTcp(frame.text);
  if (request.kind === 'invalid') return refuse(deps, request.reason, '', request.message, address);
  const auth = await deps.access.authenticate(request.token, address);
  const firstLabel = request.kind === 'lv' ? request.device : (request.devices[0]?.label ?? '');
  if (!auth.ok) return refuse(deps, auth.reason, firstLabel, auth.message, address);
  used?.(auth.principal);
  if (request.kind === 'lv') {
    const found = lastValue(deps.db, auth.principal, request.device, request.variable);
    if (!found.ok) return refuse(deps, found.reason, request.device, found.message, address);
    return `OK|${found.value}`;
  }
  const devicesBytes = request.devices.reduce((n, d) => n + d.length, 0);
  return writeDevices(deps, auth.principal, request.devices, frame.bytes - devicesBytes, address);
}

async function writeDevices(deps: TcpIngestDeps, principal: Principal, devices: TcpDeviceWrite[], overheadBytes: number, address: string): Promise<string> {
  const pending: Promise<IngestResult>[] = [];
  const failures: RejectionReason[] = [];
  devices.forEach((d, i) => {
    if (d.error) {
      failures.push(d.error.reason);
      deps.pipeline.countRejection('tcp', d.error.reason, d.label);
      deps.logger.debug({ address, device: d.label, reason: d.error.reason, message: d.error.message }, 'tcp ingest: device part refused');
      return;
    }
    pending.push(
      deps.pipeline.ingest({
        principal,
        protocol: 'tcp',
        deviceLabel: d.label,
        dots: d.parsed.dots,
        rejected: d.parsed.rejected,
        bytes: d.length + (i === 0 ? overheadBytes : 0),
      }),
    );
  });
  let results: IngestResult[];
  try {
    results = await Promise.all(pending);
  } catch (err) {
    if (err instanceof PersistError) {
      deps.logger.warn({ address, code: err.code }, 'tcp ingest: nothing stored');
      return err.code === 'STORAGE_FULL' ? 'ERROR|507' : 'ERROR|503';
    }
    throw err;
  }
  let stored = 0;
  for (const r of results) {
    stored += r.stored.length;
    if (r.refused) failures.push(r.refused.reason);
    for (const d of r.rejected) failures.push(d.reason);
    if (r.rejected.length > 0 || r.refused) deps.logger.debug({ address, device: r.device?.label, refused: r.refused, rejected: r.rejected }, 'tcp ingest: values refused');
  }
  if (stored > 0) return 'OK';
  const worst = (['not_authorized', 'unknown_device'] as const).find((r) => failures.includes(r)) ?? failures[0] ?? 'bad_shape';
  return errorReply(worst);
}

function refuse(deps: TcpIngestDeps, reason: RejectionReason, deviceLabel: string, message: string, address: string): string {
  deps.pipeline.countRejection('tcp', reason, deviceLabel, 1, { address, message });
  deps.logger.debug({ address, reason, message }, 'tcp ingest: request refused');
  return errorReply(reason);
}
