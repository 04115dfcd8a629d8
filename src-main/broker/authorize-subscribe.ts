import type { AedesOptions, Client, Subscription } from 'aedes';
import { subscriptionScope } from '../../src-shared/protocols/mqtt-topics';
import { mayUseDevice } from '../access/device-access';
import { refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';
import { remoteAddressOf } from './authenticate';
import type { BrokerDeps } from './deps';
import { withSession } from './sessions';

/**
 * SUBSCRIBE ACL: a device subscribes only to its own topics (Ubidots topics
 * naming its label, with `+`/`#` only below the label, or ThingsBoard `me`
 * topics); `$SYS/` and other devices' topics get 0x80 in the SUBACK
 * (MQTT-3.9.3: return code 0x80 = failure). QoS is capped at 1.
 */
export function createAuthorizeSubscribe(deps: BrokerDeps): NonNullable<AedesOptions['authorizeSubscribe']> {
  return (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void) =>
    withSession(deps.sessions, client, (session) => {
    const scope = subscriptionScope(sub.topic);
    let refusal: string | null = null;
    if (!session) refusal = 'no session';
    else if (!scope) refusal = 'the filter reaches outside the device ($SYS, other devices or wildcards above the device label)';
    else if (scope.kind === 'tb' && session.deviceId === null) refusal = 'ThingsBoard "me" topics need a device token';
    else if (scope.kind === 'ubidots' && !mayUseDevice(deps.db, session.principal, { orgId: session.principal.orgId, label: scope.device }, 'readings:read')) {
      refusal = `this token may not read device "${untrusted(scope.device.toLowerCase())}"`;
    }
    if (refusal) {
      refusalLog(deps.logger).refused(remoteAddressOf(client), 'subscribe', 'not_authorized', { clientId: untrusted(client.id), filter: untrusted(sub.topic) }, `MQTT subscription refused: ${refusal}`);
      done(null, null);
      return;
    }
      done(null, { ...sub, qos: sub.qos > 1 ? 1 : sub.qos });
    });
}
