import { useState, type FormEvent } from 'react';
import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import type { ChartRange } from '../lib/series-query';
import { rangeTimes } from '../lib/series-query';
import { localInput, presetRange, presets, presetText } from './ranges';

export interface RangeState {
  range: ChartRange;
  /** The preset in force, or null after a zoom, pan or custom range. */
  preset: RangePreset | null;
}

/** Presets, a custom range, pan and reset: the controls above a chart or a dashboard. */
export function RangeBar({ state, onChange, resetTo }: { state: RangeState; onChange: (s: RangeState) => void; resetTo: RangePreset }) {
  const [custom, setCustom] = useState(false);
  const { from, to } = rangeTimes(state.range);
  const [fromText, setFromText] = useState(localInput(from));
  const [toText, setToText] = useState(localInput(to));
  const [error, setError] = useState<string | null>(null);
  const pan = (direction: -1 | 1) => {
    const shift = Math.round(((to - from) / 2) * direction);
    onChange({ range: { kind: 'fixed', from: from + shift, to: to + shift }, preset: null });
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = new Date(fromText).getTime();
    const t = new Date(toText).getTime();
    if (!Number.isFinite(f) || !Number.isFinite(t) || f >= t) {
      setError('Choose a start before the end.');
      return;
    }
    setError(null);
    setCustom(false);
    onChange({ range: { kind: 'fixed', from: f, to: t }, preset: null });
  };
  return (
    <div className="range-bar" role="toolbar" aria-label="Time range">
      <div className="segmented">
        {presets.map((p) => (
          <button key={p} type="button" aria-pressed={state.preset === p} onClick={() => onChange({ range: presetRange(p), preset: p })}>
            {presetText[p]}
          </button>
        ))}
      </div>
      <div className="range-actions">
        <button type="button" onClick={() => pan(-1)} aria-label="Earlier" title="Earlier (half a range)">
          ◀
        </button>
        <button type="button" onClick={() => pan(1)} aria-label="Later" title="Later (half a range)">
          ▶
        </button>
        <button type="button" onClick={() => onChange({ range: presetRange(resetTo), preset: resetTo })} disabled={state.preset === resetTo}>
          Reset
        </button>
        <button
          type="button"
          aria-expanded={custom}
          onClick={() => {
            setFromText(localInput(from));
            setToText(localInput(to));
            setCustom(!custom);
          }}
        >
          Custom…
        </button>
      </div>
      {custom && (
        <form className="form-inline custom-range" onSubmit={apply}>
          <label>
            From
            <input type="datetime-local" value={fromText} onChange={(e) => setFromText(e.target.value)} required />
          </label>
          <label>
            To
            <input type="datetime-local" value={toText} onChange={(e) => setToText(e.target.value)} required />
          </label>
          <button type="submit" className="primary">
            Show
          </button>
          {error && <span className="error">{error}</span>}
        </form>
      )}
      <span className="muted small range-text" data-testid="range-text">
        {new Date(from).toLocaleString()} – {state.range.kind === 'live' ? 'now' : new Date(to).toLocaleString()}
      </span>
    </div>
  );
}
