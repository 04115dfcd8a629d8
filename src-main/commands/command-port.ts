import type { Principal } from '../access/principal';

export type CommandInput = { deviceId: number; variable: string; value: number } | { deviceId: number; rpc: { method: string; params: unknown } };

export interface CommandResult {
  id: string;
  status: 'pending' | 'delivered' | 'answered' | 'expired';
  response?: unknown;
}

/**
 * What the console needs from the ingest command service. The hub provides the
 * implementation; the console handler only checks who may send and records it.
 */
export interface CommandService {
  send(input: CommandInput, principal: Principal): Promise<CommandResult>;
}
