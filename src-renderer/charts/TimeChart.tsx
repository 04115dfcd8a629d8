import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue } from '../lib/format';
import type { SeriesColumns } from '../../src-shared/series-columns';
import { useChartTheme, withAlpha, type ChartTheme } from './theme';

/** One line on a chart: the mean (or the reading) per entry, with min and max for the band. */
export interface ChartLine extends SeriesColumns {
  label: string;
  unit: string | null;
  bucketMs: number | null;
}

export interface TimeChartProps {
  lines: ChartLine[];
  from: number;
  to: number;
  height: number;
  /** Charts with the same key share the cursor (a vertical line at the same time on each). */
  syncKey?: string;
  /** Called with the dragged-over time range; without it dragging does nothing. */
  onZoom?: (from: number, to: number) => void;
  compact?: boolean;
  label: string;
  /** Times an alarm of this device was active (`to` null: still active), drawn as shaded bands behind the lines. */
  alarms?: AlarmSpan[];
}

export interface AlarmSpan {
  from: number;
  to: number | null;
}

/** The alarm bands' shade: the palette's red, light enough for the lines to stay readable over it. */
const alarmShade = withAlpha('#c62828', 0.13);

/** Shades each alarm span over the plot area (canvas pixels), before the series are drawn. */
function drawAlarmBands(u: uPlot, spans: readonly AlarmSpan[]): void {
  if (spans.length === 0) return;
  const { left, top, width, height } = u.bbox;
  u.ctx.save();
  u.ctx.fillStyle = alarmShade;
  for (const s of spans) {
    const x0 = Math.max(left, u.valToPos(s.from, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(s.to ?? Date.now(), 'x', true));
    if (x1 > x0) u.ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
  }
  u.ctx.restore();
}

const timeText = (ts: number) => `${new Date(ts).toLocaleString()} (${new Date(ts).toISOString().replace('.000Z', 'Z')})`;

/**
 * A time series chart on uPlot (canvas; draws a year of buckets in a few ms).
 * Gaps (nulls) break the line; where entries are buckets, a band shows their
 * min and max. The plotted data is summarised on the element's data-*
 * attributes, for tests and for assistive text.
 */
export function TimeChart({ lines, from, to, height, syncKey, onZoom, compact = false, label, alarms = [] }: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  // The plot outlives a data change; its tooltip reads the current lines from here.
  const current = useRef(lines);
  current.current = lines;
  const spans = useRef(alarms);
  spans.current = alarms;
  const theme = useChartTheme();
  const data = toAligned(lines);
  const shape = lines.map((l) => `${l.label}:${l.unit ?? ''}:${l.bucketMs === null ? 'raw' : 'b'}`).join('|');

  // The plot is made once per shape and theme; data and ranges are pushed into it below. Made in the
  // commit (a layout effect) so the first data is drawn in the same frame, before the rest of the page's
  // effects (its queries) run.
  useLayoutEffect(() => {
    const el = holder.current;
    if (!el) return;
    const u = new uPlot(options(lines, theme, el.clientWidth || 600, height, syncKey, compact, zoom, tip, current, spans), data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series set, theme or size changes: data alone goes through setData.
  }, [shape, theme, height, syncKey, compact]);

  const shown = useRef<number[][]>([]);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData(data, false);
    u.setScale('x', { min: from, max: to });
    // New data (not a re-render of the same) under a resting cursor: the old tooltip no longer describes what is drawn.
    if (lines.some((l, i) => l.t !== shown.current[i]) && tip.current) tip.current.hidden = true;
    shown.current = lines.map((l) => l.t);
  });

  const summary = summarise(lines);
  return (
    <div
      className={`time-chart${compact ? ' compact' : ''}`}
      role="img"
      aria-label={`${label}: ${summary.points} points from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}${summary.points ? `, values ${formatValue(summary.min)} to ${formatValue(summary.max)}` : ''}`}
      data-testid="time-chart"
      data-points={summary.points}
      data-gaps={summary.gaps}
      data-from={from}
      data-to={to}
      data-first-t={summary.firstT}
      data-last-t={summary.lastT}
      data-min={summary.min}
      data-max={summary.max}
      data-sum={summary.sum}
      data-bucket-ms={lines[0]?.bucketMs ?? 0}
      data-alarm-bands={alarms.length}
    >
      <div ref={holder} />
      <div ref={tip} className="chart-tip" hidden />
    </div>
  );
}

function toAligned(lines: ChartLine[]): uPlot.AlignedData {
  if (lines.length === 1) {
    const l = lines[0]!;
    return [l.t, l.mean, l.min, l.max];
  }
  // Several variables on one chart: one time axis, each keeping its own gaps (nulls) while
  // the times only another variable has are skipped over (undefined).
  const tables = lines.map((l) => [l.t, l.mean, l.min, l.max] as uPlot.AlignedData);
  return uPlot.join(tables, lines.map(() => [1, 1, 1]));
}

