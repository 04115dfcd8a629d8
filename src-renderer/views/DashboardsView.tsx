import { useState, type FormEvent } from 'react';
import type { Layout } from 'react-grid-layout';
import type { Dashboard, DashboardSpec, RangePreset } from '../../src-shared/api/areas/dashboards';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { LiveIndicator } from '../components/LiveIndicator';
import { Loading } from '../components/Loading';
import { RangeBar, type RangeState } from '../charts/RangeBar';
import { presetRange } from '../charts/ranges';
import { DashboardGrid } from '../dashboards/DashboardGrid';
import { WidgetForm } from '../dashboards/WidgetForm';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { useLiveMode } from '../lib/live-cache';
import { useAction, useApiQuery } from '../lib/query';
import { href, navigate } from '../lib/route';
import { useSession } from '../lib/session';

export function DashboardsView({ dashboardId }: { dashboardId: number | null }) {
  return dashboardId === null ? <DashboardList /> : <DashboardPage key={dashboardId} dashboardId={dashboardId} />;
}

function DashboardList() {
  const session = useSession();
  const list = useApiQuery('dashboards.list', {});
  const [name, setName] = useState('');
  const action = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const created = await api.call('dashboards.create', { name: name.trim() });
      navigate('dashboards', created.id);
    });
  };
  return (
    <section aria-labelledby="dashboards-title">
      <div className="page-head">
        <h1 id="dashboards-title">Dashboards</h1>
      </div>
      {session.can('dashboards:write') && (
        <form className="form-inline" onSubmit={create}>
          <label>
            New dashboard
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="Name, e.g. Boiler room" />
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            Create
          </button>
          <ErrorNote error={action.error} />
        </form>
      )}
      <Loading data={list} what="the dashboards">
        {(dashboards) =>
          dashboards.length === 0 ? (
            <p className="muted">No dashboards yet.{session.can('dashboards:write') ? ' Create one above.' : ' A writer or admin can create one.'}</p>
          ) : (
            <ul className="dashboard-list" data-testid="dashboard-list">
              {dashboards.map((d) => (
                <li key={d.id}>
                  <a href={href('dashboards', d.id)}>{d.name}</a> <span className="muted small">· {d.widgets} widgets · changed {dateTime(d.updatedAt)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}

function rangeStateOf(spec: DashboardSpec): RangeState {
  return 'preset' in spec.range ? { range: presetRange(spec.range.preset), preset: spec.range.preset } : { range: { kind: 'fixed', ...spec.range }, preset: null };
}

function specRange(state: RangeState): DashboardSpec['range'] {
  return state.preset ? { preset: state.preset } : state.range.kind === 'fixed' ? { from: state.range.from, to: state.range.to } : { preset: '24h' };
}

function DashboardPage({ dashboardId }: { dashboardId: number }) {
  const dashboard = useApiQuery('dashboards.get', { dashboardId });
  return <Loading data={dashboard} what="the dashboard">{(d) => <DashboardEditor key={d.revision} dashboard={d} />}</Loading>;
}

/** A dashboard to look at, and for writers to arrange: edits stay local until saved. */
function DashboardEditor({ dashboard }: { dashboard: Dashboard }) {
  const session = useSession();
  const mode = useLiveMode();
  const canWrite = session.can('dashboards:write');
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<DashboardSpec>(dashboard.spec);
  const [name, setName] = useState(dashboard.name);
  const [range, setRange] = useState<RangeState>(rangeStateOf(dashboard.spec));
  const action = useAction();
  const spec = editing ? draft : dashboard.spec;
  const onLayout = (layout: Layout) =>
    setDraft((d) => ({ ...d, widgets: d.widgets.map((w) => ({ ...w, layout: ((l) => (l ? { x: l.x, y: l.y, w: l.w, h: l.h } : w.layout))(layout.find((l) => l.i === w.id)) })) }));
  const save = () =>
    void action.run(async () => {
      await api.call('dashboards.update', { dashboardId: dashboard.id, revision: dashboard.revision, name: name.trim() || dashboard.name, spec: { ...draft, range: specRange(range) } });
      setEditing(false);
    });
  const resetTo: RangePreset = 'preset' in dashboard.spec.range ? dashboard.spec.range.preset : '24h';
  return (
    <section aria-labelledby="dashboard-title" className="dashboard-page">
      <p>
        <a href={href('dashboards')}>← All dashboards</a>
      </p>
      <div className="page-head">
        {editing ? (
          <input className="title-input" value={name} onChange={(e) => setName(e.target.value)} aria-label="Dashboard name" maxLength={100} />
        ) : (
          <h1 id="dashboard-title">{dashboard.name}</h1>
        )}
        <LiveIndicator mode={mode} />
        <div className="actions push-right">
          {!editing && (
            <a className="button-link" href={href('kiosk', dashboard.id)} target="_blank" rel="noreferrer">
              Kiosk mode
            </a>
          )}
          {canWrite && !editing && (
            <button type="button" onClick={() => (setDraft(dashboard.spec), setName(dashboard.name), setEditing(true))}>
              Edit
            </button>
          )}
          {editing && (
            <>
              <button type="button" onClick={() => setAdding(true)} disabled={adding}>
                Add widget
              </button>
              <button type="button" className="primary" onClick={save} disabled={action.busy}>
                Save
              </button>
              <button type="button" onClick={() => (setEditing(false), setAdding(false), action.clear())}>
                Cancel
              </button>
              <ConfirmButton label="Delete" question={`Delete dashboard “${dashboard.name}”?`} onConfirm={() => void action.run(async () => (await api.call('dashboards.delete', { dashboardId: dashboard.id }), navigate('dashboards')))} />
            </>
          )}
        </div>
      </div>
      <ErrorNote error={action.error} title="Not saved." />
      <RangeBar state={range} onChange={setRange} resetTo={resetTo} />
      {editing && <p className="muted small">Drag widgets by their title bar and resize them from the lower right corner; the time range above is saved with the dashboard.</p>}
      {adding && (
        <WidgetForm
          nextY={Math.max(0, ...draft.widgets.map((w) => w.layout.y + w.layout.h))}
          onCancel={() => setAdding(false)}
          onAdd={(w) => {
            setDraft((d) => ({ ...d, widgets: [...d.widgets, w] }));
            setAdding(false);
          }}
        />
      )}
      {spec.widgets.length === 0 ? (
        <p className="muted">{canWrite ? 'No widgets yet: choose Edit, then Add widget.' : 'No widgets yet.'}</p>
      ) : (
        <DashboardGrid spec={spec} range={range.range} editing={editing} onLayout={onLayout} onRemove={(id) => setDraft((d) => ({ ...d, widgets: d.widgets.filter((w) => w.id !== id) }))} />
      )}
    </section>
  );
}
