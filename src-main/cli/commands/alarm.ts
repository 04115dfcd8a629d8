import { comparisons, severities, type RuleLevel, type RuleSpecInput } from '../../../src-shared/alarm-rule';
import { apiOptions, parseCommand } from '../args';
import { ApiCallError, deviceIdsByLabel, withLocalApi, type LocalApi } from '../local-api';
import { UsageError } from '../output';
import { alarmChannelAction, alarmChannelHelp, alarmChannelOptions, channelIdsByName } from './alarm-channel';

export const alarmHelp = `outpost alarm rule add|list|remove, alarm channel add|list|remove, alarm list|ack|clear [--org O] [--data-dir DIR] [--json]
  rule add NAME (--device L | --group G | --type T) (--variable V | --connectivity) --op OP --level SEV:X [--level SEV:X ...]
       OP is one of ${comparisons.join(' ')}; X is the threshold (a value, LOW..HIGH for outside/inside,
       minutes for noData); levels go from the least to the most severe (${severities.join(', ')}).
       [--delay-seconds N] [--delay-readings N] [--deadband N] [--clear-seconds N] [--clear-readings N]
       [--active-hours HH:MM-HH:MM] [--reminder-minutes N] [--disabled]
       [--channel NAME ...] [--quiet-hours HH:MM-HH:MM]   notify these channels; hold notifications in these hours
  rule list                      the organisation's rules
  rule remove NAME               clears its open alarms; their history stays
  list [--state active|cleared] [--severity S] [--device L]   alarms, newest first
  ack ID [--comment TEXT]        acknowledge an alarm
  clear ID                       clear an active alarm by hand
${alarmChannelHelp}
  docs/ALARMS.md describes rules and alarms.`;

const options = {
  ...apiOptions,
  device: { type: 'string' },
  group: { type: 'string' },
  type: { type: 'string' },
  variable: { type: 'string' },
  connectivity: { type: 'boolean', default: false },
  op: { type: 'string' },
  level: { type: 'string', multiple: true },
  'delay-seconds': { type: 'string' },
  'delay-readings': { type: 'string' },
  deadband: { type: 'string' },
  'clear-seconds': { type: 'string' },
  'clear-readings': { type: 'string' },
  'active-hours': { type: 'string' },
  'reminder-minutes': { type: 'string' },
  disabled: { type: 'boolean', default: false },
  state: { type: 'string' },
  severity: { type: 'string' },
  comment: { type: 'string' },
  channel: { type: 'string', multiple: true },
  'quiet-hours': { type: 'string' },
  ...alarmChannelOptions,
} as const;

type Values = ReturnType<typeof parseCommand<typeof options>>['values'];

/** `major:30`, `major:2..8` or (noData) `major:10` minutes. */
function levelOf(text: string, op: string): RuleLevel {
  const m = /^([a-z]+):(.+)$/.exec(text);
  const severity = m?.[1] as RuleLevel['severity'] | undefined;
  if (!m || !severity || !severities.includes(severity)) throw new UsageError(`--level must be SEVERITY:THRESHOLD with SEVERITY one of ${severities.join(', ')}; got "${text}".`);
  const num = (s: string) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--level ${text}: "${s}" is not a number.`);
    return n;
  };
  if (op === 'outside' || op === 'inside') {
    const [low, high] = m[2]!.split('..');
    if (high === undefined) throw new UsageError(`--level for "${op}" is SEVERITY:LOW..HIGH; got "${text}".`);
    return { severity, low: num(low!), high: num(high) };
  }
  return op === 'noData' ? { severity, minutes: num(m[2]!) } : { severity, value: num(m[2]!) };
}

async function scopeOf(api: LocalApi, v: Values): Promise<RuleSpecInput['scope']> {
  const given = [v.device, v.group, v.type].filter((x) => x !== undefined);
  if (given.length !== 1) throw new UsageError('Give exactly one of --device LABEL, --group NAME or --type TYPE.');
  if (v.device !== undefined) return { kind: 'device', deviceId: (await deviceIdsByLabel(api, [v.device]))[0]! };
  if (v.type !== undefined) return { kind: 'type', type: v.type };
  const group = (await api.call('groups.list', {})).find((g) => g.name === v.group);
  if (!group) throw new ApiCallError('UNKNOWN_GROUP', `There is no group "${v.group}" in this organisation.`, 404, 'List groups with `outpost group list`.');
  return { kind: 'group', groupId: group.id };
}

/** `HH:MM-HH:MM` as a rule's hours; the API checks the times themselves. */
function hoursOf(text: string | undefined, flag: string): { from: string; to: string } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text);
  if (!m) throw new UsageError(`${flag} is HH:MM-HH:MM; got "${text}".`);
  return { from: m[1]!, to: m[2]! };
}

async function specOf(api: LocalApi, v: Values): Promise<RuleSpecInput> {
  if (!v.op) throw new UsageError(`rule add needs --op, one of ${comparisons.join(' ')}.`);
  if (!v.level?.length) throw new UsageError('rule add needs at least one --level SEVERITY:THRESHOLD.');
  if (Boolean(v.variable) === v.connectivity) throw new UsageError('Give either --variable NAME or --connectivity.');
  const n = (value: string | undefined, flag: string, integer = true) => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x))) throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} of at least 0; got "${value}".`);
    return x;
  };
  const hours = hoursOf(v['active-hours'], '--active-hours');
  const quiet = hoursOf(v['quiet-hours'], '--quiet-hours');
  return {
    scope: await scopeOf(api, v),
    subject: v.connectivity ? { kind: 'connectivity' } : { kind: 'variable', variable: v.variable! },
    op: v.op as RuleSpecInput['op'],
    levels: v.level.map((l) => levelOf(l, v.op!)),
    delay: { seconds: n(v['delay-seconds'], '--delay-seconds'), readings: n(v['delay-readings'], '--delay-readings') },
    clear: { deadband: n(v.deadband, '--deadband', false), seconds: n(v['clear-seconds'], '--clear-seconds'), readings: n(v['clear-readings'], '--clear-readings') },
    ...(hours ? { activeHours: hours } : {}),
    ...(quiet ? { quietHours: quiet } : {}),
    channels: await channelIdsByName(api, v.channel ?? []),
    ...(v['reminder-minutes'] === undefined ? {} : { reminderMinutes: n(v['reminder-minutes'], '--reminder-minutes') }),
  };
}

