import { useRef, useState } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import { ErrorNote } from '../components/ErrorNote';
import { useAction, useApiQuery } from '../lib/query';
import { rangeTimes, useSeries, type ChartRange } from '../lib/series-query';
import { downloadExport } from '../lib/download';
import { presetRange } from './ranges';
import { RangeBar, type RangeState } from './RangeBar';
import { duration, TimeChart, type AlarmSpan } from './TimeChart';
import { initialChartWidth, pointsFor } from './chart-width';
import { useWidth } from './useWidth';

type Device = ApiOutput<'devices.get'>;

/** A chart per variable, sharing one cursor and one time range; drag across a chart to zoom in. */
export function DeviceCharts({ device, initial }: { device: Device; initial: RangePreset }) {
  const [state, setState] = useState<RangeState>({ range: presetRange(initial), preset: initial });
  const box = useRef<HTMLDivElement>(null);
  const maxPoints = pointsFor(useWidth(box, initialChartWidth()));
  if (device.variables.length === 0) return null;
  return (
    <section aria-labelledby="history-title" className="device-charts" ref={box}>
      <h2 id="history-title">History</h2>
      <RangeBar state={state} onChange={setState} resetTo={initial} />
      <div className="chart-list">
        {device.variables.map((v) => (
          <VariableChart
            key={v.label}
            deviceId={device.id}
            variable={v.label}
            range={state.range}
            maxPoints={maxPoints}
            onZoom={(from, to) => setState({ range: { kind: 'fixed', from, to }, preset: null })}
          />
        ))}
      </div>
    </section>
  );
}

/** The device's alarms on this variable (or its connectivity) that were active somewhere in [from, to]. */
function alarmSpans(alarms: ApiOutput<'alarms.list'>, variable: string, from: number, to: number): AlarmSpan[] {
  return alarms.filter((a) => (a.variable === variable || a.variable === null) && a.startedAt <= to && (a.endedAt ?? Infinity) >= from).map((a) => ({ from: a.startedAt, to: a.endedAt }));
}

function VariableChart({ deviceId, variable, range, maxPoints, onZoom }: { deviceId: number; variable: string; range: ChartRange; maxPoints: number; onZoom: (from: number, to: number) => void }) {
  const data = useSeries({ deviceId, variables: [variable], range, maxPoints });
  // One query for every chart of the device (same input); refetched with the other alarm queries on a live alarm event.
  const alarms = useApiQuery('alarms.list', { deviceId, limit: 200 }, { keepPrevious: true });
  const action = useAction();
  const { from, to } = rangeTimes(range);
  const series = data.state === 'ready' ? data.value.series[0] : undefined;
  // Exactly what the chart got: the times the hub answered for, at the same number of points.
  const download = (format: 'csv' | 'ndjson') =>
    data.state === 'ready' &&
    void action.run(() => downloadExport({ deviceId, variables: [variable], from: data.value.from, to: data.value.to, format, shape: series?.bucketMs ? 'buckets' : 'raw', maxPoints }));
  return (
    <article
      className="card chart-card"
      data-variable={variable}
      data-range={range.kind}
      data-query-from={data.state === 'ready' ? data.value.from : undefined}
      data-query-to={data.state === 'ready' ? data.value.to : undefined}
      aria-label={`Chart of ${variable}`}
    >
      <header className="chart-head">
        <h3>
          {variable}
          {series?.unit && <span className="muted"> ({series.unit})</span>}
        </h3>
        <span className="muted small" data-testid="resolution">
          {!series ? '' : series.bucketMs === null ? 'each reading' : `${duration(series.bucketMs)} buckets: mean, band min–max`}
          {data.fetching ? ' · loading…' : ''}
        </span>
        <span className="push-right chart-downloads">
          <button type="button" className="small-button" onClick={() => download('csv')} disabled={action.busy || !series} title="Download what this chart shows as CSV">
            CSV
          </button>
          <button type="button" className="small-button" onClick={() => download('ndjson')} disabled={action.busy || !series} title="Download what this chart shows as NDJSON">
            NDJSON
          </button>
        </span>
      </header>
      <ErrorNote error={action.error} title="Download failed." />
      {data.state === 'error' ? (
        <ErrorNote error={data} title="Could not load the chart." />
      ) : series ? (
        series.t.length === 0 ? (
          <p className="muted chart-empty">No readings in this range.</p>
        ) : (
          <TimeChart
            lines={[{ ...series, label: variable }]}
            from={from}
            to={to}
            height={220}
            syncKey={`device-${deviceId}`}
            onZoom={onZoom}
            label={`${variable}${series.unit ? ` in ${series.unit}` : ''}`}
            alarms={alarmSpans(alarms.state === 'ready' ? alarms.value : [], variable, from, to)}
          />
        )
      ) : (
        <p className="muted chart-empty" role="status">
          Loading…
        </p>
      )}
    </article>
  );
}
