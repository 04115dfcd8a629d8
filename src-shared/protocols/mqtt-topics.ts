/**
 * The MQTT topics Outpost speaks, for both dialects (docs/PROTOCOLS.md). Pure
 * string work: the broker classifies every PUBLISH and SUBSCRIBE with these.
 */

export const ubidotsPrefix = '/v1.6/devices/';
export const tbPrefix = 'v1/devices/me/';

/** What a device may publish to. Anything else is refused by the ACL. */
export type PublishTarget =
  | { kind: 'ubidots'; device: string }
  | { kind: 'tb-telemetry' }
  | { kind: 'tb-attributes' }
  | { kind: 'tb-attributes-request'; requestId: string }
  | { kind: 'tb-rpc-response'; requestId: string }
  | { kind: 'tb-rpc-request'; requestId: string };

const requestId = /^[A-Za-z0-9_-]{1,36}$/;

export function classifyPublish(topic: string): PublishTarget | null {
  if (topic.startsWith(ubidotsPrefix)) {
    const rest = topic.slice(ubidotsPrefix.length).replace(/\/$/, '');
    if (rest === '' || rest.includes('/')) return null;
    return { kind: 'ubidots', device: rest };
  }
  if (topic === 'v1/devices/me/telemetry' || topic === 'v2/t') return { kind: 'tb-telemetry' };
  if (topic === 'v1/devices/me/attributes' || topic === 'v2/a') return { kind: 'tb-attributes' };
  for (const [prefix, kind] of [
    ['v1/devices/me/attributes/request/', 'tb-attributes-request'],
    ['v1/devices/me/rpc/response/', 'tb-rpc-response'],
    ['v1/devices/me/rpc/request/', 'tb-rpc-request'],
  ] as const) {
    if (topic.startsWith(prefix)) {
      const id = topic.slice(prefix.length);
      return requestId.test(id) ? { kind, requestId: id } : null;
    }
  }
  return null;
}

/** Topic filters a ThingsBoard device may subscribe to (`me` is its own token's device). */
const tbSubscribable = new Set([
  'v1/devices/me/attributes',
  'v1/devices/me/attributes/response/+',
  'v1/devices/me/rpc/request/+',
  'v1/devices/me/rpc/response/+',
  'v2/a',
]);

/**
 * Which device a subscription filter is about: a Ubidots filter names its
 * device in the third level (wildcards allowed only after it); ThingsBoard
 * filters mean "me". Null: the filter reaches outside one device ($SYS, `#`, ...).
 */
export function subscriptionScope(filter: string): { kind: 'ubidots'; device: string } | { kind: 'tb' } | null {
  if (tbSubscribable.has(filter) || /^v1\/devices\/me\/(attributes\/response|rpc\/request|rpc\/response)\/[A-Za-z0-9_-]{1,36}$/.test(filter)) return { kind: 'tb' };
  if (!filter.startsWith(ubidotsPrefix)) return null;
  const levels = filter.slice(ubidotsPrefix.length).split('/');
  const device = levels[0] ?? '';
  if (device === '' || device.includes('+') || device.includes('#')) return null;
  if (levels.length > 3) return null;
  return { kind: 'ubidots', device };
}

/** MQTT topic filter matching (MQTT-4.7.1): `+` one level, `#` this level and all below. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

export const ubidotsLastValueTopic = (device: string, variable: string): string => `${ubidotsPrefix}${device}/${variable}/lv`;
export const ubidotsDotTopic = (device: string, variable: string): string => `${ubidotsPrefix}${device}/${variable}`;
export const tbAttributesTopic = 'v1/devices/me/attributes';
export const tbAttributesResponseTopic = (id: string): string => `v1/devices/me/attributes/response/${id}`;
export const tbRpcRequestTopic = (id: string): string => `v1/devices/me/rpc/request/${id}`;
export const tbRpcResponseTopic = (id: string): string => `v1/devices/me/rpc/response/${id}`;
