import type { Aedes, Client, PublishPacket } from 'aedes';
import { deviceStatusTopic, deviceValueTopic, haConfigTopic } from '../../src-shared/protocols/outpost-topics';
import { topicMatches } from '../../src-shared/protocols/mqtt-topics';
import { mayUseDevice } from '../access/device-access';
import { integrationNow } from '../access/integration-credentials';
import { listOrganisations } from '../access/queries/organisations';
import { listDevices, type Device } from '../devices/queries/devices';
import { listVariables } from '../devices/queries/variables';
import type { StoredReading } from '../ingest/pipeline/types';
import type { Logger } from '../logging/logger';
import { haDiscoverySetting, readSetting } from '../settings/hub-settings';
import type { Db } from '../store/database';
import { DiscoveryCoverage } from './discovery-coverage';
import { haSensorConfig } from './ha-discovery';
import type { HubPersistence } from './persistence';
import { subscribedFilters, type Session } from './session';
import type { SessionRegistry } from './sessions';

const valuePayload = (r: StoredReading) => JSON.stringify({ value: r.value, timestamp: r.ts, context: r.context ?? {} });

/** Variables with these names would collide with the device's own topics: they stay out of the tree. */
const reservedVariables = new Set(['status', 'rpc']);

export interface IntegrationTreeDeps {
  db: Db;
  logger: Logger;
  aedes: Aedes;
  /** aedes' store: retained values are written to it directly while no integration listens. */
  persistence: HubPersistence;
  sessions: SessionRegistry;
  hubId: string;
  version: string;
  /** A device with no MQTT session and no reading for this long is offline. */
  offlineAfterMs: number;
  /** Is any integration connected, or holding a stored session? Without one, values are only kept as retained. */
  audience(): boolean;
}

interface Known {
  device: Device;
  /** Variable label -> timestamp of the value retained for it, and its unit. */
  variables: Map<string, { ts: number; unit: string | null }>;
  lastSeen: number;
  online: boolean;
  /** Are its discovery configs published (discovery on and an integration may read them, discovery-coverage.ts)? */
  announced: boolean;
}

/**
 * The versioned topic tree integrations read (docs/INTEGRATIONS.md): every
 * committed reading is published by the hub through aedes on
 * `outpost/v1/{org}/devices/{label}/{variable}` (retained: the newest value
 * by timestamp), device status on `.../status`, and, when the `ha-discovery`
 * setting is on, Home Assistant discovery configs. aedes routes them, so QoS,
 * retained delivery and stored sessions are the broker's own; who receives
 * what is the topic ACL's (broker/topic-acl.ts, authorizeForward). Retained
 * messages live in memory: they are published again from the database at start.
 */
