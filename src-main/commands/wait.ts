import type { Db } from '../store/database';
import { expireCommands, findCommand, type Command } from './queries/commands';

/** A control value is done once delivered; an RPC once answered. Expired ends both. */
export function isFinal(c: Command): boolean {
  return c.status === 'answered' || c.status === 'expired' || (c.status === 'delivered' && c.kind === 'control');
}

/**
 * Polls a command's row until it is final or `waitMs` passed. Works from any
 * process (the CLI runs beside the hub), and expires the command itself when
 * its time is up, so a stopped hub cannot leave it pending forever.
 */
export async function waitForCommand(db: Db, id: string, waitMs: number, intervalMs = 100): Promise<Command> {
  const until = Date.now() + waitMs;
  for (;;) {
    expireCommands(db, Date.now(), id);
    const c = findCommand(db, id);
    if (!c) throw new Error(`command ${id} disappeared (its device was removed)`);
    if (isFinal(c) || Date.now() >= until) return c;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(1, until - Date.now()))));
  }
}
