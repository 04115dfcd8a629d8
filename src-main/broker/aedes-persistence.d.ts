// aedes-persistence 11 ships types for its callback wrapper only; this is the
// part of the async in-memory class (asyncPersistence.js) the hub extends.
declare module 'aedes-persistence/asyncPersistence.js' {
  import type { Readable } from 'node:stream';
  import type { Client } from 'aedes';

  export interface StoredPacket {
    brokerId?: string;
    brokerCounter?: number;
    messageId?: number;
    qos?: number;
    topic?: string;
    payload?: Buffer | string;
    [key: string]: unknown;
  }

  export default class MemoryPersistence {
    static Packet: new (packet: StoredPacket) => StoredPacket;
    setup(broker: unknown): Promise<void>;
    cleanSubscriptions(client: Pick<Client, 'id'>): Promise<void>;
    cleanIncoming(client: Pick<Client, 'id'>): Promise<void>;
    /** Drops these filters from the client's stored session. */
    removeSubscriptions(client: Pick<Client, 'id'>, topics: string[]): Promise<void>;
    delWill(client: Pick<Client, 'id'>): Promise<unknown>;
    outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void>;
    outgoingEnqueueCombi(subs: { clientId: string }[], packet: StoredPacket): Promise<void>;
    outgoingUpdate(client: Pick<Client, 'id'>, packet: StoredPacket): Promise<void>;
    outgoingClearMessageId(client: Pick<Client, 'id'>, packet: StoredPacket): Promise<StoredPacket | undefined>;
    outgoingStream(client: Pick<Client, 'id'>): Readable;
    /** Keeps the packet as the topic's retained message; an empty payload removes it. */
    storeRetained(packet: StoredPacket & { topic: string; payload: Buffer | string }): Promise<void>;
    destroy(): Promise<void>;
  }
}
