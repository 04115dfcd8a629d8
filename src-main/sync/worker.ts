import { isIP } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { readingUid, syncReadingChecker, syncFormatVersion, syncTopics, type SyncBatch, type SyncReading } from '../../src-shared/sync-format';
import type { Logger } from '../logging/logger';
import type { OutboxReading, OutboxStatements } from './queries/sync-outbox';
import type { StoredSyncSettings } from './settings';
import { backoffDelay } from './backoff';
import { classifyUpstreamError, publishRefused, type SyncError } from './upstream-errors';
import { helloReplyOf, residencyRefused } from './hello';
import { AlarmPublisher, type AlarmPublisherOptions } from './alarm-publisher';

/** How long a site waits for an organisation hub's answer to its hello before it sends readings anyway. */
const helloAnswerMs = 10_000;

export type WorkerState = 'connecting' | 'connected' | 'offline';
export type MqttVersion = '5' | '3.1.1';

export interface WorkerEvents {
  state(state: WorkerState, version: MqttVersion): void;
  error(error: SyncError): void;
  sent(count: number): void;
  command(payload: Buffer): void;
  /** The organisation hub's list of readings it refused from a batch it acknowledged. */
  receipt(payload: Buffer): void;
  /** A reading that fails the format check here: it is never published, and the queue moves on. */
  deadLetter(row: OutboxReading, reason: string): void;
  /** An Outpost organisation hub accepted this site's hello (its residency label). */
  helloAccepted(): void;
}

export interface WorkerOptions {
  /** Reads the outbox (on the main thread's connection). */
  outbox: Pick<OutboxStatements, 'next'>;
  /** Deletes an acknowledged range (on the writer thread); resolves with how many rows went. */
  markSent: (first: number, last: number) => Promise<number>;
  logger: Logger;
  /** This hub's id: the origin half of every reading id. */
  origin: string;
  settings: StoredSyncSettings;
  password: string;
  events: WorkerEvents;
  batchSize?: number;
  /** Batches published and not yet acknowledged, at most. */
  window?: number;
  /** Reconnect delays; the attempt count returns to 0 only once a batch was acknowledged, or the connection stayed up `maxMs`. */
  backoff?: { baseMs: number; maxMs: number };
  /** This hub's data-residency label, sent in the hello (a subscription) of each connection. */
  residency: () => string | null;
  /** The alarm outbox (sync/alarm-publisher.ts); absent, no alarm events are sent. */
  alarms?: Omit<AlarmPublisherOptions, 'site' | 'origin' | 'logger' | 'failed'>;
}

interface InFlight {
  first: number;
  last: number;
  acked: boolean;
  /** Rows of this range set aside as dead letters rather than published. */
  skipped: number;
}

/**
 * Publishes the outbox upstream. One MQTT connection at a time; when it drops,
 * everything not acknowledged is read again from the outbox on the next
 * connection, in outbox order, so a receiver that de-duplicates by reading id
 * sees every device's readings in order. A batch is deleted from the outbox
 * only once it and every batch before it were acknowledged (PUBACK).
 */
export class SyncWorker {
  private client: MqttClient | undefined;
  private generation = 0;
  private attempt = 0;
  private cursor = 0;
  private inflight: InFlight[] = [];
  private failed = false;
  /** This connection's hello is answered (or needs no answer): readings may go. */
  private greeted = false;
  private helloTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private stopped = false;
  /** Brokers that refuse MQTT 5 (aedes, older clusters) are spoken to in 3.1.1. */
  private version: MqttVersion = '5';
  private readonly batchSize: number;
  private readonly window: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly topic: string;
  private readonly check = syncReadingChecker();
  private stableTimer: NodeJS.Timeout | undefined;
  private readonly alarms: AlarmPublisher | undefined;

  constructor(private readonly o: WorkerOptions) {
    this.batchSize = o.batchSize ?? 500;
    this.window = o.window ?? 16;
    this.backoff = o.backoff ?? { baseMs: 500, maxMs: 60_000 };
    this.topic = syncTopics.readings(o.settings.siteId);
    if (o.alarms) {
      this.alarms = new AlarmPublisher({
        ...o.alarms,
        site: o.settings.siteId,
        origin: o.origin,
        logger: o.logger,
        failed: (err) => this.o.events.error(publishRefused(syncTopics.alarms(o.settings.siteId), err)),
      });
    }
  }

