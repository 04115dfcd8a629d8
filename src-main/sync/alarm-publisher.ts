import type { MqttClient } from 'mqtt';
import { maxAlarmEvents, syncAlarmBatchSchema, syncAlarmEventSchema, syncAlarmFormatVersion, type SyncAlarmBatch, type SyncAlarmEvent } from '../../src-shared/sync-alarms';
import { syncTopics } from '../../src-shared/sync-format';
import type { Logger } from '../logging/logger';
import type { AlarmOutboxStatements } from './queries/sync-alarm-outbox';

export interface AlarmPublisherOptions {
  outbox: Pick<AlarmOutboxStatements, 'next'>;
  /** Deletes an acknowledged range (on the writer thread). */
  markSent: (first: number, last: number) => Promise<number>;
  site: string;
  origin: string;
  logger: Logger;
  /** The upstream refused a batch (reported in the sync status); alarm events are tried again after `retryMs`. */
  failed: (err: Error) => void;
  retryMs?: number;
  /** How often the outbox is looked at; events also come from the CLI in another process. */
  pollMs?: number;
}

/**
 * Publishes the alarm outbox on `outpost/v1/sites/{site}/alarms` over the
 * worker's connection, one batch in flight at a time (alarms are rare), in
 * outbox order. A batch leaves the outbox only after its PUBACK; after a
 * reconnect everything unacknowledged is sent again with the same seqs, and
 * the receiver keeps each (site, origin, alarm, seq) once.
 */
export class AlarmPublisher {
  private client: MqttClient | undefined;
  private cursor = 0;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private pausedUntil = 0;

  constructor(private readonly o: AlarmPublisherOptions) {}

  /** A connection is ready (greeted): start from the oldest unacknowledged event. */
  attach(client: MqttClient): void {
    this.detach();
    this.client = client;
    this.cursor = 0;
    this.timer = setInterval(() => this.pump(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.pump();
  }

  detach(): void {
    this.generation += 1;
    this.client = undefined;
    this.busy = false;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    const client = this.client;
    if (!client?.connected || this.busy || Date.now() < this.pausedUntil) return;
    const rows = this.o.outbox.next(this.cursor, maxAlarmEvents);
    if (rows.length === 0) return;
    const events: SyncAlarmEvent[] = [];
    for (const row of rows) {
      const parsed = syncAlarmEventSchema.safeParse({ ...(JSON.parse(row.payload) as object), seq: row.seq });
      // Built by this hub from its own rows; one that fails the check would never be taken upstream either.
      if (parsed.success) events.push(parsed.data);
      else this.o.logger.warn({ seq: row.seq, detail: parsed.error.issues[0]?.message.slice(0, 200) }, 'sync alarm event not sent: it fails the format check');
    }
    const first = rows[0]!.seq;
    const last = rows.at(-1)!.seq;
    const gen = this.generation;
    this.busy = true;
    this.cursor = last;
    const done = (err?: Error) => {
      if (gen !== this.generation) return;
      this.busy = false;
      if (err) {
        // Readings go on: a broker whose ACL predates the alarms topic must not stop them (README, "Broker configuration").
        this.cursor = 0;
        this.pausedUntil = Date.now() + (this.o.retryMs ?? 60_000);
        return this.o.failed(err);
      }
      this.o.markSent(first, last).then(
        () => undefined,
        (e: unknown) => this.o.logger.warn({ err: e }, 'sent alarm events not removed from the outbox; they will be sent again'),
      );
      this.pump();
    };
    if (events.length === 0) return done();
    const batch: SyncAlarmBatch = syncAlarmBatchSchema.parse({ v: syncAlarmFormatVersion, site: this.o.site, origin: this.o.origin, sentAt: Date.now(), events });
    client.publish(syncTopics.alarms(this.o.site), JSON.stringify(batch), { qos: 1 }, (err) => done(err ?? undefined));
  }
}
