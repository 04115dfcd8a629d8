import { classifyTreeTopic, filterWithin, substitutePattern, treeRoot, type TreeTopic } from '../../src-shared/protocols/outpost-topics';
import { subscriptionScope, topicMatches } from '../../src-shared/protocols/mqtt-topics';
import { mayUseDevice } from '../access/device-access';
import type { Permission } from '../../src-shared/permissions';
import { findDeviceByLabel } from '../devices/queries/devices';
import { untrusted } from '../logging/untrusted';
import type { Db } from '../store/database';
import type { Session } from './session';

/**
 * What a client asks: SUBSCRIBE to a filter, PUBLISH to a topic, or receive
 * (aedes' authorizeForward) a message the broker routes to it.
 */
export type TopicAction = 'subscribe' | 'publish' | 'receive';

export type AclDecision = { ok: true; tree: TreeTopic | null } | { ok: false; reason: string };

const refused = (reason: string): AclDecision => ({ ok: false, reason });

/**
 * THE topic ACL of the broker: every SUBSCRIBE (authorizeSubscribe), every
 * integration PUBLISH (authorizePublish) and every routed message
 * (authorizeForward) is decided here. Devices keep their own topics only
 * (unchanged); an integration (app token with MQTT patterns,
 * docs/INTEGRATIONS.md) gets what its patterns cover AND what its
 * organisation and device set allow: the organisation is the principal's, the
 * device check is mayUseDevice, whatever the patterns say.
 */
export function topicAcl(db: Db, session: Session, action: TopicAction, topic: string): AclDecision {
  if (!session.integration) return deviceAcl(db, session, action, topic);
  const grant = session.integration;
  // MQTT-4.7.2-1 keeps `#` and `+` from matching `$` topics; a client may not name them either.
  if (topic.startsWith('$')) return refused('"$" topics belong to the broker');
  const who = { clientId: session.clientId, username: grant.name };
  const patterns = (action === 'publish' ? grant.publish : grant.subscribe).map((p) => substitutePattern(p, who)).filter((p): p is string => p !== null);
  if (action === 'subscribe' && !patterns.some((p) => filterWithin(topic, p))) return refused('the filter is outside the integration\'s subscribe patterns');
  if (action === 'publish' && !patterns.some((p) => topicMatches(p, topic))) return refused('the topic is outside the integration\'s publish patterns');
  return action === 'subscribe' ? subscribeScope(db, session, topic) : concreteScope(db, session, action, topic);
}

/** A filter: its organisation level must be the client's own; a named device must be one it may read. */
function subscribeScope(db: Db, session: Session, filter: string): AclDecision {
  const levels = filter.split('/');
  if (levels[0] !== 'outpost') return { ok: true, tree: null };
  const org = String(session.principal.orgId);
  if (levels.length > 1 && levels[1] !== '#' && (levels[1] !== 'v1' || (levels[2] !== undefined && levels[2] !== '#' && levels[2] !== org))) {
    return refused(`the filter must name this organisation's tree, ${treeRoot}/${org}/...`);
  }
  const device = levels[3] === 'devices' ? levels[4] : undefined;
  if (device !== undefined && device !== '+' && device !== '#' && !deviceAllowed(db, session, device, 'readings:read')) return refused(`this integration may not read device "${untrusted(device)}"`);
  return { ok: true, tree: null };
}

/** A concrete topic to publish to or to receive. */
function concreteScope(db: Db, session: Session, action: 'publish' | 'receive', topic: string): AclDecision {
  const tree = classifyTreeTopic(topic);
  const orgId = session.principal.orgId;
  if (!tree || tree.kind === 'ha-other' || tree.kind === 'outpost-other') return refused('an integration may publish only commands and messages under its share tree (docs/INTEGRATIONS.md)');
  if (tree.org !== orgId) return refused('the topic belongs to another organisation');
  switch (tree.kind) {
    case 'share':
      return { ok: true, tree };
    case 'set':
    case 'rpc':
      if (action === 'receive') return refused('commands are consumed by the hub');
      return deviceAllowed(db, session, tree.device, 'commands:send') ? { ok: true, tree } : refused(`this integration may not command device "${untrusted(tree.device)}"`);
    case 'value':
    case 'status':
      if (action === 'publish') return refused('readings and status come from devices, not from integrations');
      return deviceAllowed(db, session, tree.device, 'readings:read') ? { ok: true, tree } : refused('device not visible');
    case 'ha-config':
      if (action === 'publish') return refused('discovery messages are the hub\'s');
      return mayUseDevice(db, session.principal, { orgId, id: tree.deviceId }, 'readings:read') ? { ok: true, tree } : refused('device not visible');
  }
}

function deviceAllowed(db: Db, session: Session, label: string, permission: Permission): boolean {
  const orgId = session.principal.orgId;
  const device = findDeviceByLabel(db, orgId, label.toLowerCase());
  return device !== null && mayUseDevice(db, session.principal, { orgId, id: device.id, label: device.label }, permission);
}

/**
 * Device and ingest tokens (and API-key access tokens): their own Ubidots
 * topics or ThingsBoard `me` topics only. Their PUBLISHes are classified by
 * the dialect handlers (broker/authorize-publish.ts), which check the device;
 * what they receive is built by the hub for them (broker/fanout.ts).
 */
function deviceAcl(db: Db, session: Session, action: TopicAction, topic: string): AclDecision {
  if (action !== 'subscribe') return { ok: true, tree: null };
  const scope = subscriptionScope(topic);
  if (!scope) return refused('the filter reaches outside the device ($SYS, other devices or wildcards above the device label)');
  if (scope.kind === 'tb' && session.deviceId === null) return refused('ThingsBoard "me" topics need a device token');
  if (scope.kind === 'ubidots' && !mayUseDevice(db, session.principal, { orgId: session.principal.orgId, label: scope.device }, 'readings:read')) {
    return refused(`this token may not read device "${untrusted(scope.device.toLowerCase())}"`);
  }
  return { ok: true, tree: null };
}