export class IntegrationTree {
  private readonly known = new Map<number, Known>();
  private readonly liveDevices = new Map<Client, number>();
  private discovery = false;
  private readonly coverage = new DiscoveryCoverage();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: IntegrationTreeDeps) {
    this.timer = setInterval(() => this.sweep(Date.now()), Math.min(10_000, Math.max(250, deps.offlineAfterMs / 4)));
    this.timer.unref();
  }

  /** Publishes the last values, statuses (offline until heard from) and discovery configs from the database. */
  start(): void {
    this.discovery = readSetting(this.deps.db, haDiscoverySetting);
    const orgs = listOrganisations(this.deps.db);
    this.computeCoverage(orgs.map((o) => o.id));
    for (const org of orgs) for (const d of listDevices(this.deps.db, org.id)) this.add(d, true);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  onReadings(readings: readonly StoredReading[]): void {
    const now = Date.now();
    const routed = this.deps.audience();
    // With nobody to route to, only each variable's newest value matters, and a committed batch often holds many
    // readings of one variable (a device's window of messages): each would replace the one retained before it.
    const retainLater = routed ? null : new Map<string, StoredReading>();
    for (const r of readings) {
      const k = this.known.get(r.deviceId) ?? this.add({ id: r.deviceId, orgId: r.orgId, label: r.device, name: r.device, type: null, createdAt: now, lastSeenAt: now, disabledAt: null }, false);
      k.lastSeen = now;
      this.setOnline(k, true);
      if (reservedVariables.has(r.variable)) continue;
      const v = k.variables.get(r.variable);
      // A late reading with an older timestamp is not the last value: it is sent, not retained.
      const newest = !v || r.ts >= v.ts;
      if (!v) k.variables.set(r.variable, { ts: r.ts, unit: null });
      else if (newest) v.ts = r.ts;
      const topic = deviceValueTopic(r.orgId, k.device.label, r.variable);
      if (routed) this.publish(topic, valuePayload(r), newest);
      else if (newest) retainLater!.set(topic, r);
      if (!v && k.announced) this.announce(k, r.variable);
    }
    // Stored directly, without aedes' per-message work (ingest runs on this thread).
    if (retainLater) for (const [topic, r] of retainLater) this.retainOnly(topic, valuePayload(r));
  }

  /** A device's MQTT session is ready / closed (aedes clientReady / clientDisconnect). */
  clientReady(client: Client): void {
    const deviceId = this.deps.sessions.get(client)?.deviceId;
    if (deviceId === null || deviceId === undefined) return;
    this.liveDevices.set(client, deviceId);
    const k = this.known.get(deviceId);
    if (k) this.setOnline(k, true);
  }

  clientGone(client: Client): void {
    const deviceId = this.liveDevices.get(client);
    if (deviceId === undefined) return;
    this.liveDevices.delete(client);
    const k = this.known.get(deviceId);
    if (k && !this.hasLiveSession(deviceId)) this.setOnline(k, false);
  }

  /**
   * The database changed (any process): a removed device's retained topics
   * and discovery configs are cleared, a new one gets its status, and the
   * discovery setting, names and units are applied. Discovery configs follow
   * the integrations (discovery-coverage.ts): those no live integration may
   * read any more are cleared, those one may read now are published.
   */
  refresh(): void {
    this.discovery = readSetting(this.deps.db, haDiscoverySetting);
    const orgs = listOrganisations(this.deps.db);
    this.computeCoverage(orgs.map((o) => o.id));
    const present = new Map<number, Device>();
    for (const org of orgs) for (const d of listDevices(this.deps.db, org.id)) present.set(d.id, d);
    for (const [id, k] of [...this.known]) if (!present.has(id)) this.remove(k);
    for (const d of present.values()) {
      const k = this.known.get(d.id);
      if (!k) {
        this.add(d, true);
        continue;
      }
      const renamed = k.device.name !== d.name || k.device.type !== d.type;
      k.device = d;
      const announce = this.shouldAnnounce(d);
      const unitsChanged = announce && this.readUnits(k);
      if (announce === k.announced && !(announce && (renamed || unitsChanged))) continue;
      k.announced = announce;
      for (const variable of k.variables.keys()) {
        if (announce) this.announce(k, variable);
        else this.clear(haConfigTopic(d.orgId, d.id, variable));
      }
      if (!announce && this.discovery) this.deps.logger.info({ device: d.label, orgId: d.orgId, configs: k.variables.size }, 'Home Assistant discovery configs cleared: no integration of the organisation may read them any more');
    }
  }

  /** An integration that kept discovery configs may have expired (no database change says so): applied once a second. */
  recheckExpiry(now: number): void {
    if (this.discovery && this.coverage.expired(now)) this.refresh();
  }

  /**
   * The discovery configs a closing integration session received and may no
   * longer read (its app revoked or expired, or its devices or scopes cut):
   * it is sent them empty before it is closed, so its Home Assistant removes
   * those sensors (sessions.recheck, last-words.ts). Configs another
   * integration keeps are included: this one may not read them any more.
   */
  lostConfigs(session: Session): string[] {
    const p = session.principal;
    if (!this.discovery || !session.integration || p.kind !== 'app') return [];
    const now = integrationNow(this.deps.db, p.orgId, p.appId, Date.now())?.principal ?? null;
    const filters = subscribedFilters(session.client);
    const topics: string[] = [];
    for (const k of this.known.values()) {
      const device = { orgId: k.device.orgId, id: k.device.id, label: k.device.label };
      if (!k.announced || device.orgId !== p.orgId || !mayUseDevice(this.deps.db, p, device, 'readings:read')) continue;
      if (now && mayUseDevice(this.deps.db, now, device, 'readings:read')) continue;
      for (const variable of k.variables.keys()) {
        const topic = haConfigTopic(device.orgId, device.id, variable);
        if (filters.some((f) => topicMatches(f, topic))) topics.push(topic);
      }
    }
    return topics;
  }

  /** Discovery off: nothing is announced, so the integrations are not read at all. */
  private computeCoverage(orgIds: number[]): void {
    if (this.discovery) this.coverage.compute(this.deps.db, orgIds, Date.now());
    else this.coverage.clear();
  }

  private shouldAnnounce(d: Device): boolean {
    return this.discovery && this.coverage.covers(d);
  }

  private add(d: Device, fromDb: boolean): Known {
    const k: Known = { device: d, variables: new Map(), lastSeen: 0, online: false, announced: this.shouldAnnounce(d) };
    this.known.set(d.id, k);
    if (fromDb) {
      for (const v of listVariables(this.deps.db, d.id)) {
        if (reservedVariables.has(v.label)) continue;
        k.variables.set(v.label, { ts: v.last?.ts ?? 0, unit: v.unit });
        if (v.last) this.publish(deviceValueTopic(d.orgId, d.label, v.label), JSON.stringify({ value: v.last.value, timestamp: v.last.ts, context: v.last.context ?? {} }), true);
        if (k.announced) this.announce(k, v.label);
      }
    }
    this.publish(deviceStatusTopic(d.orgId, d.label), 'offline', true);
    return k;
  }

  private remove(k: Known): void {
    this.known.delete(k.device.id);
    const { orgId, id, label } = k.device;
    // MQTT-3.3.1-10: an empty retained message removes the retained one; Home Assistant removes the entity on an empty config.
    for (const variable of k.variables.keys()) {
      this.clear(deviceValueTopic(orgId, label, variable));
      this.clear(haConfigTopic(orgId, id, variable));
    }
    this.clear(deviceStatusTopic(orgId, label));
    this.deps.logger.info({ device: label, orgId }, 'integration topics of a removed device cleared');
  }

  /** True when a unit changed since the last look (the discovery config carries it). */
  private readUnits(k: Known): boolean {
    let changed = false;
    for (const v of listVariables(this.deps.db, k.device.id)) {
      const known = k.variables.get(v.label);
      if (known && known.unit !== v.unit) {
        known.unit = v.unit;
        changed = true;
      }
    }
    return changed;
  }

  private announce(k: Known, variable: string): void {
    const unit = k.variables.get(variable)?.unit ?? null;
    const { topic, payload } = haSensorConfig({ hubId: this.deps.hubId, orgId: k.device.orgId, device: k.device, variable, unit }, this.deps.version);
    this.publish(topic, JSON.stringify(payload), true);
  }

  private setOnline(k: Known, online: boolean): void {
    if (k.online === online) return;
    k.online = online;
    this.publish(deviceStatusTopic(k.device.orgId, k.device.label), online ? 'online' : 'offline', true);
  }

  private hasLiveSession(deviceId: number): boolean {
    for (const id of this.liveDevices.values()) if (id === deviceId) return true;
    return false;
  }

  private sweep(now: number): void {
    for (const k of this.known.values()) if (k.online && !this.hasLiveSession(k.device.id) && now - k.lastSeen >= this.deps.offlineAfterMs) this.setOnline(k, false);
  }

  private clear(topic: string): void {
    this.publish(topic, '', true);
  }

  private retainOnly(topic: string, payload: string): void {
    this.deps.persistence.storeRetained({ ...this.packet(topic, payload, true) }).catch((err: unknown) => this.deps.logger.warn({ err, topic: topic.slice(0, 200) }, 'integration topic not retained'));
  }

  private packet(topic: string, payload: string, retain: boolean): PublishPacket {
    return { cmd: 'publish', topic, payload: Buffer.from(payload, 'utf8'), qos: 1, retain, dup: false } as PublishPacket;
  }

  private publish(topic: string, payload: string, retain: boolean): void {
    const packet = this.packet(topic, payload, retain);
    this.deps.aedes.publish(packet, (err?: Error) => {
      if (err) this.deps.logger.warn({ err, topic: topic.slice(0, 200) }, 'integration topic not published');
    });
  }
}
