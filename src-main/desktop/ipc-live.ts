import { z } from 'zod';
import { liveCloseCodes, type LiveIpcMessage } from '../../src-shared/api/live';
import { openLiveFeed, refuseFeed, type LiveFeedOptions, type LiveSink } from '../console/live-feed';
import { trustedSender, type IpcSender } from './window-policy';

export interface IpcLiveDeps {
  /** The hub's live feed sources (`hub.services.live`), the same the console's WebSocket uses. */
  feeds: LiveFeedOptions;
  /** The dev server's URL under `electron-vite dev`; its pages count as the app's own. */
  devOrigin?: string | undefined;
}

/** Where one subscription's messages go: `webContents.send` in the shell, an array in tests. */
export type IpcLivePost = (message: LiveIpcMessage) => void;

export interface IpcLive {
  /** A window asks for a feed: `post` gets its messages until it unsubscribes, the credential lapses or the hub stops. */
  subscribe(windowId: number, sender: IpcSender, subscription: unknown, token: unknown, post: IpcLivePost): void;
  unsubscribe(windowId: number, subscription: unknown): void;
  /** The window closed or loaded a new page: its feeds stop. */
  forgetWindow(windowId: number): void;
  /** The hub is stopping: every feed is told and stops. */
  closeAll(): void;
  /** Open feeds (tests). */
  readonly size: number;
}

interface Feed {
  open: boolean;
  post: IpcLivePost;
  stop(): void;
}

const subscriptionSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const tokenSchema = z.string().min(1).max(4096);
/** A window needs one feed; a page that reloads without closing its old one must not pile them up. */
export const maxFeedsPerWindow = 4;

/**
 * The live channel for the desktop window: instead of a WebSocket, which the
 * window's CSP forbids, each feed is a subscription over IPC. Authentication
 * and per-caller filtering are the WebSocket's own (console/live-feed.ts): the
 * console gate with the window counted as loopback, as for IPC calls
 * (desktop/ipc-call.ts). The shell (electron/ipc.ts) only carries messages.
 */
export function createIpcLive(deps: IpcLiveDeps): IpcLive {
  /** Per window, subscription id -> feed; insertion order is age. */
  const windows = new Map<number, Map<string, Feed>>();
  let closing = false;

  const remove = (windowId: number, subscription: string, feed?: Feed): Feed | undefined => {
    const feeds = windows.get(windowId);
    const found = feeds?.get(subscription);
    if (!feeds || !found || (feed && found !== feed)) return undefined;
    feeds.delete(subscription);
    if (feeds.size === 0) windows.delete(windowId);
    return found;
  };
  /** Stops a feed; with a code, tells the window why it ended. */
  const finish = (feed: Feed | undefined, end?: { code: number; reason: string }) => {
    if (!feed?.open) return;
    feed.open = false;
    feed.stop();
    if (end) feed.post({ type: 'closed', ...end });
  };

  return {
    subscribe(windowId, sender, subscription, token, post) {
      const refused = (code: number, error: { code: string; message: string }) => refuseFeed({ send: post, close: (c, reason) => post({ type: 'closed', code: c, reason }) }, code, error);
      if (!trustedSender(sender, deps.devOrigin)) return refused(liveCloseCodes.forbidden, { code: 'IPC_SENDER_REFUSED', message: 'Only the Outpost window’s own page may open the live channel.' });
      const id = subscriptionSchema.safeParse(subscription);
      const bearer = tokenSchema.safeParse(token);
      if (!id.success || !bearer.success) return refused(liveCloseCodes.badMessage, { code: 'INVALID_INPUT', message: 'The live channel needs a subscription id (1-64 letters, digits, "-" or "_") and the session token.' });
      if (closing) return post({ type: 'closed', code: liveCloseCodes.shuttingDown, reason: 'The hub is stopping.' });
      finish(remove(windowId, id.data));
      let feeds = windows.get(windowId);
      if (!feeds) windows.set(windowId, (feeds = new Map()));
      // The oldest feed of a page that never closed it makes room.
      const oldest = feeds.size >= maxFeedsPerWindow ? feeds.keys().next().value : undefined;
      if (oldest !== undefined) finish(remove(windowId, oldest), { code: liveCloseCodes.tooManyFeeds, reason: `This window opened more than ${maxFeedsPerWindow} live feeds; the oldest ended.` });
      const feed: Feed = { open: true, post, stop: () => undefined };
      const sink: LiveSink = {
        send: (message) => {
          if (feed.open) post(message);
        },
        // The feed ended itself (refused, session ended): it has already stopped.
        close: (code, reason) => {
          if (!feed.open) return;
          feed.open = false;
          remove(windowId, id.data, feed);
          post({ type: 'closed', code, reason });
        },
      };
      feeds.set(id.data, feed);
      feed.stop = openLiveFeed(deps.feeds, { token: bearer.data, address: '127.0.0.1', origin: undefined, host: undefined }, sink);
    },
    unsubscribe(windowId, subscription) {
      if (typeof subscription === 'string') finish(remove(windowId, subscription));
    },
    forgetWindow(windowId) {
      for (const subscription of [...(windows.get(windowId)?.keys() ?? [])]) finish(remove(windowId, subscription));
    },
    closeAll() {
      closing = true;
      for (const [windowId, feeds] of [...windows]) {
        for (const subscription of [...feeds.keys()]) finish(remove(windowId, subscription), { code: liveCloseCodes.shuttingDown, reason: 'The hub is stopping.' });
      }
    },
    get size() {
      let n = 0;
      for (const feeds of windows.values()) n += feeds.size;
      return n;
    },
  };
}