  start(): void {
    this.connect();
  }

  /** New readings were committed: send them if connected. */
  kick(): void {
    if (this.pumpScheduled || !this.client?.connected) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.alarms?.detach();
    clearTimeout(this.helloTimer);
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.stableTimer);
    const client = this.client;
    this.client = undefined;
    this.generation += 1;
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const { settings } = this.o;
    const version = this.version;
    this.o.events.state('connecting', version);
    const host = new URL(settings.url).hostname.replace(/^\[|\]$/g, '');
    const options: IClientOptions & { minVersion: 'TLSv1.2' } = {
      protocolVersion: version === '5' ? 5 : 4,
      // A persistent session: commands published while the site is offline wait for it (MQTT-3.1.2-4).
      clientId: `outpost-site-${settings.siteId}`,
      clean: false,
      ...(version === '5' ? { properties: { sessionExpiryInterval: 7 * 24 * 3600 } } : {}),
      username: settings.username,
      password: this.o.password,
      ca: [settings.caPem],
      rejectUnauthorized: true,
      // SNI carries host names only (RFC 6066 3); an IP address is checked against the certificate's IP SANs.
      ...(isIP(host) ? {} : { servername: host }),
      minVersion: 'TLSv1.2',
      reconnectPeriod: 0, // our own backoff with jitter
      connectTimeout: 15_000,
      keepalive: 30,
      resubscribe: false,
      queueQoSZero: false,
    };
    const client = mqtt.connect(settings.url, options);
    this.client = client;
    let connected = false;
    const topics = { commands: syncTopics.commands(settings.siteId), receipts: syncTopics.receipts(settings.siteId), hello: syncTopics.hello(settings.siteId, this.o.residency()) };
    client.on('connect', () => {
      if (gen !== this.generation) return;
      connected = true;
      // Not `attempt = 0` here: a broker that takes the CONNECT and then refuses every batch would be
      // reconnected to several times a second. The count resets once a batch is acknowledged, or once
      // the connection has stayed up as long as the longest delay.
      this.stableTimer = setTimeout(() => (this.attempt = 0), this.backoff.maxMs);
      this.stableTimer.unref();
      this.cursor = 0;
      this.inflight = [];
      this.failed = false;
      this.greeted = false;
      this.o.events.state('connected', version);
      client.subscribe([topics.commands, topics.receipts, topics.hello], { qos: 1 }, (err, granted) => {
        let answerComing = false;
        for (const g of granted ?? []) {
          if (g.topic === topics.hello) {
            // Granted only by an Outpost organisation hub, which answers right after this SUBACK; a plain broker refuses it.
            answerComing = g.qos !== 128;
            continue;
          }
          if (g.qos !== 128) continue;
          // A plain broker (Mosquitto, EMQX) has no receipts; its ACL may well refuse them.
          if (g.topic === topics.receipts) this.o.logger.debug({ site: settings.siteId }, 'upstream refused the receipts subscription; only this site\'s own checks set readings aside');
          else this.o.logger.warn({ site: settings.siteId }, 'upstream refused the command subscription; remote commands will not arrive');
        }
        if (err) this.o.logger.warn({ err, site: settings.siteId }, 'subscribing to commands and receipts failed');
        if (gen !== this.generation) return;
        if (!answerComing) return this.greet();
        // The answer is on its way; should it be lost, readings go after a while rather than never.
        this.helloTimer = setTimeout(() => gen === this.generation && this.greet(), helloAnswerMs);
        this.helloTimer.unref();
      });
    });
    client.on('message', (topic, payload) => {
      if (gen !== this.generation) return;
      const reply = topic === topics.receipts ? helloReplyOf(payload) : null;
      if (reply) this.onHelloReply(client, reply, gen);
      else if (topic === topics.receipts) this.o.events.receipt(payload);
      else if (topic === topics.commands) this.o.events.command(payload);
    });
    client.on('error', (err) => {
      if (gen !== this.generation) return;
      // An MQTT 5 CONNECT refused as an unknown protocol version (CONNACK 1, or 0x84): fall back to 3.1.1.
      const rc = (err as { code?: unknown }).code;
      if (!connected && version === '5' && (rc === 1 || rc === 132 || /unsupported protocol|unacceptable protocol/i.test(err.message))) {
        this.version = '3.1.1';
        this.attempt = 0;
        return;
      }
      this.o.events.error(classifyUpstreamError(err, settings.url));
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.generation += 1; // late callbacks of this connection change nothing
      this.inflight = [];
      this.alarms?.detach();
      clearTimeout(this.stableTimer);
      clearTimeout(this.helloTimer);
      client.end(true);
      if (this.stopped) return;
      this.o.events.state('offline', this.version);
      const delay = this.version !== version ? 0 : backoffDelay(this.attempt++, this.backoff.baseMs, this.backoff.maxMs);
      this.timer = setTimeout(() => this.connect(), delay);
      this.timer.unref();
    });
  }

  private greet(): void {
    clearTimeout(this.helloTimer);
    this.greeted = true;
    if (this.client) this.alarms?.attach(this.client);
    this.pump();
  }

  private onHelloReply(client: MqttClient, reply: ReturnType<typeof helloReplyOf> & object, gen: number): void {
    if (gen !== this.generation || this.greeted) return;
    if (reply.accepted) {
      this.o.events.helloAccepted();
      this.greet();
      return;
    }
    clearTimeout(this.helloTimer);
    // Stop before any reading goes; reconnect later with backoff (the label may be changed meanwhile).
    this.failed = true;
    this.o.events.error(residencyRefused(reply, this.o.residency()));
    client.end(true);
  }

  private pump(): void {
    const client = this.client;
    if (!client?.connected || this.failed || !this.greeted) return;
    const gen = this.generation;
    while (this.inflight.length < this.window) {
      const rows = this.o.outbox.next(this.cursor, this.batchSize);
      if (rows.length === 0) return;
      const readings: SyncReading[] = [];
      let skipped = 0;
      for (const row of rows) {
        const reading = this.reading(row);
        const refused = this.check(reading);
        if (refused === null) readings.push(reading);
        else {
          // Neither end would ever take it: set it aside instead of holding up every reading after it.
          this.o.events.deadLetter(row, refused);
          skipped += 1;
        }
      }
      const entry: InFlight = { first: rows[0]!.seq, last: rows.at(-1)!.seq, acked: readings.length === 0, skipped };
      this.cursor = entry.last;
      this.inflight.push(entry);
      if (readings.length === 0) this.settle();
      else client.publish(this.topic, this.payload(readings), { qos: 1 }, (err) => this.onAck(gen, entry, err));
    }
  }

  private onAck(gen: number, entry: InFlight, err: Error | undefined): void {
    if (gen !== this.generation) return;
    if (err) {
      // Stop here: nothing after this batch may be marked sent before it is. Reconnect later and resend from the outbox.
      this.failed = true;
      this.o.events.error(publishRefused(this.topic, err));
      this.client?.end(true);
      return;
    }
    entry.acked = true;
    this.attempt = 0;
    this.settle();
    this.pump();
  }

  /** Deletes from the outbox every leading batch that is done; a later batch waits for the ones before it. */
  private settle(): void {
    let first = -1;
    let last = -1;
    let skipped = 0;
    while (this.inflight[0]?.acked) {
      const done = this.inflight.shift()!;
      if (first < 0) first = done.first;
      last = done.last;
      skipped += done.skipped;
    }
    if (first < 0) return;
    // The cursor already moved past these rows (on the writer thread); a failed delete only means they are sent again after a restart (same ids).
    this.o.markSent(first, last).then(
      (removed) => {
        if (removed - skipped > 0) this.o.events.sent(removed - skipped);
      },
      (err: unknown) => this.o.logger.warn({ err }, 'sent readings not removed from the outbox; they will be sent again'),
    );
  }

  private reading(r: OutboxReading): SyncReading {
    return {
      id: readingUid(this.o.origin, r.seq),
      org: r.org,
      device: r.device,
      variable: r.variable,
      ts: r.ts,
      value: r.value,
      ...(r.context ? { context: r.context } : {}),
    };
  }

  private payload(readings: SyncReading[]): string {
    const batch: SyncBatch = { v: syncFormatVersion, site: this.o.settings.siteId, origin: this.o.origin, sentAt: Date.now(), readings };
    return JSON.stringify(batch);
  }
}
