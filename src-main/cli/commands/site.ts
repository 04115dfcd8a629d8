import { ServiceError } from '../../errors';
import { addSite } from '../../sync/sites';
import { listSites, revokeSite } from '../../sync/queries/sync-sites';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const siteHelp = `outpost site add|list|revoke [SITE_ID] [--data-dir DIR] [--json]
  On an organisation hub: the sites allowed to sync readings here.
  add SITE_ID      create a site; prints its token ONCE (the site's sync password)
  list             sites and their token hints
  revoke SITE_ID   the site can no longer publish here`;

export async function siteCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, commonOptions, true);
  const out = createOutput(values.json);
  const [action, siteId] = positionals;
  if (values.help || !action) {
    out.line(siteHelp);
    return values.help ? 0 : 2;
  }
  if (action !== 'list' && !siteId) throw new UsageError(`site ${action} needs a SITE_ID`);
  return withStore(values, out, (store) => {
    switch (action) {
      case 'add': {
        const { site, token } = addSite(store.db, siteId!);
        out.event(
          'site-added',
          { siteId: site.siteId, token },
          `Site "${site.siteId}" created. On the site, run:\n  outpost sync set --site ${site.siteId} --username ${site.siteId} --password-stdin ...\nand give it this token (shown once):\n${token}`,
        );
        return 0;
      }
      case 'list': {
        const sites = listSites(store.db);
        if (values.json) out.event('sites', { sites }, '');
        else if (sites.length === 0) out.line('No sites yet. Add one with: outpost site add SITE_ID');
        else for (const s of sites) out.line(`${s.siteId.padEnd(32)} ${s.hint}  ${s.revokedAt ? 'revoked' : 'active'}`);
        return 0;
      }
      case 'revoke': {
        if (!revokeSite(store.db, siteId!, Date.now())) throw new ServiceError('UNKNOWN_SITE', `There is no active site "${siteId}".`, 404);
        out.event('site-revoked', { siteId }, `Site "${siteId}" can no longer publish here.`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action}"`);
    }
  });
}
