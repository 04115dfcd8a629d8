import type { ApiContract } from '../../../src-shared/api/contract';
import type { HandlerRegistry } from '../../console/registry';
import type { AccessContext } from '../context';
import { AccessError } from '../errors';
import { setMembership } from '../queries/memberships';
import { insertOrganisation, listOrganisations, organisationBySlug } from '../queries/organisations';

/** Organisations are the hub owner's: the registry has checked hub:admin. */
export function registerOrgHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('orgs.list', () => listOrganisations(ctx.db));
  registry.register('orgs.create', (input, caller) => {
    if (organisationBySlug(ctx.db, input.slug)) throw new AccessError('ALREADY_EXISTS', `An organisation "${input.slug}" already exists.`, 'Choose another slug.', 409);
    const p = caller.principal;
    const org = ctx.db.transaction(() => {
      const created = insertOrganisation(ctx.db, input.slug, input.name, ctx.now());
      if (p.kind === 'user') setMembership(ctx.db, p.userId, created.id, 'owner');
      return created;
    }).immediate();
    caller.audit.target({ kind: 'org', id: org.id, label: org.slug });
    return org;
  });
}
