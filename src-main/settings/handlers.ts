import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import type { HandlerRegistry } from '../console/registry';
import { retentionPolicy, saveRetentionPolicy } from './queries/retention-policies';
import { mapTilesView, readMapTiles, writeMapTiles } from './map-tiles';
import { readSetting, settingSpecs, writeSettingText, type SettingSpec } from './hub-settings';

function view(ctx: AccessContext, spec: SettingSpec<unknown>) {
  const value = readSetting(ctx.db, spec);
  return { name: spec.name, key: spec.key, value, text: spec.toText(value), description: spec.description, insecure: spec.insecureWhen !== undefined && spec.insecureWhen.value === value };
}

/** Hub-wide settings: the registry has checked hub:admin (the hub owner). */
export function registerSettingsHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('settings.get', () => ctx.policy());
  registry.register('settings.update', (input, caller) => {
    const changed = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
    // Only what the update names changes: the rest of the stored policy stays as it is.
    const next = { ...ctx.policy(), ...Object.fromEntries(changed.map((k) => [k, input[k as keyof typeof input]])) };
    ctx.setPolicy(next);
    caller.audit.target({ kind: 'policy', id: 'security' });
    caller.audit.detail({ changed });
    return next;
  });
  // Retention is the caller's organisation's.
  const policyOf = (orgId: number) => {
    const { rawDays, rollup1mDays, rollup1hDays } = retentionPolicy(ctx.db, orgId);
    return { rawDays, rollup1mDays, rollup1hDays };
  };
  registry.register('retention.get', (_input, caller) => policyOf(caller.orgId));
  registry.register('retention.update', (input, caller) => {
    const next = { ...policyOf(caller.orgId), ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    saveRetentionPolicy(ctx.db, { orgId: caller.orgId, ...next }, ctx.now());
    caller.audit.target({ kind: 'retention', id: caller.orgId });
    caller.audit.detail({ ...next });
    return next;
  });
  registry.register('hubSettings.list', () => settingSpecs.map((s) => view(ctx, s as SettingSpec<unknown>)));
  registry.register('hubSettings.set', (input, caller) => {
    const { spec } = writeSettingText(ctx.db, input.name, input.value, ctx.now());
    caller.audit.target({ kind: 'setting', id: spec.name });
    const shown = view(ctx, spec);
    caller.audit.detail({ value: shown.text });
    return shown;
  });
  registry.register('mapTiles.get', () => mapTilesView(readMapTiles(ctx.db)));
  registry.register('mapTiles.set', (input, caller) => {
    // No server, no attribution; an attribution left out stays as it was.
    const next = { url: input.url, attribution: input.url === '' ? '' : (input.attribution ?? readMapTiles(ctx.db).attribution) };
    writeMapTiles(ctx.db, next, ctx.now());
    caller.audit.target({ kind: 'setting', id: 'map-tiles' });
    caller.audit.detail({ ...next });
    return mapTilesView(next);
  });
}
