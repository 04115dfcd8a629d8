import type { RuleSpec } from '../../src-shared/alarm-rule';
import type { ApiContract } from '../../src-shared/api/contract';
import { mayUseDevice, visibleDeviceIds } from '../access/device-access';
import { notFound } from '../access/errors';
import { groupById } from '../access/queries/groups';
import { ApiFailure, type Caller, type HandlerRegistry } from '../console/registry';
import { findDeviceById } from '../devices/queries/devices';
import type { Db } from '../store/database';
import { acknowledgeAlarm, clearAlarmByHand, clearRuleAlarms, findAlarm, listAlarms, snoozeAlarm, type StoredAlarm } from './queries/alarms';
import { enqueueAlarmEvent } from './notify/outbox';
import { channelIdsOf } from './queries/channels';
import { deleteRule, findRule, findRuleByName, insertRule, listRules, updateRule, type StoredRule } from './queries/rules';

const publicRule = (r: StoredRule) => ({ id: r.id, name: r.name, enabled: r.enabled, spec: r.spec, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt });
const publicAlarm = ({ orgId: _org, ...a }: StoredAlarm) => a;

/** A device or group a rule names must be the caller's organisation's; another's is "not found", as if it did not exist. */
function checkScope(db: Db, caller: Caller, spec: RuleSpec): void {
  const s = spec.scope;
  if (s.kind === 'device') {
    const device = findDeviceById(db, caller.orgId, s.deviceId);
    // A credential limited to some devices does not learn, through a rule, that others exist.
    if (!device || !mayUseDevice(db, caller.principal, device, 'devices:read')) throw notFound(`Device ${s.deviceId}`, 'List devices to see their ids.');
  }
  if (s.kind === 'group' && !groupById(db, caller.orgId, s.groupId)) throw notFound(`Group ${s.groupId}`, 'List groups to see their ids.');
  const known = new Set(channelIdsOf(db, caller.orgId, spec.channels));
  const unknown = spec.channels.find((id) => !known.has(id));
  if (unknown !== undefined) throw notFound(`Alarm channel ${unknown}`, 'List alarm channels to see their ids.');
}

function requireRule(db: Db, caller: Caller, id: number): StoredRule {
  const rule = findRule(db, caller.orgId, id);
  if (!rule) throw notFound(`Alarm rule ${id}`, 'List alarm rules to see their ids.');
  return rule;
}

function uniqueName(db: Db, caller: Caller, name: string, except?: number): void {
  const other = findRuleByName(db, caller.orgId, name);
  if (other && other.id !== except) throw new ApiFailure('RULE_EXISTS', `An alarm rule "${name}" already exists. Choose another name or change that rule.`, 409);
}

/** An alarm of a device the caller may see; anything else reads as "no such alarm". */
function requireAlarm(db: Db, caller: Caller, id: number): StoredAlarm {
  const alarm = findAlarm(db, caller.orgId, id);
  if (!alarm || !mayUseDevice(db, caller.principal, { orgId: alarm.orgId, id: alarm.deviceId }, 'devices:read')) {
    throw notFound(`Alarm ${id}`, 'List alarms to see the ones of devices you may see.');
  }
  return alarm;
}

function requireActive(alarm: StoredAlarm): void {
  if (alarm.state !== 'active') throw new ApiFailure('ALARM_CLEARED', `Alarm ${alarm.id} has already cleared. Nothing was changed.`, 409);
}

/**
 * Alarm rules (alarms:admin) and alarms (devices:read to see, alarms:ack to
 * act). The registry audits every write; the running evaluator learns of
 * each change through the DbWatcher (alarms/module.ts).
 */
