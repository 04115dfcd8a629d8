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

  private queue(clientId: string): Packet[] {
    let q = this.queues.get(clientId);
    if (!q) this.queues.set(clientId, (q = []));
    return q;
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: Packet): Promise<void> {
    this.queue(sub.clientId).push(new CopyPacket(packet));
  }

  override async outgoingEnqueueCombi(subs: { clientId: string }[], packet: Packet): Promise<void> {
    for (const sub of subs) this.queue(sub.clientId).push(new CopyPacket(packet));
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
    const i = q.findIndex((p) => p.messageId === packet.messageId);
    if (i < 0) return undefined;
    const [removed] = q.splice(i, 1);
    if (q.length === 0) this.queues.delete(client.id);
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
    await super.destroy();
  }
}
