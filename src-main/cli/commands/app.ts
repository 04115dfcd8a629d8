import { scopes } from '../../../src-shared/permissions';
import { createApp, listApps, revokeAppByName } from '../../access/apps';
import { AaaError } from '../../access/errors';
import { deviceIdsByLabel } from '../../devices/org-devices';
import { cliActor, list, positional, runAaaCommand } from '../aaa-command';
import { UsageError } from '../output';

export const appHelp = `outpost app add|list|revoke ...
  API clients with scoped tokens.

  outpost app add NAME --scopes S1,S2 [--devices L1,L2] [--allow-ip CIDR,...] [--allow-origin URL,...]
                  [--server-only] [--expires ISO-TIME] [--org O]
      prints the token once; only its hash is kept. Scopes: ${scopes.join(', ')}
  outpost app list [--org O]
  outpost app revoke NAME [--org O]       the token stops working at once
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = {
  scopes: { type: 'string' },
  devices: { type: 'string' },
  'allow-ip': { type: 'string' },
  'allow-origin': { type: 'string' },
  'server-only': { type: 'boolean', default: false },
  expires: { type: 'string' },
} as const;

export function appCommand(argv: string[]): Promise<number> {
  return runAaaCommand(argv, options, appHelp, (run, values) => {
    const { ctx, out, orgId } = run;
    const sub = positional(run, 0, 'The subcommand (add, list, revoke)');
    if (sub === 'add') {
      let deviceIds: number[] | null = null;
      if (values.devices !== undefined) {
        const labels = list(values.devices);
        const ids = deviceIdsByLabel(ctx.db, orgId, labels);
        const unknown = labels.filter((l) => !ids.has(l));
        if (unknown.length) throw new AaaError('NOT_FOUND', `No device labelled ${unknown.join(', ')} in this organisation.`, 'List devices with `outpost device list`.', 404);
        deviceIds = [...ids.values()];
      }
      const expiresAt = values.expires === undefined ? null : Date.parse(values.expires as string);
      if (expiresAt !== null && Number.isNaN(expiresAt)) throw new UsageError('--expires must be a date and time, like 2027-01-31T00:00:00Z.');
      const { app, token } = createApp(ctx, cliActor, orgId, {
        name: positional(run, 1, 'The app name'),
        scopes: list(values.scopes),
        deviceIds,
        allowIps: list(values['allow-ip']),
        allowOrigins: list(values['allow-origin']),
        serverOnly: Boolean(values['server-only']),
        expiresAt,
      });
      out.event('app', { app, token }, `Created app ${app.name}. Its token (shown only now; store it safely):\n${token}`);
      return 0;
    }
    if (sub === 'list') {
      const apps = listApps(ctx, orgId);
      if (out.json) out.event('apps', { apps }, '');
      else for (const a of apps) out.line(`${a.name}  ${a.hint}  ${a.revoked ? 'revoked' : 'active'}  ${a.scopes.join(',')}`);
      return 0;
    }
    if (sub === 'revoke') {
      const app = revokeAppByName(ctx, cliActor, orgId, positional(run, 1, 'The app name'));
      out.event('app', { app }, `Revoked app ${app.name}; its token no longer works.`);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${sub}".`);
  });
}
