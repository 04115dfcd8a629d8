import type { Client } from 'aedes';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../logging/logger';
import type { Db } from '../store/database';
import { mayUseDevice } from '../access/device-access';
import type { Principal } from '../access/principal';
import { mqttSessionStatements } from './queries/mqtt-sessions';
import { hourOf, usageStatements } from '../ingest/queries/usage';
import { untrusted } from '../logging/untrusted';
import type { Session } from './session';

/**
 * Live sessions by client and by device, their accounting rows, and the
 * revocation check that closes sessions whose token is no longer valid.
 */
export class SessionRegistry {
  private readonly byClient = new Map<Client, Session>();
  private readonly outByDevice = new Map<number, { messages: number; bytes: number }>();
  private readonly sessionStmts;
  private readonly usageStmts;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {
    this.sessionStmts = mqttSessionStatements(db);
    this.usageStmts = usageStatements(db);
  }

  get size(): number {
    return this.byClient.size;
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
    session.rowId = this.sessionStmts.open({
      clientId: session.clientId,
      deviceId: session.deviceId,
      remoteAddress: session.remoteAddress,
      connectedAt: session.connectedAt,
    });
  }

  end(client: Client): void {
    const session = this.byClient.get(client);
    if (!session) return;
    this.byClient.delete(client);
    this.record(session, Date.now());
  }

  /** Writes counters of every live session and the hour's outgoing usage. */
  flush(): void {
    const now = Date.now();
    const out = [...this.outByDevice];
    this.outByDevice.clear();
    try {
      this.db.transaction(() => {
        for (const s of this.byClient.values()) this.record(s, null);
        for (const [deviceId, c] of out) this.usageStmts.addDevice(deviceId, hourOf(now), { messagesOut: c.messages, bytesOut: c.bytes });
      }).immediate();
    } catch (err) {
      this.logger.warn({ err }, 'MQTT accounting not written; retrying at the next flush');
      for (const [deviceId, c] of out) {
        const again = this.outByDevice.get(deviceId) ?? { messages: 0, bytes: 0 };
        this.outByDevice.set(deviceId, { messages: again.messages + c.messages, bytes: again.bytes + c.bytes });
      }
    }
  }

  /** Closes every session whose token was revoked or whose device was disabled or removed (by any process). */
  recheck(stillValid: (p: Principal) => boolean): void {
    for (const s of [...this.byClient.values()]) {
      if (stillValid(s.principal)) continue;
      this.logger.warn({ clientId: untrusted(s.clientId), address: s.remoteAddress, device: s.deviceLabel }, 'MQTT session closed: its token was revoked');
      this.byClient.delete(s.client);
      this.record(s, Date.now());
      s.client.close();
    }
  }

  private record(s: Session, disconnectedAt: number | null): void {
    const conn = s.client.conn as Partial<TLSSocket>;
    s.counters.bytesIn = conn.bytesRead ?? s.counters.bytesIn;
    s.counters.bytesOut = conn.bytesWritten ?? s.counters.bytesOut;
    this.sessionStmts.update(s.rowId, s.counters, disconnectedAt);
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
