import type { Client } from 'aedes';
import type { MqttGrant } from '../access/integration-credentials';
import { subjectOf, type Principal } from '../access/principal';
import type { MqttSessionCounters } from './queries/mqtt-sessions';
import { topicMatches } from '../../src-shared/protocols/mqtt-topics';

/** aedes keeps a client's subscriptions by filter (granted QoS included); its types do not say so. */
export const subscriptionsOf = (client: Client): Record<string, { qos: number }> => (client as Client & { subscriptions?: Record<string, { qos: number }> }).subscriptions ?? {};

/** The filters a client holds now. */
export const subscribedFilters = (client: Client): string[] => Object.keys(subscriptionsOf(client));

/** What the hub sends to devices is counted per device and hour (device_usage_hourly *_out). */
export type OutCounter = (deviceId: number, bytes: number) => void;

/**
 * One authenticated MQTT connection: who it is, what it subscribed to, and
 * its traffic counters (mqtt_sessions).
 */
export class Session {
  readonly subscriptions = new Map<string, 0 | 1>();
  /**
   * Every filter this session holds (all client kinds), for the per-session cap (brokerLimits.maxSubscriptionsPerSession):
   * a filter is counted when authorized (the filters of one SUBSCRIBE are authorized before any is taken), then
   * the set is replaced by what aedes took once the SUBSCRIBE or the restored session is complete.
   */
  readonly filters = new Set<string>();
  readonly counters: MqttSessionCounters = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0 };
  /** The mqtt_sessions row, once the writer thread created it (0 until then). */
  rowId = 0;
  opened: Promise<void> = Promise.resolve();
  readonly connectedAt = Date.now();
  /** Set for an integration's app token: its MQTT topic patterns (broker/topic-acl.ts decides with them). */
  integration: MqttGrant | null = null;
  /** A publish of this connection could not be stored: the connection is closing, and its other messages fail alike (logged once). */
  storeFailed = false;

  constructor(
    readonly client: Client,
    /** The client id as the device sent it (client.id is namespaced by owner). */
    readonly clientId: string,
    readonly principal: Principal,
    readonly remoteAddress: string,
    private readonly countOut: OutCounter,
  ) {}

  /** The device a device token speaks for (ThingsBoard `me`); null for organisation ingest tokens. */
  get deviceId(): number | null {
    return this.principal.kind === 'device' ? this.principal.deviceId : null;
  }

  /** What aedes holds for the client now (restored filters included): the filters the cap counts. */
  holdFilters(held: readonly string[]): void {
    this.filters.clear();
    for (const f of held) this.filters.add(f);
  }

  /** Who owns this client's stored session: the device, or the token for organisation tokens. */
  get owner(): string {
    const p = this.principal;
    return p.kind === 'device' ? `device:${p.deviceId}` : p.kind === 'ingest' ? `token:${p.tokenId}` : subjectOf(p);
  }

  get deviceLabel(): string | null {
    return this.principal.kind === 'device' ? this.principal.label : null;
  }

  /** The QoS of the best subscription matching `topic`, or null when nothing matches. */
  subscribedQos(topic: string): 0 | 1 | null {
    let best: 0 | 1 | null = null;
    for (const [filter, qos] of this.subscriptions) if (topicMatches(filter, topic) && (best === null || qos > best)) best = qos;
    return best;
  }

  /** Sends one message if the client subscribed to its topic; true when sent. */
  sendIfSubscribed(topic: string, payload: string, deviceId: number | null): boolean {
    const qos = this.subscribedQos(topic);
    if (qos === null || this.client.closed) return false;
    this.send(topic, payload, qos, deviceId);
    return true;
  }

  send(topic: string, payload: string, qos: 0 | 1, deviceId: number | null): void {
    const body = Buffer.from(payload, 'utf8');
    this.client.publish({ cmd: 'publish', topic, payload: body, qos, retain: false, dup: false }, () => {});
    // Fixed header (2-5) + topic length prefix (2) + topic + message id (QoS 1) + payload.
    const bytes = 4 + Buffer.byteLength(topic) + (qos ? 2 : 0) + body.length;
    this.counters.messagesOut += 1;
    const target = deviceId ?? this.deviceId;
    if (target !== null) this.countOut(target, bytes);
  }
}
