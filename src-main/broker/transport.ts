import { tbRpcRequestTopic } from '../../src-shared/protocols/mqtt-topics';
import type { CommandTransport } from '../commands/transport';
import type { BrokerDeps } from './deps';
import { hasControlSubscriber, sendSharedAttributes } from './fanout';

/** Commands reach devices through the sessions of the MQTT broker. */
export function brokerTransport(deps: BrokerDeps): CommandTransport {
  return {
    controlSubscribed: (orgId, deviceId, device, variable) => hasControlSubscriber(deps, orgId, deviceId, device, variable),
    sendSharedAttributes: (deviceId, attributes) => sendSharedAttributes(deps, deviceId, attributes),
    sendRpc(deviceId, id, method, params) {
      let sent = false;
      for (const s of deps.sessions.all()) {
        if (s.deviceId === deviceId && s.sendIfSubscribed(tbRpcRequestTopic(id), JSON.stringify({ method, params: params ?? {} }), deviceId)) sent = true;
      }
      return sent;
    },
  };
}
