import type { Widget } from '../../src-shared/api/areas/dashboards';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { TimeChart, type ChartLine } from '../charts/TimeChart';
import { ago, formatValue } from '../lib/format';
import { useLiveMode } from '../lib/live-cache';
import { useApiQuery } from '../lib/query';
import { rangeTimes, useSeries, useSeriesMany, type ChartRange } from '../lib/series-query';
import { useNow } from '../lib/useNow';
import { useOnlineFacts } from '../lib/useOnlineFacts';
import { useDeviceNames, useLatestValue } from './names';
import { PositionWidget } from './PositionWidget';
import { Gauge } from './Gauge';

export interface WidgetProps {
  range: ChartRange;
  /** Pixel size of the widget's body, for charts and point counts. */
  width: number;
  height: number;
}

/** One dashboard widget's content; the frame (title, edit controls) is the grid's. */
export function WidgetBody({ widget, ...size }: { widget: Widget } & WidgetProps) {
  switch (widget.kind) {
    case 'line':
      return <LineWidget refs={widget.series} {...size} id={widget.id} />;
    case 'value':
      return <ValueWidget deviceId={widget.deviceId} variable={widget.variable} {...size} />;
    case 'gauge':
      return <GaugeWidget widget={widget} />;
    case 'table':
      return <TableWidget refs={widget.items} />;
    case 'status':
      return <StatusWidget deviceIds={widget.deviceIds} />;
    case 'position':
      return <PositionWidget deviceId={widget.deviceId} variable={widget.variable} background={widget.background} tileUrl={widget.tileUrl} {...size} />;
  }
}

/** Readings of several variables, possibly of several devices, on one chart: one query per variable, shared with every other chart of it. */
function LineWidget({ refs, range, width, height, id }: { refs: { deviceId: number; variable: string }[]; id: string } & WidgetProps) {
  const names = useDeviceNames();
  const maxPoints = Math.min(2000, Math.max(50, Math.round(width / 50) * 50));
  const answers = useSeriesMany(refs.map((r) => ({ deviceId: r.deviceId, variables: [r.variable], range, maxPoints })));
  const failed = answers.find((a) => a.state === 'error');
  if (failed?.state === 'error') return <ErrorNote error={failed} title="Could not load the chart." />;
  const lines: ChartLine[] = [];
  answers.forEach((a, i) => {
    if (a.state !== 'ready') return;
    const ref = refs[i]!;
    lines.push({ ...a.value.series[0]!, label: `${names.get(ref.deviceId)?.label ?? `device ${ref.deviceId}`} · ${ref.variable}` });
  });
  if (lines.length < refs.length) return <p className="muted">Loading…</p>;
  const { from, to } = rangeTimes(range);
  return (
    <>
      {lines.length > 1 && (
        <div className="chart-legend">
          {lines.map((l, i) => (
            <span key={l.label} className={`legend-${i % 8}`}>
              {l.label}
              {l.unit ? ` (${l.unit})` : ''}
            </span>
          ))}
        </div>
      )}
      <TimeChart lines={lines} from={from} to={to} height={Math.max(80, height - (lines.length > 1 ? 26 : 4))} syncKey={`widget-${id}`} label={lines.map((l) => l.label).join(', ')} />
    </>
  );
}

function ValueWidget({ deviceId, variable, range, width, height }: { deviceId: number; variable: string } & WidgetProps) {
  const mode = useLiveMode();
  const now = useNow();
  const last = useLatestValue(deviceId, variable, mode === 'live' ? false : 10_000);
  const spark = useSeries({ deviceId, variables: [variable], range, maxPoints: Math.min(300, Math.max(50, Math.round(width / 100) * 50)) });
  const s = spark.state === 'ready' ? spark.value.series[0] : undefined;
  const { from, to } = rangeTimes(range);
  return (
    <div className="value-widget">
      <div className="big-value" data-testid="widget-value">
        {last ? formatValue(last.value) : '—'}
        {s?.unit && <span className="unit"> {s.unit}</span>}
      </div>
      <div className="muted small">{last ? ago(last.ts, now) : 'no reading yet'}</div>
      {s && s.t.length > 0 && <TimeChart lines={[{ ...s, label: variable }]} from={from} to={to} height={Math.max(40, height - 80)} compact label={`${variable} trend`} />}
    </div>
  );
}

function GaugeWidget({ widget }: { widget: Extract<Widget, { kind: 'gauge' }> }) {
  const mode = useLiveMode();
  const last = useLatestValue(widget.deviceId, widget.variable, mode === 'live' ? false : 10_000);
  const device = useApiQuery('devices.get', { deviceId: widget.deviceId });
  const unit = device.state === 'ready' ? (device.value.variables.find((v) => v.label === widget.variable)?.unit ?? null) : null;
  return <Gauge value={last?.value ?? null} min={widget.min} max={widget.max} thresholds={widget.thresholds} unit={unit} label={widget.variable} />;
}

function TableWidget({ refs }: { refs: { deviceId: number; variable: string }[] }) {
  const names = useDeviceNames();
  const mode = useLiveMode();
  const now = useNow();
  const latest = useApiQuery('devices.latest', {}, { refreshMs: mode === 'live' ? false : 10_000 });
  const values = latest.state === 'ready' ? latest.value : [];
  return (
    <table className="grid compact">
      <TableHead columns={['Device', 'Variable', 'Value', 'When']} numeric={['Value']} />
      <tbody>
        {refs.map((r) => {
          const v = values.find((l) => l.deviceId === r.deviceId)?.variables.find((x) => x.label === r.variable);
          return (
            <tr key={`${r.deviceId}-${r.variable}`}>
              <td>{names.get(r.deviceId)?.name ?? r.deviceId}</td>
              <td>{r.variable}</td>
              <td className="num value">{v ? formatValue(v.value) : '—'}</td>
              <td className="muted">{v ? ago(v.ts, now) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function StatusWidget({ deviceIds }: { deviceIds: number[] }) {
  const now = useNow();
  const online = useOnlineFacts();
  const activity = useApiQuery('devices.activity', { deviceIds }, { refreshMs: 30_000 });
  if (activity.state === 'error') return <ErrorNote error={activity} />;
  if (activity.state === 'loading') return <p className="muted">Loading…</p>;
  return (
    <table className="grid compact">
      <TableHead columns={['Device', 'Status', 'Last seen', 'Readings/min']} numeric={['Readings/min']} />
      <tbody>
        {activity.value.map((d) => (
          <tr key={d.deviceId}>
            <td>{d.name}</td>
            <td>
              <FreshnessBadge lastSeenAt={d.lastSeenAt} now={now} {...online(d.deviceId)} />
            </td>
            <td className="muted">{ago(d.lastSeenAt, now)}</td>
            <td className="num">{formatValue(d.readingsPerMinute)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
