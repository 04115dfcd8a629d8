import { contextBridge, ipcRenderer } from 'electron';
import type { PreloadBridge } from '../../src-shared/api/transport';
import { apiChannel } from './channel';

/** Exactly one function crosses into the page: a call by contract method name. */
const bridge: PreloadBridge = {
  call: (method, input) => ipcRenderer.invoke(apiChannel, method, input),
};

contextBridge.exposeInMainWorld('outpost', bridge);
