import { Aedes, type AedesPublishPacket, type Client, type Subscription } from 'aedes';
import type { Socket } from 'node:net';
import { subscriptionScope, topicMatches } from '../../src-shared/protocols/mqtt-topics';
import { findDeviceByLabel } from '../devices/queries/devices';
import { createAuthenticate, remoteAddressOf } from './authenticate';
import { createAuthorizePublish } from './authorize-publish';
import { createAuthorizeSubscribe } from './authorize-subscribe';
import { brokerLimits, type BrokerDeps } from './deps';
import { fanOutReadings, sendLastValues } from './fanout';
import { aedesLimitOptions, handleLimited } from './limits';
import type { HubPersistence } from './persistence';
import { subscriptionsOf, type Session } from './session';
import { requireWellFormedStrings } from './string-check';
import { topicAcl } from './topic-acl';
import { IntegrationTree } from './integration-tree';

/** A device with no MQTT session that sent nothing for this long shows as offline to integrations. */
const deviceOfflineAfterMs = 5 * 60_000;
import { closeRefusalLog, refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';

export interface OutpostBroker {
  aedes: Aedes;
  /** Hands an accepted socket (TLS or plain) to the broker. */
  handle(socket: Socket): void;
  /** The topic tree integrations read (broker/integration-tree.ts). */
  tree: IntegrationTree;
  close(): Promise<void>;
}

export async function createBroker(deps: BrokerDeps, persistence: HubPersistence, identity: { hubId: string; version: string }): Promise<OutpostBroker> {
  const aedes = new Aedes({
    persistence,
    authenticate: createAuthenticate(deps),
    authorizePublish: createAuthorizePublish(deps),
    authorizeSubscribe: createAuthorizeSubscribe(deps),
    // Every message aedes routes (live, retained, queued for a stored session) passes the topic ACL again for integrations.
    authorizeForward: (client: Client, packet: AedesPublishPacket) => {
      const session = deps.sessions.get(client);
      if (!session) return null;
      if (!session.integration) return packet;
      if (!topicAcl(deps.db, session, 'receive', packet.topic).ok) return null;
      // MQTT-3.8.4-6: the lower of the published and the granted QoS. aedes 1.2 (lib/client.js deliverQoS)
      // looks the subscription up by the topic itself, so a wildcard subscription was never downgraded.
      const granted = grantedQos(client, packet.topic);
      return granted < packet.qos ? { ...packet, qos: granted } : packet;
    },
    maxTopicLevels: brokerLimits.maxTopicLevels,
    ...aedesLimitOptions(deps.limits),
    // Enough pipelined QoS 1 messages before CONNACK for a fast publisher to start at once.
    queueLimit: 1000,
  });
  await aedes.listen();

  aedes.on('subscribe', (subs: Subscription[], client: Client) => onSubscribe(deps, persistence, subs, client));
  aedes.on('clientReady', (client: Client) => onRestored(deps, client));
  aedes.on('unsubscribe', (topics: string[], client: Client) => {
    const session = deps.sessions.get(client);
    for (const t of topics) {
      session?.subscriptions.delete(t);
      session?.filters.delete(t);
    }
  });
  aedes.on('clientError', (client: Client, err: Error) => deps.logger.debug({ clientId: untrusted(client.id), address: remoteAddressOf(client), detail: err.message }, 'MQTT client error'));
  aedes.on('connectionError', (client: Client, err: Error) =>
    refusalLog(deps.logger).refused(remoteAddressOf(client), 'connection', 'bad_request', { detail: err.message }, 'MQTT connection refused before CONNECT completed'),
  );
  const audience = () => deps.sessions.integrations > 0 || deps.stored.anyOwnedBy('app:');
  const tree = new IntegrationTree({ db: deps.db, logger: deps.logger, aedes, persistence, sessions: deps.sessions, ...identity, offlineAfterMs: deviceOfflineAfterMs, audience });
  tree.start();
  aedes.on('clientReady', (client: Client) => tree.clientReady(client));
  aedes.on('clientDisconnect', (client: Client) => tree.clientGone(client));
  const onReadings = (readings: Parameters<typeof fanOutReadings>[1]) => {
    fanOutReadings(deps, readings);
    tree.onReadings(readings);
  };
  deps.pipeline.live.on('readings', onReadings);

  return {
    aedes,
    tree,
    handle(socket) {
      const client = handleLimited(aedes, socket, deps.limits, (limited, length, cmd, limit) => {
        const session = deps.sessions.get(limited);
        deps.pipeline.countRejection('mqtt', 'too_large', session?.deviceLabel ?? '');
        refusalLog(deps.logger).refused(
          remoteAddressOf(limited),
          'packet',
          'too_large',
          { clientId: untrusted(session?.clientId ?? limited.id), length, cmd, limit },
          'MQTT packet over the size limit; connection closed',
        );
      });
      requireWellFormedStrings(client, (cmd, problem) => {
        const session = deps.sessions.get(client);
        deps.pipeline.countRejection('mqtt', 'bad_request', session?.deviceLabel ?? '');
        refusalLog(deps.logger).refused(
          remoteAddressOf(client),
          'packet',
          problem,
          { clientId: untrusted(client.id), cmd },
          `MQTT ${cmd} refused: ${problem === 'null_character' ? 'a string holds U+0000' : 'a string is not well-formed UTF-8'} (MQTT-1.5.3); connection closed`,
        );
      });
    },
    close() {
      deps.pipeline.live.off('readings', onReadings);
      tree.stop();
      closeRefusalLog(deps.logger);
      return new Promise((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** The highest QoS among the client's subscriptions matching `topic` (aedes keeps them by filter). */
function grantedQos(client: Client, topic: string): 0 | 1 | 2 {
  const subs = subscriptionsOf(client);
  let best = 0;
  for (const [filter, sub] of Object.entries(subs)) if (sub.qos > best && topicMatches(filter, topic)) best = sub.qos;
  return best as 0 | 1 | 2;
}

function onSubscribe(deps: BrokerDeps, persistence: HubPersistence, subs: Subscription[], client: Client): void {
  const session = deps.sessions.get(client);
  if (!session) return;
  const held = subscriptionsOf(client);
  // aedes 1.2 (lib/handlers/subscribe.js storeSubscriptions) stores every filter of a SUBSCRIBE with a
  // stored session once one of them is granted, the refused ones too: messages would be queued for them
  // while the client is offline, and they would come back on the next CONNECT. Only what aedes holds stays.
  const refused = subs.filter((s) => (s.qos as number) === 128 && !(s.topic in held)).map((s) => s.topic);
  if (!client.clean && refused.length > 0) {
    persistence.removeSubscriptions(client, refused).catch((err: unknown) => deps.logger.warn({ clientId: untrusted(client.id), detail: String(err) }, 'MQTT refused filters could not be dropped from the stored session'));
  }
  session.holdFilters(Object.keys(held));
  // MQTT-3.9.3: 0x80 marks a refused filter.
  subscribed(deps, session, subs.filter((s) => (s.qos as number) !== 128), true);
}

/**
 * A stored session's subscriptions are restored by aedes while CONNECT is
 * handled (through the same ACL), without a `subscribe` event: they are
 * registered here once the client is ready, so values and commands reach a
 * device that resumed its session without subscribing again. No last values:
 * MQTT-3.1.2.4 sends retained messages on SUBSCRIBE only, and what was queued
 * for the session is delivered by aedes.
 */
function onRestored(deps: BrokerDeps, client: Client): void {
  const session = deps.sessions.get(client);
  const subs = subscriptionsOf(client);
  // The restored filters count toward the per-session cap (broker/authorize-subscribe.ts).
  session?.holdFilters(Object.keys(subs));
  const restored = Object.entries(subs).map(([topic, sub]) => ({ topic, qos: sub.qos }));
  if (session && restored.length > 0) subscribed(deps, session, restored, false);
}

function subscribed(deps: BrokerDeps, session: Session, granted: { topic: string; qos: number }[], sendLast: boolean): void {
  // An integration's messages are routed by aedes (broker/integrations.ts), not built per session.
  if (session.integration) return;
  for (const s of granted) session.subscriptions.set(s.topic, s.qos > 0 ? 1 : 0);
  const byDevice = new Map<string, string[]>();
  for (const s of granted) {
    const scope = subscriptionScope(s.topic);
    if (scope?.kind === 'ubidots') byDevice.set(scope.device.toLowerCase(), [...(byDevice.get(scope.device.toLowerCase()) ?? []), s.topic]);
  }
  for (const [label, filters] of byDevice) {
    const deviceId = session.deviceId ?? findDeviceByLabel(deps.db, session.principal.orgId, label)?.id;
    if (deviceId === undefined) continue;
    if (sendLast) sendLastValues(deps, session, deviceId, label, filters);
    if (session.deviceId === null) deps.rpc.deviceReady(deviceId);
  }
  if (session.deviceId !== null) deps.rpc.deviceReady(session.deviceId);
}
