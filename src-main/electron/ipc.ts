import { ipcMain } from 'electron';
import { handleIpcCall, type IpcDeps } from '../desktop/ipc-call';
import { apiChannel } from './channel';

/** Serves the contract over IPC; what is answered and for whom is decided in desktop/ipc-call.ts. */
export function serveApiOverIpc(deps: IpcDeps): () => void {
  ipcMain.handle(apiChannel, (event, method: unknown, input: unknown, token: unknown) => {
    const frame = event.senderFrame;
    return handleIpcCall(deps, { url: frame?.url, mainFrame: frame !== null && frame === event.sender.mainFrame }, method, input, token);
  });
  return () => ipcMain.removeHandler(apiChannel);
}
