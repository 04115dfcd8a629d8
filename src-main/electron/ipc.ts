import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { handleIpcCall, type IpcDeps } from '../desktop/ipc-call';
import { createIpcLive, type IpcLiveDeps } from '../desktop/ipc-live';
import type { IpcSender } from '../desktop/window-policy';
import { apiChannel, liveCloseChannel, liveMessageChannel, liveOpenChannel } from './channel';

function senderOf(event: IpcMainEvent | IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  return { url: frame?.url, mainFrame: frame !== null && frame === event.sender.mainFrame };
}

/** Serves the contract over IPC; what is answered and for whom is decided in desktop/ipc-call.ts. */
export function serveApiOverIpc(deps: IpcDeps): () => void {
  ipcMain.handle(apiChannel, (event, method: unknown, input: unknown, token: unknown) => handleIpcCall(deps, senderOf(event), method, input, token));
  return () => ipcMain.removeHandler(apiChannel);
}

/** Carries live feeds to the window; who gets what is decided in desktop/ipc-live.ts. Returns the stop (before the hub stops). */
export function serveLiveOverIpc(deps: IpcLiveDeps): () => void {
  const live = createIpcLive(deps);
  const watched = new Set<WebContents>();
  const watch = (contents: WebContents) => {
    if (watched.has(contents)) return;
    watched.add(contents);
    const id = contents.id;
    // A reload or a closed window leaves its feeds without a reader.
    contents.on('did-navigate', () => live.forgetWindow(id));
    contents.once('destroyed', () => {
      watched.delete(contents);
      live.forgetWindow(id);
    });
  };
  ipcMain.on(liveOpenChannel, (event, subscription: unknown, token: unknown) => {
    const contents = event.sender;
    watch(contents);
    live.subscribe(contents.id, senderOf(event), subscription, token, (message) => {
      if (!contents.isDestroyed()) contents.send(liveMessageChannel, subscription, message);
    });
  });
  ipcMain.on(liveCloseChannel, (event, subscription: unknown) => live.unsubscribe(event.sender.id, subscription));
  return () => {
    ipcMain.removeAllListeners(liveOpenChannel);
    ipcMain.removeAllListeners(liveCloseChannel);
    live.closeAll();
  };
}
