import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import type { AaaContext } from '../access/context';
import { AaaError } from '../access/errors';
import { insertOrganisation, listOrganisations, organisationBySlug } from '../access/queries/organisations';
import { setMembership } from '../access/queries/memberships';
import { callerOf, userCaller } from '../access/caller';

export function registerSettingsHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('settings.get', () => ctx.policy());
  registry.register('settings.update', (input, call) => {
    const { actor } = callerOf(call);
    const next = { ...ctx.policy(), ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    ctx.setPolicy(next);
    ctx.audit({ actor: actor.subject, action: 'settings.update', target: 'policy', outcome: 'ok', address: actor.address, detail: { changed: Object.keys(input) } });
    return next;
  });
  registry.register('orgs.list', () => listOrganisations(ctx.db));
  registry.register('orgs.create', (input, call) => {
    const { principal, actor } = userCaller(call);
    if (organisationBySlug(ctx.db, input.slug)) throw new AaaError('ALREADY_EXISTS', `An organisation "${input.slug}" already exists.`, 'Choose another slug.', 409);
    const org = ctx.db.transaction(() => {
      const created = insertOrganisation(ctx.db, input.slug, input.name, ctx.now());
      setMembership(ctx.db, principal.userId, created.id, 'owner');
      return created;
    })();
    ctx.audit({ actor: actor.subject, action: 'org.create', target: `org:${org.id}`, outcome: 'ok', address: actor.address, detail: { slug: input.slug } });
    return org;
  });
}