function summarise(lines: ChartLine[]) {
  let points = 0;
  let gaps = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let firstT = Infinity;
  let lastT = -Infinity;
  for (const l of lines) {
    l.mean.forEach((v, i) => {
      if (v === null) {
        gaps += 1;
        return;
      }
      points += 1;
      sum += v;
      min = Math.min(min, l.min[i] ?? v);
      max = Math.max(max, l.max[i] ?? v);
      firstT = Math.min(firstT, l.t[i]!);
      lastT = Math.max(lastT, l.t[i]!);
    });
  }
  return points ? { points, gaps, min, max, sum, firstT, lastT } : { points, gaps, min: 0, max: 0, sum: 0, firstT: 0, lastT: 0 };
}

function options(
  lines: ChartLine[],
  theme: ChartTheme,
  width: number,
  height: number,
  syncKey: string | undefined,
  compact: boolean,
  zoom: { current: ((from: number, to: number) => void) | undefined },
  tip: { current: HTMLDivElement | null },
  current: { current: ChartLine[] },
  spans: { current: AlarmSpan[] },
): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  lines.forEach((l, i) => {
    const color = theme.palette[i % theme.palette.length]!;
    const base = 1 + i * 3;
    series.push({ label: l.label, stroke: color, width: compact ? 1.5 : 1.75, spanGaps: false, points: { show: (u, s, i0, i1) => i1 - i0 < 60 } });
    series.push({ label: `${l.label} min`, stroke: 'transparent', points: { show: false }, spanGaps: false });
    series.push({ label: `${l.label} max`, stroke: 'transparent', points: { show: false }, spanGaps: false });
    bands.push({ series: [base + 2, base + 1], fill: withAlpha(color, 0.18) });
  });
  const units = [...new Set(lines.map((l) => l.unit).filter(Boolean))];
  const axis = { stroke: theme.muted, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, font: '12px system-ui, sans-serif' };
  return {
    width,
    height,
    ms: 1,
    legend: { show: false },
    padding: compact ? [4, 4, 0, 0] : [10, 12, 0, 0],
    series,
    bands,
    scales: { x: { time: true }, y: { auto: true } },
    axes: compact
      ? [{ show: false }, { show: false }]
      : [
          { ...axis, space: 60 },
          { ...axis, label: units.join(', ') || undefined, labelFont: '12px system-ui, sans-serif', size: 56, values: (_u, values) => values.map((v) => formatValue(v)) },
        ],
    cursor: {
      ...(syncKey ? { sync: { key: syncKey } } : {}),
      drag: { x: !compact, y: false, setScale: false },
      points: { size: 7 },
    },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 3 || !zoom.current) return;
          const from = Math.round(u.posToVal(u.select.left, 'x'));
          const to = Math.round(u.posToVal(u.select.left + u.select.width, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (to > from) zoom.current(from, to);
        },
      ],
      setCursor: [(u) => showTip(u, current.current, tip.current)],
      drawClear: [(u) => drawAlarmBands(u, spans.current)],
      // bench/console measures navigation -> first chart drawn with data from this mark.
      draw: [
        (u) => {
          if (u.data[0].length > 0 && performance.getEntriesByName('outpost:chart-drawn').length === 0) performance.mark('outpost:chart-drawn');
        },
      ],
    },
  };
}

/** The tooltip: exact time and values of the entry under the cursor (min, max, mean, last and count for a bucket). */
function showTip(u: uPlot, lines: ChartLine[], el: HTMLDivElement | null): void {
  if (!el) return;
  const idx = u.cursor.idx;
  const left = u.cursor.left ?? -1;
  if (idx === null || idx === undefined || left < 0) {
    el.hidden = true;
    return;
  }
  const t = u.data[0][idx]!;
  const rows = lines.map((l, i) => {
    const mean = u.data[1 + i * 3]![idx];
    if (mean === null || mean === undefined) return `<div><b>${escape(l.label)}</b> no data</div>`;
    const unit = l.unit ? ` ${escape(l.unit)}` : '';
    if (l.bucketMs === null) return `<div><b>${escape(l.label)}</b> ${formatValue(mean)}${unit}</div>`;
    const j = l.t.indexOf(t);
    const detail = j >= 0 ? ` · min ${formatValue(l.min[j]!)} · max ${formatValue(l.max[j]!)} · last ${formatValue(l.last[j]!)} · ${l.count[j]} readings` : '';
    return `<div><b>${escape(l.label)}</b> mean ${formatValue(mean)}${unit}${detail}</div>`;
  });
  const bucket = lines.find((l) => l.bucketMs !== null)?.bucketMs;
  el.innerHTML = `<div class="tip-time">${escape(timeText(t))}${bucket ? ` + ${escape(duration(bucket))}` : ''}</div>${rows.join('')}`;
  el.hidden = false;
  const box = el.parentElement!.getBoundingClientRect();
  const over = u.over.getBoundingClientRect();
  const x = over.left - box.left + left;
  // Right of the cursor, or left of it where it would run off the chart.
  const px = x + 12 + el.offsetWidth > box.width ? Math.max(0, x - el.offsetWidth - 12) : x + 12;
  el.style.left = `${px}px`;
  el.style.top = `${Math.max(0, over.top - box.top + (u.cursor.top ?? 0) - el.offsetHeight - 10)}px`;
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
