import { formatValue } from '../lib/format';

interface Threshold {
  value: number;
  color: 'ok' | 'warn' | 'bad';
}

/** A half-circle gauge: coloured bands from the thresholds, a needle at the value. */
export function Gauge({ value, min, max, thresholds, unit, label }: { value: number | null; min: number; max: number; thresholds: Threshold[]; unit: string | null; label: string }) {
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const angle = (v: number) => Math.PI * (1 - (clamp(v) - min) / (max - min));
  const point = (v: number, r: number) => [60 + r * Math.cos(angle(v)), 60 - r * Math.sin(angle(v))] as const;
  const arc = (from: number, to: number) => {
    const [x1, y1] = point(from, 48);
    const [x2, y2] = point(to, 48);
    return `M ${x1} ${y1} A 48 48 0 0 1 ${x2} ${y2}`;
  };
  const sorted = [...thresholds].sort((a, b) => a.value - b.value);
  const bands = [{ value: min, color: 'ok' as const }, ...sorted].map((t, i, all) => ({ from: Math.max(min, t.value), to: i + 1 < all.length ? all[i + 1]!.value : max, color: t.color }));
  const current = value === null ? null : [...bands].reverse().find((b) => value >= b.from) ?? bands[0]!;
  const [nx, ny] = point(value ?? min, 40);
  return (
    <figure className="gauge" data-testid="gauge" data-value={value ?? ''}>
      <svg viewBox="0 0 120 70" role="img" aria-label={`${label}: ${value === null ? 'no value' : `${formatValue(value)}${unit ? ` ${unit}` : ''}`} on a scale from ${min} to ${max}`}>
        <path d={arc(min, max)} className="gauge-track" />
        {bands.filter((b) => b.to > b.from).map((b, i) => (
          <path key={i} d={arc(b.from, b.to)} className={`gauge-band ${b.color}`} />
        ))}
        {value !== null && <line x1="60" y1="60" x2={nx} y2={ny} className="gauge-needle" />}
        <circle cx="60" cy="60" r="3.5" className="gauge-hub" />
        <text x="10" y="69" className="gauge-scale">
          {formatValue(min)}
        </text>
        <text x="110" y="69" className="gauge-scale" textAnchor="end">
          {formatValue(max)}
        </text>
      </svg>
      <figcaption className={`gauge-value ${current?.color ?? ''}`}>
        {value === null ? '—' : formatValue(value)}
        {unit && <span className="unit"> {unit}</span>}
      </figcaption>
    </figure>
  );
}
