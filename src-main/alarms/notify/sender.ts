import type { Logger } from '../../logging/logger';
import { unseal } from '../../security/sealed-secret';
import type { Db } from '../../store/database';
import { channelById } from '../queries/channels';
import { alarmById } from '../queries/alarms';
import { channelToldOf, dueDeliveries, type DeliveryResult, type StoredDelivery } from '../queries/deliveries';
import { hostAllowed, webhookHostAllowed } from './allowlist';
import { sendAlarmEmail } from './email';
import { postWebhook } from './webhook';

export interface DeliveryPipeline {
  write(name: 'alarms-delivery', results: readonly DeliveryResult[]): Promise<number>;
}

export interface SenderOptions {
  key: Buffer;
  /** The hub-wide webhook allowlist, read at each attempt (the owner may change it while deliveries wait). */
  allowlist: () => readonly string[];
  extraCa?: string;
  tickMs?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** First retry after this long, doubling each time up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  clock?: () => number;
}

export const channelSecretLabel = (channelId: number) => `alarm-channel:${channelId}`;

/** Untrusted text (a target's error) kept short in rows and logs. */
const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

/**
 * Sends the outbox (alarm_deliveries rows queued with the alarm changes):
 * every tick it takes the pending rows that are due, posts them one by one
 * and hands the outcomes to the writer thread (`alarms-delivery` op). A row
 * stays pending until its attempt is recorded, so a hub stopped mid-send
 * sends it again after the restart (receivers dedupe on X-Outpost-Delivery).
 */
export class DeliverySender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  constructor(
    private readonly db: Db,
    private readonly pipeline: DeliveryPipeline,
    private readonly logger: Logger,
    private readonly options: SenderOptions,
  ) {}

  private clock(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Shorter timings (tests: retries within seconds, not minutes) or another clock (tests: the end of quiet hours). */
  setTiming(t: Pick<SenderOptions, 'timeoutMs' | 'maxAttempts' | 'backoffMs' | 'maxBackoffMs' | 'clock'>): void {
    Object.assign(this.options, t);
  }

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.tickMs ?? 1_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the due rows; a pass already under way is awaited rather than doubled. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    let due: StoredDelivery[];
    try {
      due = dueDeliveries(this.db, this.clock(), 20);
    } catch (err) {
      this.logger.error({ err }, 'alarm deliveries not read; the next tick tries again');
      return;
    }
    if (due.length === 0) return;
    const results: DeliveryResult[] = [];
    for (const d of due) results.push(await this.attempt(d));
    try {
      await this.pipeline.write('alarms-delivery', results);
    } catch (err) {
      this.logger.error({ err, deliveries: results.length }, 'alarm delivery outcomes not written; they are sent again');
    }
  }

  private async attempt(d: StoredDelivery): Promise<DeliveryResult> {
    const at = this.clock();
    const fail = (error: string, final = false): DeliveryResult => {
      const maxAttempts = this.options.maxAttempts ?? 8;
      const giveUp = final || d.attempts + 1 >= maxAttempts;
      const backoff = Math.min((this.options.backoffMs ?? 30_000) * 2 ** d.attempts, this.options.maxBackoffMs ?? 3_600_000);
      this.logger.warn({ delivery: d.id, channel: d.channelId, attempts: d.attempts + 1, error: short(error), gaveUp: giveUp }, 'alarm notification not delivered');
      return { id: d.id, at, status: giveUp ? 'failed' : 'pending', error: short(error), nextAt: at + backoff };
    };
    const channel = channelById(this.db, d.channelId);
    if (!channel) return fail('the channel was removed', true);
    const moot = d.heldUntil !== null && d.attempts === 0 ? this.mootAfterQuietHours(d) : null;
    if (moot) return { id: d.id, at, status: 'skipped', reason: moot };
    const allowlist = this.options.allowlist();
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let opened: string | null = null;
    try {
      opened = channel.sealedSecret ? unseal(this.options.key, channel.sealedSecret, channelSecretLabel(channel.id)).toString('utf8') : null;
    } catch {
      return fail('the channel secret cannot be opened with this hub key; create the channel again', true);
    }
    try {
      if (channel.kind === 'email') {
        const { host, port } = channel.config;
        if (!hostAllowed(host, port, allowlist)) return fail(`the SMTP server ${host}:${port} is not on the outbound allowlist (policy webhookHosts)`, true);
        await sendAlarmEmail({ config: channel.config, password: opened, body: d.payload, deliveryId: d.id, createdAt: d.createdAt, timeoutMs, extraCa: this.options.extraCa });
      } else {
        if (opened === null) return fail('the channel has no secret; create it again', true);
        if (!webhookHostAllowed(channel.config.url, allowlist)) return fail(`the host of ${channel.config.url} is not on the webhook allowlist (policy webhookHosts)`, true);
        await postWebhook({ url: channel.config.url, body: d.payload, secret: opened, deliveryId: d.id, timeoutMs, extraCa: this.options.extraCa, now: at });
      }
      return { id: d.id, at: this.clock(), status: 'sent' };
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Why a delivery held by quiet hours need not be sent now that they ended,
   * or null to send it: news of an alarm (raised, escalated, reminder) that
   * was acknowledged or cleared meanwhile is stale, and its acknowledgement or
   * clearing matters only to a channel that was told of the alarm.
   */
  private mootAfterQuietHours(d: StoredDelivery): string | null {
    const alarm = alarmById(this.db, d.alarmId);
    if (!alarm) return 'the alarm was removed during quiet hours';
    if (d.event === 'acknowledged' || d.event === 'cleared') {
      return channelToldOf(this.db, d.alarmId, d.channelId) ? null : `held by quiet hours; the channel was never told of this alarm, so its ${d.event} event is not sent`;
    }
    if (alarm.state === 'cleared') return 'held by quiet hours; the alarm cleared before they ended';
    if (alarm.acked) return 'held by quiet hours; the alarm was acknowledged before they ended';
    return null;
  }
}
