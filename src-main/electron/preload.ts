import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LiveIpcMessage } from '../../src-shared/api/live';
import type { PreloadBridge } from '../../src-shared/api/transport';
import { apiChannel, liveCloseChannel, liveMessageChannel, liveOpenChannel } from './channel';

let lastFeed = 0;

/** Two functions cross into the page: a call by contract method name, and a live feed. */
const bridge: PreloadBridge = {
  call: (method, input, token) => ipcRenderer.invoke(apiChannel, method, input, token ?? null),
  live(token, onMessage) {
    const subscription = `feed-${++lastFeed}`;
    const listener = (_event: IpcRendererEvent, id: unknown, message: LiveIpcMessage) => {
      if (id === subscription) onMessage(message);
    };
    ipcRenderer.on(liveMessageChannel, listener);
    ipcRenderer.send(liveOpenChannel, subscription, token);
    return () => {
      ipcRenderer.removeListener(liveMessageChannel, listener);
      ipcRenderer.send(liveCloseChannel, subscription);
    };
  },
};

contextBridge.exposeInMainWorld('outpost', bridge);
