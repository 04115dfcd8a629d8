import { addDevice, defaultOrgId, listDevices, removeDevice, revokeDevice, rotateDeviceToken } from '../../devices/lifecycle';
import { listDeviceTokens } from '../../devices/queries/device-tokens';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const deviceHelp = `outpost device add|list|revoke|rotate|remove [LABEL] [--data-dir DIR] [--json]
  add LABEL [--name N] [--type T]   create a device; prints its token ONCE
  list                               devices with last-seen time
  revoke LABEL                       revoke every token of the device (live sessions are dropped)
  rotate LABEL                       revoke and issue a new token; prints it ONCE
  remove LABEL                       delete the device and all its readings`;

export async function deviceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...commonOptions, name: { type: 'string' }, type: { type: 'string' } }, true);
  const out = createOutput(values.json);
  const [action, label] = positionals;
  if (values.help || !action) {
    out.line(deviceHelp);
    return values.help ? 0 : 2;
  }
  if (action !== 'list' && !label) throw new UsageError(`device ${action} needs a LABEL`);
  return withStore(values, out, (store) => {
    switch (action) {
      case 'add': {
        const { device, token } = addDevice(store.db, { label: label!, ...(values.name ? { name: values.name } : {}), ...(values.type ? { type: values.type } : {}) });
        out.event('device-added', { label: device.label, id: device.id, token }, `Device "${device.label}" created.\nToken (shown once, store it in the device now):\n${token}`);
        return 0;
      }
      case 'list': {
        const devices = listDevices(store.db, defaultOrgId);
        if (values.json) out.event('devices', { devices: devices.map((d) => ({ ...d, tokens: listDeviceTokens(store.db, d.id).filter((t) => t.revokedAt === null).map((t) => t.hint) })) }, '');
        else if (devices.length === 0) out.line('No devices yet. Add one with: outpost device add LABEL');
        else for (const d of devices) out.line(`${d.label.padEnd(24)} ${d.name.padEnd(24)} last seen ${d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : 'never'}`);
        return 0;
      }
      case 'revoke': {
        const { device, revoked } = revokeDevice(store.db, defaultOrgId, label!);
        out.event('device-revoked', { label: device.label, revoked }, `Revoked ${revoked} token(s) of "${device.label}"; its connections are closed.`);
        return 0;
      }
      case 'rotate': {
        const { device, token } = rotateDeviceToken(store.db, defaultOrgId, label!);
        out.event('device-rotated', { label: device.label, token }, `New token for "${device.label}" (shown once; the old one no longer works):\n${token}`);
        return 0;
      }
      case 'remove': {
        const device = removeDevice(store.db, defaultOrgId, label!);
        out.event('device-removed', { label: device.label }, `Device "${device.label}" and its readings are deleted.`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action}"`);
    }
  });
}

