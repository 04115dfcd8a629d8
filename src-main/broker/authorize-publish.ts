import type { AedesOptions, Client, PublishPacket } from 'aedes';
import { classifyPublish, type PublishTarget } from '../../src-shared/protocols/mqtt-topics';
import { PersistError } from '../ingest/pipeline/persist-error';
import { untrusted } from '../logging/untrusted';
import { brokerLimits, type BrokerDeps } from './deps';
import type { Session } from './session';
import { withSession } from './sessions';
import { tbAttributes, tbAttributesRequest } from './handlers/tb-attributes';
import { tbRpcRequest, tbRpcResponse } from './handlers/tb-rpc';
import { tbTelemetry } from './handlers/tb-telemetry';
import { refuseMessage, type PublishHandler } from './handlers/types';
import { ubidotsPublish } from './handlers/ubidots-publish';
import { integrationCommand, refuseIntegrationPublish } from './handlers/integration-publish';
import { RetainedShareBudget } from './retained-shares';
import { topicAcl } from './topic-acl';

const handlers: { [K in PublishTarget['kind']]: PublishHandler<K> } = {
  ubidots: ubidotsPublish,
  'tb-telemetry': tbTelemetry,
  'tb-attributes': tbAttributes,
  'tb-attributes-request': tbAttributesRequest,
  'tb-rpc-response': tbRpcResponse,
  'tb-rpc-request': tbRpcRequest,
};

/**
 * Where a handled PUBLISH goes once aedes routes it: a `$` topic that no
 * client may subscribe to (the ACL refuses `$` filters, and MQTT-4.7.2-1 keeps
 * wildcards from matching it). Devices never see each other's raw messages;
 * everything the hub sends out is built from committed data.
 */
export const consumedTopic = '$outpost/consumed';

/**
 * Acknowledge after commit. In aedes 1.2 (lib/handlers/publish.js) a PUBLISH
 * runs `authorizePublish` first and only when its callback fires does
 * `enqueuePublish` write the PUBACK (QoS 1) and route the message. The
 * `published` hook and `broker.on('publish')` run *after* the PUBACK is
 * written, so they cannot hold it back. So the whole ingest happens here: the
 * callback is called when `pipeline.ingest` has resolved, i.e. after the
 * transaction holding the readings committed. A PersistError (disk full,
 * overloaded) is passed to the callback, which makes aedes close the
 * connection without a PUBACK: the device resends. aedes dispatches the
 * packets of one socket read concurrently and reads the socket again only
 * when all of them called back, so a slow commit slows the sender (QoS 0 too)
 * and `ingest` is called in arrival order, which keeps QoS 0 in order.
 * Retained PUBLISHes and wills pass through here as well: same ACL, and
 * `retain` is cleared so nothing is kept in aedes' memory.
 */
export function createAuthorizePublish(deps: BrokerDeps): NonNullable<AedesOptions['authorizePublish']> {
  const retainedShares = new RetainedShareBudget(brokerLimits.maxRetainedShareTopics, brokerLimits.maxRetainedShareBytes);
  return (client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void) => {
    if (client) withSession(deps.sessions, client, (session) => authorize(session, packet, done));
    else done(new Error('publish without a client'));
  };

  function authorize(session: Session | undefined, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (!session) {
      done(new Error('publish from a client without a session'));
      return;
    }
    session.counters.messagesIn += 1;
    const finish = () => {
      packet.topic = consumedTopic;
      packet.retain = false;
      done(null);
    };
    if (session.integration) {
      integrationPublish(session, packet, finish, done);
      return;
    }
    const target = classifyPublish(packet.topic);
    if (!target) {
      refuseMessage(deps, session, packet, 'not_authorized', 'this topic is not one a device may publish to (see docs/PROTOCOLS.md); the message was dropped');
      finish();
      return;
    }
    let pending: Promise<void> | void;
    try {
      pending = (handlers[target.kind] as PublishHandler<typeof target.kind>)(deps, session, target, packet);
    } catch (err) {
      fail(err);
      return;
    }
    if (pending) pending.then(finish, fail);
    else finish();

    function fail(err: unknown): void {
      if (err instanceof PersistError) {
        // Every message of this connection already handed over fails the same way as it closes: one line, not thousands.
        if (!session!.storeFailed) deps.logger.warn({ clientId: untrusted(session!.client.id), address: session!.remoteAddress, code: err.code }, 'MQTT publish not stored; closing the connection so the device resends');
        session!.storeFailed = true;
        done(err);
        return;
      }
      deps.logger.error({ err, clientId: untrusted(session!.client.id) }, 'MQTT publish failed');
      done(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * An integration (docs/INTEGRATIONS.md): a command is consumed by the
   * command service, a message under its share tree is routed by aedes as
   * sent (QoS, retain, wills: MQTT 3.1.1 between integrations), anything
   * else is dropped. Readings never come from here.
   */
  function integrationPublish(session: Session, packet: PublishPacket, consume: () => void, done: (err?: Error | null) => void): void {
    const decision = topicAcl(deps.db, session, 'publish', packet.topic);
    if (!decision.ok) {
      refuseIntegrationPublish(deps, session, packet, decision.reason);
      consume();
    } else if (decision.tree?.kind === 'set' || decision.tree?.kind === 'rpc') {
      // A command is a console API call (a stored row, an audit row): it draws from the token's request budget.
      const budget = deps.access.takeRequest(session.principal);
      if (!budget.ok) {
        refuseIntegrationPublish(deps, session, packet, `too many commands from this integration's token (the console's and API's budget too): try again in ${budget.retryAfterSeconds} s`);
        consume();
        return;
      }
      integrationCommand(deps, session, decision.tree, packet).then(consume, (err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    } else {
      // A retained share message past the organisation's budget is refused whole (a QoS 1 PUBLISH still gets its PUBACK).
      const over = packet.retain && decision.tree?.kind === 'share' ? retainedShares.take(decision.tree.org, packet.topic, packet.payload.length) : null;
      if (over) {
        refuseIntegrationPublish(deps, session, packet, over, 'too_large');
        consume();
        return;
      }
      done(null);
    }
  }
}
