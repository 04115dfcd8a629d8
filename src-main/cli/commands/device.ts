import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';
import { deviceIdsByLabel } from '../local-api';

export const deviceHelp = `outpost device add|list|revoke|rotate|remove [LABEL] [--org O] [--data-dir DIR] [--json]
  add LABEL [--name N] [--type T]   create a device; prints its token ONCE
  list                               devices with last-seen time
  revoke LABEL                       revoke every token of the device (live connections are closed)
  rotate LABEL                       revoke and issue a new token; prints it ONCE
  remove LABEL                       delete the device and all its readings`;

export async function deviceCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, name: { type: 'string' }, type: { type: 'string' } }, deviceHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [action, label] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'list', 'revoke', 'rotate', 'remove'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (action !== 'list' && !label) throw new UsageError(`device ${action} needs a LABEL`);
  return withLocalApi(values, out, async (api) => {
    if (action === 'add') {
      const { device, token } = await api.call('devices.create', { label: label!, ...(values.name ? { name: values.name } : {}), ...(values.type ? { type: values.type } : {}) });
      out.event('device-added', { label: device.label, id: device.id, token }, `Device "${device.label}" created.\nToken (shown once, store it in the device now):\n${token}`);
      return 0;
    }
    if (action === 'list') {
      const devices = await api.call('devices.list', {});
      if (values.json) {
        const withTokens = [];
        for (const d of devices) withTokens.push({ ...d, tokens: (await api.call('devices.tokens', { deviceId: d.id })).filter((t) => !t.revoked).map((t) => t.hint) });
        out.event('devices', { devices: withTokens }, '');
      } else if (devices.length === 0) out.line('No devices yet. Add one with: outpost device add LABEL');
      else for (const d of devices) out.line(`${d.label.padEnd(24)} ${d.name.padEnd(24)} last seen ${d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : 'never'}`);
      return 0;
    }
    const [deviceId] = await deviceIdsByLabel(api, [label!]);
    if (action === 'revoke') {
      const { revoked } = await api.call('devices.revokeTokens', { deviceId: deviceId! });
      out.event('device-revoked', { label, revoked }, `Revoked ${revoked} token(s) of "${label}"; its connections are closed.`);
    } else if (action === 'rotate') {
      const { device, token } = await api.call('devices.rotateToken', { deviceId: deviceId! });
      out.event('device-rotated', { label: device.label, token }, `New token for "${device.label}" (shown once; the old one no longer works):\n${token}`);
    } else {
      await api.call('devices.remove', { deviceId: deviceId! });
      out.event('device-removed', { label }, `Device "${label}" and its readings are deleted.`);
    }
    return 0;
  });
}
