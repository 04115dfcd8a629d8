import type { HubConnection } from '../../src-shared/api/areas/hub';
import type { HubStatus } from '../../src-shared/api/contract';
import { currentSubjectNames } from '../security/tls/material';

const loopback = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Where a device can reach the hub: the bound address, or, when the device
 * listeners bind every interface, this machine's names and addresses (the
 * ones its generated certificate names), LAN addresses first.
 */
export function connectionFacts(status: HubStatus, caPem: string): HubConnection {
  const { mqtts, https, mqtt } = status.listeners;
  const bound = [mqtts, https, mqtt].flatMap((a) => (a ? [a.host] : []));
  const wildcard = bound.some((h) => h === '0.0.0.0' || h === '::');
  const names = currentSubjectNames();
  const candidates = wildcard ? [...names.ips, ...names.dns] : bound;
  const hosts = [...new Set(candidates)].sort((a, b) => Number(loopback.has(a)) - Number(loopback.has(b)));
  return {
    hosts,
    ports: { ...(mqtts ? { mqtts: mqtts.port } : {}), ...(https ? { https: https.port } : {}), ...(mqtt ? { mqtt: mqtt.port } : {}) },
    caPem,
    caFingerprint: status.tls.caFingerprint,
  };
}
