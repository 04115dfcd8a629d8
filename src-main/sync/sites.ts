import { siteIdSchema } from '../../src-shared/sync-format';
import { ServiceError } from '../errors';
import { defaultOrgId } from '../devices/lifecycle';
import { issueToken, parseToken } from '../security/tokens';
import type { Db } from '../store/database';
import { findLiveSiteByHash, findSiteById, insertSite, type SyncSite } from './queries/sync-sites';

/** Organisation side: lets a site publish here. The token is returned once and stored only as a hash. */
export function addSite(db: Db, rawSiteId: string, orgId = defaultOrgId, now = Date.now()): { site: SyncSite; token: string } {
  const parsed = siteIdSchema.safeParse(rawSiteId);
  if (!parsed.success) throw new ServiceError('INVALID_SITE_ID', `"${rawSiteId}" is not a valid site id: ${parsed.error.issues[0]?.message}.`);
  return db.transaction(() => {
    if (findSiteById(db, parsed.data)) throw new ServiceError('SITE_EXISTS', `A site "${parsed.data}" already exists.`, 409);
    const issued = issueToken('site');
    insertSite(db, { orgId, siteId: parsed.data, hash: issued.hash, hint: issued.hint, now });
    return { site: findSiteById(db, parsed.data)!, token: issued.token };
  }).immediate();
}

/** The site a token belongs to, if it is live and names that site. */
export function authenticateSite(db: Db, siteId: unknown, token: unknown): SyncSite | null {
  const parsed = parseToken(token, ['site']);
  if (!parsed) return null;
  const site = findLiveSiteByHash(db, parsed.hash);
  return site && site.siteId === siteId ? site : null;
}
