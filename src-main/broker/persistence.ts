import { Readable } from 'node:stream';
import type { Client } from 'aedes';
import MemoryPersistence, { type StoredPacket as Packet } from 'aedes-persistence/asyncPersistence.js';

const CopyPacket = MemoryPersistence.Packet;

/**
 * aedes' in-memory persistence with one addition: `forget(clientId)` deletes
 * a stored session whole (subscriptions, queued messages, QoS 2 state,
 * will). Its outgoing queues are private to the base class, so they are kept
 * here instead; the logic is the base class's (aedes-persistence 11).
 */
export class HubPersistence extends MemoryPersistence {
  private readonly queues = new Map<string, Packet[]>();
  private readonly queuedBytes = new Map<string, number>();
  /** Messages dropped from full queues since the last `takeDropped()`, by client id. */
  private readonly dropped = new Map<string, number>();

  /**
   * aedes queues a QoS 1/2 message for every stored session whose subscription matches, before the hub's
   * forward check runs (that happens at delivery): an offline session must not grow without bound, so each
   * queue keeps at most `maxQueued` messages and `maxQueuedBytes` of payload, dropping the oldest.
   */
  constructor(
    private readonly maxQueued = 1000,
    private readonly maxQueuedBytes = 4 * 1024 * 1024,
  ) {
    super();
  }

  private queue(clientId: string): Packet[] {
    let q = this.queues.get(clientId);
    if (!q) this.queues.set(clientId, (q = []));
    return q;
  }

  override async outgoingEnqueue(sub: { clientId: string; qos?: number }, packet: Packet): Promise<void> {
    this.enqueue(sub, packet);
  }

  override async outgoingEnqueueCombi(subs: { clientId: string; qos?: number }[], packet: Packet): Promise<void> {
    for (const sub of subs) this.enqueue(sub, packet);
  }

  private enqueue(sub: { clientId: string; qos?: number }, packet: Packet): void {
    const copy = new CopyPacket(packet);
    // Stored at the QoS the subscription was granted: a resumed session is sent what is queued as it is (MQTT-3.8.4-6).
    if (typeof sub.qos === 'number' && sub.qos < (copy.qos ?? 0)) copy.qos = sub.qos;
    const q = this.queue(sub.clientId);
    q.push(copy);
    let bytes = (this.queuedBytes.get(sub.clientId) ?? 0) + sizeOf(copy);
    let dropped = 0;
    while (q.length > 1 && (q.length > this.maxQueued || bytes > this.maxQueuedBytes)) {
      bytes -= sizeOf(q.shift()!);
      dropped += 1;
    }
    this.queuedBytes.set(sub.clientId, bytes);
    if (dropped > 0) this.dropped.set(sub.clientId, (this.dropped.get(sub.clientId) ?? 0) + dropped);
  }

  /** Messages dropped from full queues since the last call, by client id (for a periodic log line). */
  takeDropped(): Map<string, number> {
    const out = new Map(this.dropped);
    this.dropped.clear();
    return out;
  }

  override async outgoingUpdate(client: Client, packet: Packet): Promise<void> {
    const q = this.queue(client.id);
    for (let i = 0; i < q.length; i++) {
      const queued = q[i]!;
      if (queued.brokerId === packet.brokerId) {
        // messageId wraps at 65535: brokerCounter tells packets apart.
        if (queued.brokerCounter === packet.brokerCounter) {
          queued.messageId = packet.messageId;
          return;
        }
      } else if (queued.messageId === packet.messageId) {
        q[i] = packet;
        return;
      }
    }
    throw new Error('no such packet');
  }

  override async outgoingClearMessageId(client: Client, packet: Packet): Promise<Packet | undefined> {
    const q = this.queues.get(client.id) ?? [];
    // A queued message the hub refused to forward is cleared before it ever got a message id: match it by
    // its broker counter, or the first id-less entry (an allowed message still waiting) would go instead.
    const i = packet.messageId === undefined || packet.messageId === null ? q.findIndex((p) => p.brokerId === packet.brokerId && p.brokerCounter === packet.brokerCounter) : q.findIndex((p) => p.messageId === packet.messageId);
    if (i < 0) return undefined;
    const [removed] = q.splice(i, 1);
    this.queuedBytes.set(client.id, Math.max(0, (this.queuedBytes.get(client.id) ?? 0) - sizeOf(removed!)));
    if (q.length === 0) {
      this.queues.delete(client.id);
      this.queuedBytes.delete(client.id);
    }
    return removed!;
  }

  override outgoingStream(client: Client): Readable {
    // A copy: the queue changes while it is streamed.
    return Readable.from([...(this.queues.get(client.id) ?? [])]);
  }

  /** Deletes everything stored for this client id. */
  async forget(clientId: string): Promise<void> {
    const client = { id: clientId };
    this.queues.delete(clientId);
    this.queuedBytes.delete(clientId);
    await this.cleanSubscriptions(client);
    await this.cleanIncoming(client);
    await this.delWill(client);
  }

  /** Messages queued for stored sessions (all clients). */
  get queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  override async destroy(): Promise<void> {
    this.queues.clear();
    this.queuedBytes.clear();
    await super.destroy();
  }
}

function sizeOf(p: Packet): number {
  return (typeof p.payload === 'string' ? Buffer.byteLength(p.payload) : (p.payload?.length ?? 0)) + (p.topic?.length ?? 0);
}
