import type { Client } from 'aedes';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../logging/logger';
import type { Db } from '../store/database';
import { mayUseDevice } from '../access/device-access';
import type { Principal } from '../access/principal';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import { untrusted } from '../logging/untrusted';
import type { MqttAccounting, MqttSessionOpening } from './writer-ops';
import { closeWithLastWords } from './last-words';
import { TurnBatch } from './turn-batch';
import type { Session } from './session';

/**
 * Live sessions by client and by device, their accounting rows, and the
 * revocation check that closes sessions whose token is no longer valid.
 * Accounting rows are written by the writer thread (broker/writer-ops.ts):
 * this thread must not wait on the write lock while readings commit.
 */
export class SessionRegistry {
  private readonly byClient = new Map<Client, Session>();
  private readonly outByDevice = new Map<number, { messages: number; bytes: number }>();
  /** Final rows on their way to the writer thread: the broker waits for them before the writer stops. */
  private readonly closing = new Set<Promise<void>>();
  /** Rows of the sessions opened and ended in one turn, written in one writer op each (turn-batch.ts says why). */
  private readonly opens: TurnBatch<MqttSessionOpening, number>;
  private readonly ends: TurnBatch<MqttAccounting['sessions'][number], void>;
  /** Live integration sessions (app tokens): the topic tree is routed through aedes only while there is one. */
  private integrationSessions = 0;

  constructor(
    private readonly db: Db,
    private readonly writer: Pick<Pipeline, 'write'>,
    private readonly logger: Logger,
  ) {
    this.opens = new TurnBatch((rows) => writer.write('mqtt-sessions-open', rows));
    this.ends = new TurnBatch<MqttAccounting['sessions'][number], void>(async (rows) => {
      await writer.write('mqtt-accounting', { sessions: rows, out: [] });
      return rows.map(() => undefined);
    });
  }

  get size(): number {
    return this.byClient.size;
  }

  get integrations(): number {
    return this.integrationSessions;
  }

  get(client: Client): Session | undefined {
    return this.byClient.get(client);
  }

  all(): IterableIterator<Session> {
    return this.byClient.values();
  }

  /** Sessions that may receive messages about a device (the one device-access check, so never another organisation's). */
  *forDevice(orgId: number, deviceId: number, label: string): Generator<Session> {
    for (const s of this.byClient.values()) {
      if (s.subscriptions.size > 0 && mayUseDevice(this.db, s.principal, { orgId, id: deviceId, label }, 'readings:read')) yield s;
    }
  }

  hasSubscribers(): boolean {
    for (const s of this.byClient.values()) if (s.subscriptions.size > 0) return true;
    return false;
  }

  countOut = (deviceId: number, bytes: number): void => {
    const c = this.outByDevice.get(deviceId) ?? { messages: 0, bytes: 0 };
    c.messages += 1;
    c.bytes += bytes;
    this.outByDevice.set(deviceId, c);
  };

  add(session: Session): void {
    this.byClient.set(session.client, session);
    if (session.integration) this.integrationSessions += 1;
    session.opened = this.opens
      .add({ clientId: session.clientId, deviceId: session.deviceId, remoteAddress: session.remoteAddress, connectedAt: session.connectedAt })
      .then(
        (rowId) => void (session.rowId = rowId),
        (err: unknown) => this.logger.warn({ err, clientId: untrusted(session.clientId) }, 'MQTT session row not written'),
      );
  }

  end(client: Client): void {
    const session = this.byClient.get(client);
    if (!session) return;
    this.forget(session);
  }

  /** Writes counters of every live session and the hour's outgoing usage; resolves once committed. */
  flush(): Promise<void> {
    const now = Date.now();
    const out = [...this.outByDevice];
    this.outByDevice.clear();
    const payload: MqttAccounting = {
      sessions: [...this.byClient.values()].filter((s) => s.rowId > 0).map((s) => this.row(s, null)),
      out: out.map(([deviceId, c]) => ({ deviceId, at: now, messages: c.messages, bytes: c.bytes })),
    };
    if (payload.sessions.length === 0 && payload.out.length === 0) return Promise.resolve();
    return this.writer.write('mqtt-accounting', payload).catch((err: unknown) => {
      this.logger.warn({ err }, 'MQTT accounting not written; retrying at the next flush');
      for (const [deviceId, c] of out) {
        const again = this.outByDevice.get(deviceId) ?? { messages: 0, bytes: 0 };
        this.outByDevice.set(deviceId, { messages: again.messages + c.messages, bytes: again.bytes + c.bytes });
      }
    });
  }

  /**
   * Closes every session whose token was revoked or whose device was disabled or removed (by any process).
   * `lastWords` names topics to send a closing session empty messages on first (asked while it is still registered).
   */
  recheck(stillValid: (p: Principal) => boolean, only: (p: Principal) => boolean = () => true, lastWords: (s: Session) => readonly string[] = () => []): void {
    for (const s of [...this.byClient.values()]) {
      if (!only(s.principal) || stillValid(s.principal)) continue;
      this.logger.warn({ clientId: untrusted(s.clientId), address: s.remoteAddress, device: s.deviceLabel }, 'MQTT session closed: its token was revoked');
      let topics: readonly string[] = [];
      try {
        topics = lastWords(s);
      } catch (err) {
        // Closing the session matters more than its last messages.
        this.logger.warn({ err, clientId: untrusted(s.clientId) }, 'last messages of a closing MQTT session not sent');
      }
      this.forget(s);
      closeWithLastWords(s.client, topics);
    }
  }

  /** Resolves when every ended session's final row is written. */
  async settled(): Promise<void> {
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  private forget(s: Session): void {
    this.byClient.delete(s.client);
    if (s.integration) this.integrationSessions -= 1;
    this.closeRow(s);
  }

  /** Final counters and the disconnect time, once the row exists. */
  private closeRow(s: Session): void {
    const at = Date.now();
    const done: Promise<void> = s.opened
      .then(() => {
        if (s.rowId === 0) return;
        return this.ends.add(this.row(s, at));
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'MQTT session end not written'))
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }

  private row(s: Session, disconnectedAt: number | null): MqttAccounting['sessions'][number] {
    const conn = s.client.conn as Partial<TLSSocket>;
    s.counters.bytesIn = conn.bytesRead ?? s.counters.bytesIn;
    s.counters.bytesOut = conn.bytesWritten ?? s.counters.bytesOut;
    return { id: s.rowId, counters: { ...s.counters }, disconnectedAt };
  }
}

/**
 * Runs `fn` with the client's session once CONNECT has completed. aedes 1.2
 * may hand over a SUBSCRIBE or PUBLISH that arrived in a later socket read
 * while the CONNECT is still being authenticated (paho sends SUBSCRIBE
 * without waiting for CONNACK); such packets wait for the session.
 */
export function withSession(registry: SessionRegistry, client: Client, fn: (session: Session | undefined) => void): void {
  const session = registry.get(client);
  if (session || !client.connecting) {
    fn(session);
    return;
  }
  client.once('connected', () => fn(registry.get(client)));
}
