import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface InFlight {
  req: IncomingMessage;
  res: ServerResponse;
}

const open = new WeakMap<Socket, Set<InFlight>>();

/** Remembers a request until its response is finished (or its connection is gone). */
export function trackResponse(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  let set = open.get(socket);
  if (!set) open.set(socket, (set = new Set()));
  const entry = { req, res };
  set.add(entry);
  res.once('close', () => set.delete(entry));
}

/**
 * Runs `then` once every response still being prepared on `socket` has been
 * written. A valid request followed by garbage in the same write is parsed,
 * stored and answered only after its commit, while node reports the garbage at
 * once: answering the garbage first would close the socket before the good
 * request's 2xx, and a client that retries would store it twice. `maxWaitMs`
 * bounds the wait for a handler that never answers.
 */
export function afterResponses(socket: Socket, then: () => void, maxWaitMs = 30_000): void {
  // Only requests received whole: one cut off by the error (or a timeout) will never be answered.
  const pending = [...(open.get(socket) ?? [])].filter((f) => f.req.complete).map((f) => f.res);
  if (pending.length === 0) {
    then();
    return;
  }
  let left = pending.length;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(finish, maxWaitMs);
  timer.unref();
  for (const res of pending) res.once('close', () => --left === 0 && finish());
}
