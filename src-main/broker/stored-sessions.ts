import type { Client } from 'aedes';
import type { Logger } from '../logging/logger';
import type { HubPersistence } from './persistence';
import type { Principal } from '../access/principal';

export interface StoredSessionLimits {
  /** A stored session not resumed for this long is deleted. */
  expiryMs: number;
  /** Stored sessions one owner (token or site) may hold; past it the one resumed longest ago goes. */
  perOwner: number;
}

interface Entry {
  owner: string;
  /** When its last connection closed (or now, while connected). */
  lastSeen: number;
  live: Client | null;
  /** Who made it, when a credential (not a site) did: revoking the credential deletes the session. */
  principal?: Principal;
}

/** How often expired sessions are looked for, at most. */
const maxSweepMs = 60_000;

/**
 * Who owns each persistent MQTT session (clean session 0) and when it was
 * last used, so that a stored session expires and one token cannot pile up
 * sessions without bound (MQTT-3.1.2-4 lets the server keep them; it does
 * not say for how long). Ids are the broker's namespaced client ids, so an
 * owner only ever sees its own.
 */
export class StoredSessions {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly persistence: HubPersistence,
    private readonly limits: StoredSessionLimits,
    private readonly logger: Logger,
    private readonly name: string,
  ) {
    this.timer = setInterval(() => this.sweep(Date.now()), Math.max(250, Math.min(maxSweepMs, limits.expiryMs / 4)));
    this.timer.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Is some stored session owned by an owner whose name starts with `prefix` (`app:`: an integration)? */
  anyOwnedBy(prefix: string): boolean {
    for (const e of this.entries.values()) if (e.owner.startsWith(prefix)) return true;
    return false;
  }

  /** A client of `owner` authenticated; with clean session 1 whatever was stored under its id is gone. */
  connected(client: Client, owner: string, clean: boolean, principal?: Principal): void {
    if (clean) {
      this.entries.delete(client.id);
      return;
    }
    this.entries.set(client.id, { owner, lastSeen: Date.now(), live: client, ...(principal ? { principal } : {}) });
    const mine = [...this.entries].filter(([, e]) => e.owner === owner);
    if (mine.length <= this.limits.perOwner) return;
    const idle = mine.filter(([, e]) => !e.live).sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [id] of idle.slice(0, mine.length - this.limits.perOwner)) this.drop(id, 'over the per-token limit');
  }

  disconnected(client: Client): void {
    const e = this.entries.get(client.id);
    if (!e || e.live !== client) return;
    e.live = null;
    e.lastSeen = Date.now();
  }

  /** Deletes the stored sessions unused since `now - expiry`. */
  sweep(now: number): void {
    for (const [id, e] of [...this.entries]) if (!e.live && now - e.lastSeen >= this.limits.expiryMs) this.drop(id, 'expired');
  }

  /** Deletes the stored sessions whose credential is no longer valid (revoked, expired, device removed). */
  revoke(stillValid: (p: Principal) => boolean): void {
    for (const [id, e] of [...this.entries]) if (e.principal && !stillValid(e.principal)) this.drop(id, 'its credential is no longer valid');
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private drop(id: string, reason: string): void {
    this.entries.delete(id);
    this.logger.info({ listener: this.name, clientId: id.slice(0, 200), reason }, 'stored MQTT session deleted');
    this.persistence.forget(id).catch((err: unknown) => this.logger.warn({ err, clientId: id.slice(0, 200) }, 'stored MQTT session not deleted'));
  }
}