export function registerAlarmHandlers(registry: HandlerRegistry<ApiContract>, db: Db, now: () => number = Date.now): void {
  registry.register('alarmRules.list', (_input, caller) => listRules(db, caller.orgId).map(publicRule));

  registry.register('alarmRules.create', (input, caller) => {
    checkScope(db, caller, input.spec);
    uniqueName(db, caller, input.name);
    const id = insertRule(db, { orgId: caller.orgId, name: input.name, enabled: input.enabled, spec: input.spec, createdBy: caller.subject, now: now() });
    caller.audit.target({ kind: 'alarm-rule', id, label: input.name });
    caller.audit.detail({ op: input.spec.op, scope: input.spec.scope.kind, levels: input.spec.levels.length });
    return publicRule(requireRule(db, caller, id));
  });

  registry.register('alarmRules.update', (input, caller) => {
    const rule = requireRule(db, caller, input.ruleId);
    const spec = input.spec ?? rule.spec;
    if (!spec) throw new ApiFailure('RULE_UNREADABLE', `Alarm rule ${rule.id} is stored in a form this hub cannot read: send a whole new spec.`, 409);
    if (input.spec) checkScope(db, caller, input.spec);
    const name = input.name ?? rule.name;
    uniqueName(db, caller, name, rule.id);
    const enabled = input.enabled ?? rule.enabled;
    const at = now();
    db.transaction(() => {
      updateRule(db, { orgId: caller.orgId, id: rule.id, name, enabled, spec, now: at });
      if (!enabled) clearRuleAlarms(db, { orgId: caller.orgId, ruleId: rule.id, by: caller.subject, now: at });
    }).immediate();
    caller.audit.target({ kind: 'alarm-rule', id: rule.id, label: name });
    caller.audit.detail({ changed: Object.keys(input).filter((k) => k !== 'ruleId'), enabled });
    return publicRule(requireRule(db, caller, rule.id));
  });

  registry.register('alarmRules.remove', (input, caller) => {
    const rule = requireRule(db, caller, input.ruleId);
    db.transaction(() => {
      clearRuleAlarms(db, { orgId: caller.orgId, ruleId: rule.id, by: caller.subject, now: now() });
      deleteRule(db, caller.orgId, rule.id);
    }).immediate();
    caller.audit.target({ kind: 'alarm-rule', id: rule.id, label: rule.name });
    return { ok: true as const };
  });

  registry.register('alarms.list', (input, caller) => {
    let devices = visibleDeviceIds(db, caller.principal);
    if (input.deviceId !== undefined) devices = devices.filter((d) => d === input.deviceId);
    return listAlarms(db, { orgId: caller.orgId, deviceIds: devices, state: input.state, severity: input.severity, acknowledged: input.acknowledged, limit: input.limit }).map(publicAlarm);
  });

  registry.register('alarms.summary', (_input, caller) => {
    const active = listAlarms(db, { orgId: caller.orgId, deviceIds: visibleDeviceIds(db, caller.principal), state: 'active', limit: 100_000 });
    const bySeverity = { warning: 0, minor: 0, major: 0, critical: 0 };
    for (const a of active) bySeverity[a.severity] += 1;
    const waiting = active.filter((a) => a.acked === null && !(a.snoozedUntil !== null && a.snoozedUntil > now()));
    return { active: active.length, activeUnacknowledged: waiting.length, bySeverity };
  });

  registry.register('alarms.ack', (input, caller) => {
    const alarm = requireAlarm(db, caller, input.alarmId);
    caller.audit.target({ kind: 'alarm', id: alarm.id, label: `${alarm.ruleName} on ${alarm.deviceLabel}` });
    caller.audit.detail({ comment: input.comment });
    // The acknowledgement and its notifications commit together (notify/outbox.ts).
    const acked = db.transaction(() => {
      const at = now();
      const done = acknowledgeAlarm(db, { orgId: caller.orgId, id: alarm.id, by: caller.subject, comment: input.comment, now: at });
      if (done) enqueueAlarmEvent(db, alarm.id, 'acknowledged', at);
      return done;
    });
    if (!acked.immediate()) {
      throw new ApiFailure('ALARM_ACKNOWLEDGED', `Alarm ${alarm.id} was already acknowledged by ${alarm.acked?.by ?? 'someone'}. Nothing was changed.`, 409);
    }
    return publicAlarm(requireAlarm(db, caller, alarm.id));
  });

  registry.register('alarms.clear', (input, caller) => {
    const alarm = requireAlarm(db, caller, input.alarmId);
    caller.audit.target({ kind: 'alarm', id: alarm.id, label: `${alarm.ruleName} on ${alarm.deviceLabel}` });
    requireActive(alarm);
    db.transaction(() => {
      const at = now();
      if (clearAlarmByHand(db, { orgId: caller.orgId, id: alarm.id, by: caller.subject, now: at })) enqueueAlarmEvent(db, alarm.id, 'cleared', at);
    }).immediate();
    return publicAlarm(requireAlarm(db, caller, alarm.id));
  });

  registry.register('alarms.snooze', (input, caller) => {
    const alarm = requireAlarm(db, caller, input.alarmId);
    caller.audit.target({ kind: 'alarm', id: alarm.id, label: `${alarm.ruleName} on ${alarm.deviceLabel}` });
    caller.audit.detail({ until: input.until });
    requireActive(alarm);
    snoozeAlarm(db, { orgId: caller.orgId, id: alarm.id, until: input.until });
    return publicAlarm(requireAlarm(db, caller, alarm.id));
  });
}
