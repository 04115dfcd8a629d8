import { useEffect, useRef, useState } from 'react';
import { liveCloseCodes, livePath, parseLiveServerMessage, type LiveHello, type LiveReading } from '../../src-shared/api/live';
import { getAccessToken } from './api';

export type LiveMode = 'connecting' | 'live' | 'polling';

const retryDelaysMs = [2000, 5000, 10_000, 30_000];

/**
 * Committed readings as the hub stores them, over the console's WebSocket.
 * When the socket cannot be used (Electron IPC, a proxy that drops upgrades,
 * the hub restarting) the mode is `polling`: the caller refreshes on its own
 * timer while the socket keeps retrying with backoff.
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
    if (window.outpost || typeof WebSocket === 'undefined') {
      setMode('polling');
      return;
    }
    let stopped = false;
    let attempt = 0;
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      const token = getAccessToken();
      if (stopped || !token) return;
      const ws = new WebSocket(`wss://${window.location.host}${livePath}`);
      socket = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token } satisfies LiveHello));
      ws.onmessage = (event) => {
        const message = parseLiveServerMessage(String(event.data));
        if (!message) return;
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
      ws.onclose = (event) => {
        socket = null;
        if (stopped) return;
        if (event.code === liveCloseCodes.sessionEnded || event.code === liveCloseCodes.unauthenticated) return;
        setMode('polling');
        retry = setTimeout(connect, retryDelaysMs[Math.min(attempt++, retryDelaysMs.length - 1)]);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      socket?.close(1000);
    };
  }, []);
  return mode;
}