function alarmId(text: string | undefined, action: string): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id <= 0) throw new UsageError(`alarm ${action} needs the alarm's ID (a number from \`outpost alarm list\`).`);
  return id;
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

export async function alarmCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, options, alarmHelp);
  if (exit !== undefined) return exit;
  const [action, sub, name] = positionals as [string, ...(string | undefined)[]];
  if (!['rule', 'channel', 'list', 'ack', 'clear'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (action === 'rule' && !['add', 'list', 'remove'].includes(sub ?? '')) throw new UsageError('alarm rule needs add, list or remove');
  if (action === 'rule' && sub !== 'list' && !name) throw new UsageError(`alarm rule ${sub} needs a NAME`);
  return withLocalApi(values, out, async (api) => {
    if (action === 'channel') return alarmChannelAction(api, out, sub, name, values);
    if (action === 'rule' && sub === 'add') {
      const rule = await api.call('alarmRules.create', { name: name!, enabled: !values.disabled, spec: await specOf(api, values) });
      out.event('rule-added', { rule }, `Alarm rule "${rule.name}" (id ${rule.id}) ${rule.enabled ? 'is on' : 'is saved, disabled'}.`);
      return 0;
    }
    if (action === 'rule' && sub === 'list') {
      const rules = await api.call('alarmRules.list', {});
      if (values.json) out.event('rules', { rules }, '');
      else if (rules.length === 0) out.line('No alarm rules. Add one with: outpost alarm rule add NAME ...');
      else for (const r of rules) out.line(`${String(r.id).padStart(4)} ${r.name.padEnd(24)} ${r.enabled ? 'on ' : 'off'} ${r.spec ? `${r.spec.op} ${r.spec.levels.map((l) => `${l.severity}:${l.value ?? l.minutes ?? `${l.low}..${l.high}`}`).join(' ')}` : '(unreadable)'}`);
      return 0;
    }
    if (action === 'rule') {
      const rule = (await api.call('alarmRules.list', {})).find((r) => r.name === name);
      if (!rule) throw new ApiCallError('UNKNOWN_RULE', `There is no alarm rule "${name}" in this organisation.`, 404, 'List them with `outpost alarm rule list`.');
      await api.call('alarmRules.remove', { ruleId: rule.id });
      out.event('rule-removed', { name }, `Alarm rule "${name}" is removed; its open alarms are cleared.`);
      return 0;
    }
    if (action === 'list') {
      const deviceId = values.device === undefined ? undefined : (await deviceIdsByLabel(api, [values.device]))[0];
      const alarms = await api.call('alarms.list', { state: values.state as 'active' | undefined, severity: values.severity as 'major' | undefined, deviceId });
      if (values.json) out.event('alarms', { alarms }, '');
      else if (alarms.length === 0) out.line('No alarms.');
      else
        for (const a of alarms)
          out.line(
            `${String(a.id).padStart(5)} ${a.state.padEnd(7)} ${a.severity.padEnd(8)} ${a.acked ? 'acked' : '     '} ${time(a.startedAt)} ${a.deviceLabel}${a.variable ? `/${a.variable}` : ''} ${a.ruleName} value ${a.value ?? '-'} peak ${a.peak ?? '-'}`,
          );
      return 0;
    }
    const id = alarmId(sub, action);
    if (action === 'ack') {
      const a = await api.call('alarms.ack', { alarmId: id, comment: values.comment ?? '' });
      out.event('alarm-acked', { alarm: a }, `Alarm ${id} (${a.ruleName} on ${a.deviceLabel}) is acknowledged; it is ${a.state}.`);
      return 0;
    }
    const a = await api.call('alarms.clear', { alarmId: id });
    out.event('alarm-cleared', { alarm: a }, `Alarm ${id} (${a.ruleName} on ${a.deviceLabel}) is cleared.`);
    return 0;
  });
}
