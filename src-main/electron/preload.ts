import { contextBridge, ipcRenderer } from 'electron';
import type { PreloadBridge } from '../../src-shared/api/transport';
import { apiChannel } from './channel';

/** Exactly one function crosses into the page: a call by contract method name. */
const bridge: PreloadBridge = {
  call: (method, input, token) => ipcRenderer.invoke(apiChannel, method, input, token ?? null),
};

contextBridge.exposeInMainWorld('outpost', bridge);
