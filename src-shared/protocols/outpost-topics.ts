import { z } from 'zod';

/**
 * The topic tree the hub publishes for integrations (Home Assistant, Node-RED,
 * Telegraf...) and the topic patterns their tokens carry (docs/INTEGRATIONS.md).
 * Pure string work, shared by the hub (ACL, publishing) and the console (forms).
 *
 *   outpost/v1/{org}/devices/{label}/{variable}        JSON {value, timestamp, context}, retained
 *   outpost/v1/{org}/devices/{label}/status            online | offline, retained
 *   outpost/v1/{org}/devices/{label}/{variable}/set    a client publishes a number: a control command
 *   outpost/v1/{org}/devices/{label}/rpc               a client publishes {"method", "params"}: an RPC command
 *   outpost/v1/{org}/share/...                         free messages between the organisation's integrations
 *   homeassistant/sensor/outpost_o{org}_d{id}/{object}/config   Home Assistant discovery (opt-in), retained
 */

export const treeVersion = 'v1';
export const treeRoot = `outpost/${treeVersion}`;
export const haDiscoveryPrefix = 'homeassistant';

export const deviceValueTopic = (org: number, device: string, variable: string): string => `${treeRoot}/${org}/devices/${device}/${variable}`;
export const deviceStatusTopic = (org: number, device: string): string => `${treeRoot}/${org}/devices/${device}/status`;
export const haNodeId = (org: number, deviceId: number): string => `outpost_o${org}_d${deviceId}`;
/**
 * Home Assistant object ids are `[a-zA-Z0-9_-]`; labels may also hold `.` and
 * `:`, which become `_`. A label that had to change gets a short hash of the
 * label itself appended, so `a.b` and `a_b` never share a config topic
 * (`a_b_108bf50c` and `a_b`); a label that needs no change keeps its topic.
 */
export const haObjectId = (variable: string): string => {
  const safe = variable.replace(/[^a-zA-Z0-9_-]/g, '_');
  return safe === variable ? safe : `${safe}_${fnv1a(variable)}`;
};

/**
 * FNV-1a (32 bits) over the UTF-16 code units (labels are ASCII, so their
 * bytes) as 8 hex digits: stable across runs and platforms; not for secrets
 * (src-shared has no node:crypto).
 */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
export const haConfigTopic = (org: number, deviceId: number, variable: string): string => `${haDiscoveryPrefix}/sensor/${haNodeId(org, deviceId)}/${haObjectId(variable)}/config`;

/** What a topic of the hub's trees is about. `status` is reserved: no variable may be called that in the tree. */
export type TreeTopic =
  | { kind: 'value'; org: number; device: string; variable: string }
  | { kind: 'status'; org: number; device: string }
  | { kind: 'set'; org: number; device: string; variable: string }
  | { kind: 'rpc'; org: number; device: string }
  | { kind: 'share'; org: number }
  | { kind: 'ha-config'; org: number; deviceId: number }
  | { kind: 'ha-other' }
  | { kind: 'outpost-other' };

const orgLevel = /^[1-9][0-9]{0,9}$/;

/** Classifies a concrete topic (no wildcards). Null: outside the hub's trees. */
export function classifyTreeTopic(topic: string): TreeTopic | null {
  const levels = topic.split('/');
  if (levels[0] === haDiscoveryPrefix) {
    const node = /^outpost_o([1-9][0-9]{0,9})_d([1-9][0-9]{0,15})$/.exec(levels[2] ?? '');
    if (levels.length === 5 && node && levels[4] === 'config') return { kind: 'ha-config', org: Number(node[1]), deviceId: Number(node[2]) };
    return { kind: 'ha-other' };
  }
  if (levels[0] !== 'outpost') return null;
  if (levels[1] !== treeVersion || !orgLevel.test(levels[2] ?? '')) return { kind: 'outpost-other' };
  const org = Number(levels[2]);
  const [, , , area, device, variable, extra] = levels;
  if (area === 'share' && levels.length >= 5 && levels.slice(4).every((l) => l !== '')) return { kind: 'share', org };
  if (area !== 'devices' || !device || !variable) return { kind: 'outpost-other' };
  if (levels.length === 6) {
    if (variable === 'status') return { kind: 'status', org, device };
    if (variable === 'rpc') return { kind: 'rpc', org, device };
    return { kind: 'value', org, device, variable };
  }
  if (levels.length === 7 && extra === 'set') return { kind: 'set', org, device, variable };
  return { kind: 'outpost-other' };
}

/**
 * A topic pattern as an integration token carries it (Mosquitto ACL style):
 * an MQTT filter whose levels may also be exactly `%c` (the client id) or
 * `%u` (the integration's name). Like Mosquitto, a substitution must be a
 * whole level.
 */
export const topicPatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .refine((p) => !p.startsWith('$'), 'a pattern may not start with "$": those topics belong to the broker')
  .refine((p) => validFilter(p.replace(/%[cu]/g, 'x')), 'not a valid MQTT topic filter: "+" and "#" must fill a whole level and "#" must be last (MQTT-4.7.1)')
  .refine((p) => p.split('/').every((l) => !l.includes('%') || l === '%c' || l === '%u'), '"%c" and "%u" must be a whole level, e.g. outpost/v1/1/share/%u/#');
export const topicPatternListSchema = z.array(topicPatternSchema).max(32);

/** MQTT-4.7.1: wildcards occupy whole levels; `#` only last; no empty filter, no U+0000. */
export function validFilter(filter: string): boolean {
  if (filter === '' || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((l, i) => (l.includes('+') ? l === '+' : true) && (l.includes('#') ? l === '#' && i === levels.length - 1 : true));
}

/** `%c` and `%u` replaced; a value holding a wildcard or `/` matches nothing (Mosquitto refuses such ids too). */
export function substitutePattern(pattern: string, who: { clientId: string; username: string }): string | null {
  const safe = (v: string) => v !== '' && !/[+#/]/.test(v);
  if (pattern.includes('%c') && !safe(who.clientId)) return null;
  if (pattern.includes('%u') && !safe(who.username)) return null;
  return pattern
    .split('/')
    .map((l) => (l === '%c' ? who.clientId : l === '%u' ? who.username : l))
    .join('/');
}

/**
 * Does every topic `filter` matches also match `pattern`? (A subscription is
 * granted only inside a pattern.) Level by level: `#` in the pattern covers
 * the rest, `+` covers one level that is not `#`, a literal only itself.
 * MQTT-4.7.2-1: a pattern starting with a wildcard never covers a `$` topic.
 */
export function filterWithin(filter: string, pattern: string): boolean {
  const f = filter.split('/');
  const p = pattern.split('/');
  if (f[0]?.startsWith('$') && (p[0] === '+' || p[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const pl = p[i];
    if (pl === '#') return true;
    if (pl === undefined) return false;
    const fl = f[i]!;
    if (fl === '#') return false;
    if (pl === '+') continue;
    if (fl === '+' || fl !== pl) return false;
  }
  // `a/#` also matches `a` itself (MQTT-4.7.1.2).
  return f.length === p.length || (p.length === f.length + 1 && p[f.length] === '#');
}

/**
 * Is there a topic both filters match? (May an integration whose pattern is
 * `a` receive something of `b`?) `#` matches the rest, `+` any one level.
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const xl = x[i];
    const yl = y[i];
    // `#` matches the rest, `a/#` also `a` itself (MQTT-4.7.1.2).
    if (xl === '#' || yl === '#') return true;
    if (xl === undefined || yl === undefined) return false;
    if (xl !== '+' && yl !== '+' && xl !== yl) return false;
  }
  return true;
}
