import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { Permission } from '../src-shared/permissions';
import { Forbidden } from './components/Forbidden';
import { HubReachability } from './components/HubReachability';
import { href, useRoute } from './lib/route';
import { SessionProvider, useSession, useSessionState } from './lib/session';
import { LiveProvider } from './lib/live-cache';

// Dashboards bring the grid library: loaded when first opened, not with every page.
const DashboardsView = lazy(() => import('./views/DashboardsView').then((m) => ({ default: m.DashboardsView })));
const KioskView = lazy(() => import('./views/KioskView').then((m) => ({ default: m.KioskView })));
const loadingView = <p className="muted center">Loading…</p>;
import { AlarmBadge } from './alarms/AlarmBadge';
import { LoginView } from './views/LoginView';
import { lazyView } from './lib/lazy-view';
// In the main chunk: a device page with its charts is the page that must draw fastest (bench/console),
// and loading it as a chunk after the bundle ran would put a round trip before its chart.
import { DeviceDetailView } from './views/DeviceDetailView';

// The other pages are chunks loaded when first shown (or preloaded for the page a tab opens on, main.tsx):
// a device page does not download and run the code of every admin page before its chart.
const AccountView = lazyView(() => import('./views/AccountView').then((m) => m.AccountView));
const AlarmsView = lazyView(() => import('./views/AlarmsView').then((m) => m.AlarmsView));
const AppsView = lazyView(() => import('./views/AppsView').then((m) => m.AppsView));
const AuditView = lazyView(() => import('./views/AuditView').then((m) => m.AuditView));
const DashboardView = lazyView(() => import('./views/DashboardView').then((m) => m.DashboardView));
const DevicesView = lazyView(() => import('./views/DevicesView').then((m) => m.DevicesView));
const GroupsView = lazyView(() => import('./views/GroupsView').then((m) => m.GroupsView));
const SettingsView = lazyView(() => import('./views/SettingsView').then((m) => m.SettingsView));
const SetupView = lazyView(() => import('./views/SetupView').then((m) => m.SetupView));
const TrafficView = lazyView(() => import('./views/TrafficView').then((m) => m.TrafficView));
const HealthView = lazyView(() => import('./views/HealthView').then((m) => m.HealthView));
const StatusView = lazyView(() => import('./views/StatusView').then((m) => m.StatusView));
const PublicStatusView = lazyView(() => import('./views/StatusView').then((m) => m.PublicStatusView));
const UsersView = lazyView(() => import('./views/UsersView').then((m) => m.UsersView));

interface Page {
  path: string;
  title: string;
  needs: Permission;
  view: (rest: string[]) => ReactNode;
  /** The lazily loaded views the page shows for the rest of its route (preloaded when a tab opens on it). */
  views?: (rest: string[]) => { preload(): Promise<void> }[];
}

/** Each page with the permission it needs: hidden from the menu without it (the hub refuses the calls anyway). */
const pages: Page[] = [
  { path: '', title: 'Dashboard', needs: 'readings:read', view: () => <DashboardView />, views: () => [DashboardView] },
  { path: 'dashboards', title: 'Dashboards', needs: 'devices:read', view: ([id]) => (
      <Suspense fallback={loadingView}>
        <DashboardsView dashboardId={id && /^\d+$/.test(id) ? Number(id) : null} />
      </Suspense>
    ),
  },
  { path: 'devices', title: 'Devices', needs: 'devices:read', view: ([id, range]) => (id && /^\d+$/.test(id) ? <DeviceDetailView deviceId={Number(id)} range={range} /> : <DevicesView />), views: ([id]) => (id && /^\d+$/.test(id) ? [] : [DevicesView]) },
  { path: 'health', title: 'Health', needs: 'devices:read', view: () => <HealthView />, views: () => [HealthView] },
  { path: 'traffic', title: 'Traffic', needs: 'devices:read', view: () => <TrafficView />, views: () => [TrafficView] },
  { path: 'alarms', title: 'Alarms', needs: 'devices:read', view: () => <AlarmsView />, views: () => [AlarmsView] },
  { path: 'users', title: 'Users', needs: 'users:admin', view: () => <UsersView />, views: () => [UsersView] },
  { path: 'groups', title: 'Groups', needs: 'users:admin', view: () => <GroupsView />, views: () => [GroupsView] },
  { path: 'apps', title: 'Apps & keys', needs: 'apps:admin', view: () => <AppsView />, views: () => [AppsView] },
  { path: 'audit', title: 'Audit log', needs: 'audit:read', view: () => <AuditView />, views: () => [AuditView] },
  { path: 'settings', title: 'Settings', needs: 'hub:admin', view: () => <SettingsView />, views: () => [SettingsView] },
  { path: 'status', title: 'Hub', needs: 'authenticated', view: () => <StatusView />, views: () => [StatusView, PublicStatusView] },
  { path: 'account', title: 'Account', needs: 'authenticated', view: () => <AccountView />, views: () => [AccountView] },
];

