import { useEffect, useRef, useState } from 'react';
import { liveCloseCodes, livePath, parseLiveServerMessage, type LiveHello, type LiveReading, type LiveServerMessage } from '../../src-shared/api/live';
import { getAccessToken } from './api';

export type LiveMode = 'connecting' | 'live' | 'polling';

const retryDelaysMs = [2000, 5000, 10_000, 30_000];

/**
 * One attempt at the live channel: over the desktop window's IPC when the
 * preload offers it (the window's CSP allows no WebSocket), else the console's
 * WebSocket. `onEnd` gets the close code; the returned function closes it.
 */
function openChannel(token: string, onMessage: (message: LiveServerMessage) => void, onEnd: (code: number) => void): () => void {
  const bridge = window.outpost;
  if (bridge) {
    let open = true;
    const unsubscribe = bridge.live(token, (message) => {
      if (!open) return;
      if (message.type !== 'closed') return onMessage(message);
      open = false;
      unsubscribe();
      onEnd(message.code);
    });
    return () => {
      open = false;
      unsubscribe();
    };
  }
  const ws = new WebSocket(`wss://${window.location.host}${livePath}`);
  ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token } satisfies LiveHello));
  ws.onmessage = (event) => {
    const message = parseLiveServerMessage(String(event.data));
    if (message) onMessage(message);
  };
  ws.onclose = (event) => onEnd(event.code);
  return () => ws.close(1000);
}

/**
 * Committed readings as the hub stores them, over the console's WebSocket or,
 * in the desktop window, over IPC. When the channel cannot be used (a proxy
 * that drops upgrades, the hub restarting) the mode is `polling`: the caller
 * refreshes on its own timer while the channel keeps retrying with backoff.
 */
export function useLiveReadings(
  onReadings: (readings: LiveReading[]) => void,
  onSessionEnded: (message: string) => void,
  onAlarms: (deviceIds: number[]) => void = () => undefined,
  onCommands: (deviceIds: number[]) => void = () => undefined,
): LiveMode {
  const [mode, setMode] = useState<LiveMode>('connecting');
  const handlers = useRef({ onReadings, onSessionEnded, onAlarms, onCommands });
  handlers.current = { onReadings, onSessionEnded, onAlarms, onCommands };

  useEffect(() => {
    if (!window.outpost && typeof WebSocket === 'undefined') {
      setMode('polling');
      return;
    }
    let stopped = false;
    let attempt = 0;
    let close: (() => void) | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const onMessage = (message: LiveServerMessage) => {
      if (message.type === 'ready') {
        attempt = 0;
        setMode('live');
      } else if (message.type === 'readings') handlers.current.onReadings(message.readings);
      else if (message.type === 'alarms') handlers.current.onAlarms(message.deviceIds);
      else if (message.type === 'commands') handlers.current.onCommands(message.deviceIds);
      else if (message.code === 'SESSION_ENDED' || message.code === 'UNAUTHENTICATED') {
        stopped = true;
        handlers.current.onSessionEnded(message.message);
      }
    };
    const onEnd = (code: number) => {
      close = null;
      if (stopped) return;
      if (code === liveCloseCodes.sessionEnded || code === liveCloseCodes.unauthenticated) return;
      setMode('polling');
      retry = setTimeout(connect, retryDelaysMs[Math.min(attempt++, retryDelaysMs.length - 1)]);
    };
    const connect = () => {
      const token = getAccessToken();
      if (stopped || !token) return;
      close = openChannel(token, onMessage, onEnd);
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      close?.();
    };
  }, []);
  return mode;
}
