import type { AedesOptions, Client, Subscription } from 'aedes';
import { refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';
import { remoteAddressOf } from './authenticate';
import { brokerLimits, type BrokerDeps } from './deps';
import { withSession } from './sessions';
import { topicAcl } from './topic-acl';

/**
 * SUBSCRIBE ACL (broker/topic-acl.ts decides): a device subscribes only to
 * its own topics, an integration inside its patterns, organisation and
 * devices; `$SYS/` and everything else refused gets 0x80 in the SUBACK
 * (MQTT-3.9.3: return code 0x80 = failure), and so does a new filter
 * past the per-session cap (brokerLimits.maxSubscriptionsPerSession). QoS
 * is capped at 1 for devices (the hub sends them QoS 1 at most);
 * integrations get the QoS they ask for (MQTT-3.8.4-6: granted QoS may be
 * lower, never higher).
 */
export function createAuthorizeSubscribe(deps: BrokerDeps): NonNullable<AedesOptions['authorizeSubscribe']> {
  const max = brokerLimits.maxSubscriptionsPerSession;
  return (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void) => {
    const refuse = (reason: string, message: string) => {
      refusalLog(deps.logger).refused(remoteAddressOf(client), 'subscribe', reason, { clientId: untrusted(client.id), filter: untrusted(sub.topic) }, `MQTT subscription refused: ${message}`);
      done(null, null);
    };
    withSession(deps.sessions, client, (session) => {
      const decision = session ? topicAcl(deps.db, session, 'subscribe', sub.topic) : { ok: false as const, reason: 'no session' };
      if (!decision.ok || !session) {
        refuse('not_authorized', decision.ok ? 'no session' : decision.reason);
      } else if (!session.filters.has(sub.topic) && session.filters.size >= max) {
        // Subscribing again to a filter the session holds replaces it (MQTT-3.8.4-3): only new filters count.
        refuse('too_many', `the session holds ${max} filters, the most one may hold; unsubscribe from one first, or use a wildcard filter`);
      } else {
        session.filters.add(sub.topic);
        done(null, { ...sub, qos: session.integration ? sub.qos : sub.qos > 1 ? 1 : sub.qos });
      }
    });
  };
}