/**
 * Loads the views of the page a tab opens on (the first part of its hash
 * route) before the first render, so that page renders without a fallback.
 * Failures are left to the page's own load, which shows them.
 */
export function preloadPage([first = '', ...rest]: string[]): Promise<void> {
  const views = pages.find((p) => p.path === first)?.views?.(rest) ?? [];
  return Promise.all(views.map((v) => v.preload())).then(
    () => undefined,
    () => undefined,
  );
}

export function App({ queries }: { queries: QueryClient }) {
  const [first = '', second] = useRoute();
  // A wall display signs in with its own app token and has no menu (views/KioskView.tsx).
  if (first === 'kiosk' && second && /^\d+$/.test(second)) {
    return (
      <QueryClientProvider client={queries}>
        <Suspense fallback={loadingView}>
          <KioskView dashboardId={Number(second)} />
        </Suspense>
      </QueryClientProvider>
    );
  }
  return (
    <QueryClientProvider client={queries}>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </QueryClientProvider>
  );
}

function Gate() {
  const { state, expire } = useSessionState();
  const [first = '', second] = useRoute();
  // The hub page is public: a technician checks the certificate fingerprint before signing in.
  if (state.phase !== 'signed-in' && first === 'status') {
    return (
      <Shell nav={<a href={href()}>Sign in</a>}>
        <PublicStatusView />
      </Shell>
    );
  }
  if (state.phase === 'restoring') return <p className="muted center">Restoring your session…</p>;
  if (state.phase === 'signed-out' && first === 'setup' && second) {
    return (
      <Shell nav={<a href={href('status')}>Hub</a>}>
        <SetupView code={second} />
      </Shell>
    );
  }
  if (state.phase === 'signed-out') {
    return (
      <Shell nav={<a href={href('status')}>Hub</a>}>
        <LoginView notice={state.notice} />
      </Shell>
    );
  }
  return (
    <LiveProvider onEnded={expire}>
      <SignedIn />
    </LiveProvider>
  );
}

function Shell({ nav, user, menuBadge, children }: { nav: ReactNode; user?: ReactNode; menuBadge?: ReactNode; children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const route = useRoute().join('/');
  // A page change closes the small-screen menu.
  useEffect(() => setMenuOpen(false), [route]);
  return (
    <div className="app">
      {/* Hash routes own the URL fragment, so the skip link moves focus itself. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className={`topbar${menuOpen ? ' menu-open' : ''}`}>
        <a className="brand" href={href()}>
          Outpost
        </a>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
          {/* With the menu closed on a phone, the alarm count stays in view on its button. */}
          {menuBadge}
        </button>
        <nav id="main-nav" aria-label="Main" onKeyDown={(e) => e.key === 'Escape' && setMenuOpen(false)}>
          {nav}
        </nav>
        {user}
      </header>
      <main id="main" tabIndex={-1}>
        <HubReachability />
        <Suspense fallback={loadingView}>{children}</Suspense>
      </main>
    </div>
  );
}

function SignedIn() {
  const session = useSession();
  const [first = '', ...rest] = useRoute();
  const visible = pages.filter((p) => session.can(p.needs));
  const page = pages.find((p) => p.path === first);
  // Someone who may not read readings lands on the first page they may see.
  const shown = page ?? visible[0];
  const who = session.user?.email ?? session.me.subject;
  return (
    <Shell
      menuBadge={visible.some((p) => p.path === 'alarms') ? <AlarmBadge testId="alarm-badge-menu" /> : null}
      nav={visible.map((p) => (
        <a key={p.path} href={href(...(p.path ? [p.path] : []))} aria-current={shown === p ? 'page' : undefined}>
          {p.title}
          {p.path === 'alarms' && <AlarmBadge />}
        </a>
      ))}
      user={
        <div className="who">
          <span>
            {who} <span className="muted">· {session.me.role}</span>
          </span>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      }
    >
      {!shown ? <p>There is nothing here for your role.</p> : session.can(shown.needs) ? shown.view(rest) : <Forbidden needs={shown.needs} />}
    </Shell>
  );
}
