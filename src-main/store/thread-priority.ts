import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to at least `nice` (0 normal, 19
 * lowest); a thread already lower is left as it is, so a hub started with a
 * higher nice value never gets a thread raised above its others. On Linux
 * every thread is its own task with its own nice value, and
 * setpriority(PRIO_PROCESS, tid) changes only that thread; /proc/thread-self
 * names the caller's task id. Elsewhere nothing is changed (false): the
 * process-wide call would slow the event loop too.
 */
export function lowerThisThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    if (getPriority(tid) < nice) setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
