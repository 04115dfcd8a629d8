import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const siteHelp = `outpost site add|list|revoke [SITE_ID] [--org O] [--data-dir DIR] [--json]
  On an organisation hub: the sites allowed to sync readings into this organisation.
  add SITE_ID      create a site; prints its token ONCE (the site's sync password)
  list             sites and their token hints
  revoke SITE_ID   the site can no longer publish here; its connection closes`;

export async function siteCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, apiOptions, siteHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [action, siteId] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'list', 'revoke'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (action !== 'list' && !siteId) throw new UsageError(`site ${action} needs a SITE_ID`);
  return withLocalApi(values, out, async (api) => {
    if (action === 'add') {
      const { site, token } = await api.call('sites.create', { siteId: siteId! });
      out.event(
        'site-added',
        { siteId: site.siteId, token },
        `Site "${site.siteId}" created. On the site, run:\n  outpost sync set --site ${site.siteId} --username ${site.siteId} --password-stdin ...\nand give it this token (shown once):\n${token}`,
      );
      return 0;
    }
    if (action === 'list') {
      const sites = await api.call('sites.list', {});
      if (values.json) out.event('sites', { sites }, '');
      else if (sites.length === 0) out.line('No sites yet. Add one with: outpost site add SITE_ID');
      else for (const s of sites) out.line(`${s.siteId.padEnd(32)} ${s.hint}  ${s.revoked ? 'revoked' : 'active'}`);
      return 0;
    }
    await api.call('sites.revoke', { siteId: siteId! });
    out.event('site-revoked', { siteId }, `Site "${siteId}" can no longer publish here.`);
    return 0;
  });
}
