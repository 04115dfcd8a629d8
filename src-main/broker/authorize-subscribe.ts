import type { AedesOptions, Client, Subscription } from 'aedes';
import { refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';
import { remoteAddressOf } from './authenticate';
import type { BrokerDeps } from './deps';
import { withSession } from './sessions';
import { topicAcl } from './topic-acl';

/**
 * SUBSCRIBE ACL (broker/topic-acl.ts decides): a device subscribes only to
 * its own topics, an integration inside its patterns, organisation and
 * devices; `$SYS/` and everything else refused gets 0x80 in the SUBACK
 * (MQTT-3.9.3: return code 0x80 = failure). QoS is capped at 1 for devices
 * (the hub sends them QoS 1 at most); integrations get the QoS they ask for
 * (MQTT-3.8.4-6: granted QoS may be lower, never higher).
 */
export function createAuthorizeSubscribe(deps: BrokerDeps): NonNullable<AedesOptions['authorizeSubscribe']> {
  return (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void) =>
    withSession(deps.sessions, client, (session) => {
      const decision = session ? topicAcl(deps.db, session, 'subscribe', sub.topic) : { ok: false as const, reason: 'no session' };
      if (!decision.ok) {
        refusalLog(deps.logger).refused(remoteAddressOf(client), 'subscribe', 'not_authorized', { clientId: untrusted(client.id), filter: untrusted(sub.topic) }, `MQTT subscription refused: ${decision.reason}`);
        done(null, null);
        return;
      }
      done(null, { ...sub, qos: session?.integration ? sub.qos : sub.qos > 1 ? 1 : sub.qos });
    });
}
