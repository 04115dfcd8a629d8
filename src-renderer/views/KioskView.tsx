import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { LiveIndicator } from '../components/LiveIndicator';
import { presetRange } from '../charts/ranges';
import { DashboardGrid } from '../dashboards/DashboardGrid';
import { setAccessToken } from '../lib/api';
import { LiveProvider, useLiveMode } from '../lib/live-cache';
import { useApiQuery } from '../lib/query';
import { useNow } from '../lib/useNow';

/**
 * The display's own credential: an app token (devices:read and readings:read)
 * kept in this browser's localStorage, so the wall display comes back by
 * itself after a power cut or a hub restart without anyone signing in. It
 * grants only reading, and only the devices the app was given.
 */
const kioskKey = 'outpost.kiosk-token';
const readToken = () => {
  try {
    return localStorage.getItem(kioskKey);
  } catch {
    return null;
  }
};

export function KioskView({ dashboardId }: { dashboardId: number }) {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string | null>(null);
  const queries = useQueryClient();
  const forget = (message: string) => {
    localStorage.removeItem(kioskKey);
    setAccessToken(null);
    queries.clear();
    setNotice(message);
    setToken(null);
  };
  if (!token) return <KioskSetup notice={notice} onToken={(t) => (localStorage.setItem(kioskKey, t), setNotice(null), setToken(t))} />;
  setAccessToken(token);
  return (
    <LiveProvider onEnded={(message) => forget(`The display's token no longer works: ${message}`)}>
      <KioskBoard dashboardId={dashboardId} onRefused={forget} />
    </LiveProvider>
  );
}

function KioskSetup({ notice, onToken }: { notice: string | null; onToken: (token: string) => void }) {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) onToken(text.trim());
  };
  return (
    <main className="kiosk-setup">
      <form className="card form-grid" onSubmit={submit} aria-labelledby="kiosk-title">
        <h1 id="kiosk-title">Set up this wall display</h1>
        {notice && <p className="warning">{notice}</p>}
        <p>
          A wall display reads with an app token of its own, kept in this browser, so it comes back by itself after a restart. An admin makes one under <b>Apps &amp; keys</b> with the scopes <code>devices:read</code> and
          <code> readings:read</code>, limited to the devices this screen may show.
        </p>
        <label>
          App token
          <input type="password" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" required placeholder="opa_…" />
        </label>
        <button type="submit" className="primary">
          Show the dashboard
        </button>
      </form>
    </main>
  );
}

/** Polls and listens live; while the hub is away it keeps the last data on screen and says so. */
function KioskBoard({ dashboardId, onRefused }: { dashboardId: number; onRefused: (message: string) => void }) {
  const mode = useLiveMode();
  const now = useNow();
  const dashboard = useApiQuery('dashboards.get', { dashboardId }, { refreshMs: 30_000 });
  const health = useApiQuery('hub.status', {}, { refreshMs: 10_000 });
  const refused = dashboard.state === 'error' && /^(UNAUTHENTICATED|FORBIDDEN)$/.test(dashboard.code) ? dashboard.message : null;
  useEffect(() => {
    if (refused) onRefused(refused);
  }, [refused, onRefused]);
  const away = health.lastError !== null || dashboard.lastError?.code === 'HUB_UNREACHABLE';
  return (
    <main className="kiosk" data-testid="kiosk">
      <header className="kiosk-head">
        <h1>{dashboard.state === 'ready' ? dashboard.value.name : 'Outpost'}</h1>
        <LiveIndicator mode={mode} />
        <span className="push-right muted">{new Date(now).toLocaleString()}</span>
        <button type="button" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
          Full screen
        </button>
      </header>
      {away && (
        <p className="warning" role="status" data-testid="kiosk-offline">
          The hub is not answering: showing the last data received, and reconnecting.
        </p>
      )}
      {dashboard.state === 'error' && dashboard.code !== 'HUB_UNREACHABLE' && <ErrorNote error={dashboard} title="Could not load the dashboard." />}
      {dashboard.state === 'loading' && <p className="muted">Loading…</p>}
      {dashboard.state === 'ready' && (
        <DashboardGrid spec={dashboard.value.spec} range={'preset' in dashboard.value.spec.range ? presetRange(dashboard.value.spec.range.preset) : { kind: 'fixed', ...dashboard.value.spec.range }} editing={false} />
      )}
    </main>
  );
}
