import { useState } from 'react';
import { tileChoice, tileUrl as fillTile } from '../../src-shared/map-tiles';
import { ErrorNote } from '../components/ErrorNote';
import { formatValue } from '../lib/format';
import { pageTileOrigin } from '../lib/page-tiles';
import { useApiQuery } from '../lib/query';
import { rangeTimes, type ChartRange } from '../lib/series-query';

interface Point {
  ts: number;
  lat: number;
  lng: number;
}

/** Web Mercator (EPSG:3857) in tile units at zoom z: what slippy-map tile servers use. */
function mercator(p: { lat: number; lng: number }, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const lat = (Math.max(-85.05, Math.min(85.05, p.lat)) * Math.PI) / 180;
  return { x: ((p.lng + 180) / 360) * n, y: ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n };
}

/**
 * Where a device has been, from the lat/lng in its readings' context. By
 * default a track on a grid of coordinates (useful offline, on a ship or a
 * mine site); with `background: 'tiles'` the same track lies over the hub's
 * map tiles (mapTiles.get; the console's CSP allows that one origin), with
 * their attribution. Tiles that cannot be loaded (offline) give the grid back.
 */
export function PositionWidget({
  deviceId,
  variable,
  background,
  tileUrl,
  range,
  width,
  height,
}: {
  deviceId: number;
  variable: string;
  background?: 'grid' | 'tiles' | undefined;
  tileUrl?: string | undefined;
  range: ChartRange;
  width: number;
  height: number;
}) {
  const wantsTiles = background === 'tiles' || (background === undefined && tileUrl !== undefined);
  // A grid-only widget asks the hub nothing more: it stays usable offline.
  const hubTiles = useApiQuery('mapTiles.get', {}, { enabled: wantsTiles });
  const [failedTiles, setFailedTiles] = useState<ReadonlySet<string>>(new Set());
  const choice = hubTiles.state === 'ready' ? tileChoice({ background, tileUrl }, hubTiles.value, pageTileOrigin()) : { kind: 'grid' as const, note: null };
  const { from, to } = rangeTimes(range);
  // Rounded to the minute so a live range does not refetch on every render.
  const answer = useApiQuery('readings.positions', { deviceId, variable, from: Math.floor(from / 60_000) * 60_000, to: Math.ceil(to / 60_000) * 60_000, maxPoints: 500 }, { refreshMs: 60_000, keepPrevious: true });
  if (answer.state === 'error') return <ErrorNote error={answer} title="Could not load the positions." />;
  if (answer.state === 'loading') return <p className="muted">Loading…</p>;
  const points = answer.value.points;
  if (points.length === 0) return <p className="muted">No position in this range (readings need lat and lng in their context).</p>;
  const w = Math.max(120, width);
  const h = Math.max(100, height - 24);
  // The zoom level at which the track fits, for tiles; without tiles the same projection keeps shapes true.
  const spanOf = (z: number) => {
    const xs = points.map((p) => mercator(p, z));
    return { xs, minX: Math.min(...xs.map((p) => p.x)), maxX: Math.max(...xs.map((p) => p.x)), minY: Math.min(...xs.map((p) => p.y)), maxY: Math.max(...xs.map((p) => p.y)) };
  };
  let z = 18;
  while (z > 1) {
    const s = spanOf(z);
    if ((s.maxX - s.minX) * 256 < w * 0.8 && (s.maxY - s.minY) * 256 < h * 0.8) break;
    z -= 1;
  }
  const s = spanOf(z);
  const cx = (s.minX + s.maxX) / 2;
  const cy = (s.minY + s.maxY) / 2;
  const px = (p: { x: number; y: number }) => [(p.x - cx) * 256 + w / 2, (p.y - cy) * 256 + h / 2] as const;
  const track = s.xs.map((p) => px(p).map((v) => v.toFixed(1)).join(',')).join(' ');
  const last = points[points.length - 1]! as Point;
  const [lx, ly] = px(s.xs[s.xs.length - 1]!);
  const tiles: { key: string; url: string; x: number; y: number }[] = [];
  if (choice.kind === 'tiles') {
    const n = 2 ** z;
    for (let tx = Math.floor(cx - w / 512) - 1; tx <= Math.floor(cx + w / 512) + 1; tx++) {
      for (let ty = Math.floor(cy - h / 512) - 1; ty <= Math.floor(cy + h / 512) + 1; ty++) {
        if (ty < 0 || ty >= n) continue;
        const wrapped = ((tx % n) + n) % n;
        tiles.push({ key: `${tx}/${ty}`, url: fillTile(choice.template, z, wrapped, ty), x: (tx - cx) * 256 + w / 2, y: (ty - cy) * 256 + h / 2 });
      }
    }
  }
  // Every tile failed (offline, server down): the grid is drawn instead, so the track still has coordinates.
  const lastText = `Last: ${last.lat.toFixed(5)}, ${last.lng.toFixed(5)} at ${new Date(last.ts).toLocaleString()} · ${formatValue(points.length)} positions`;
  const unreachable = tiles.length > 0 && tiles.every((t) => failedTiles.has(t.url));
  const onTiles = tiles.length > 0 && !unreachable;
  const note = choice.kind === 'grid' ? choice.note : unreachable ? 'The map tiles could not be loaded; showing the coordinate grid.' : null;
  const grid = gridLines(points, 4);
  // A longitude label needs about 56 px: on a narrow widget only every second or third is written.
  const lngStep = grid.lngs.length > 1 ? Math.abs(px(mercator({ lat: 0, lng: grid.lngs[1]! }, z))[0] - px(mercator({ lat: 0, lng: grid.lngs[0]! }, z))[0]) : 100;
  const every = Math.max(1, Math.ceil(56 / Math.max(1, lngStep)));
  return (
    <div className="position-widget" data-testid="position" data-points={points.length} data-background={onTiles ? 'tiles' : 'grid'}>
      <div className="position-map" style={{ width: w, height: h }}>
        {onTiles &&
          tiles.map((t) => (
            <img
              key={t.key}
              className="map-tile"
              data-testid="map-tile"
              src={t.url}
              alt=""
              width={256}
              height={256}
              draggable={false}
              referrerPolicy="no-referrer"
              style={{ left: t.x, top: t.y }}
              onError={() => setFailedTiles((failed) => new Set(failed).add(t.url))}
            />
          ))}
        <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Track of ${points.length} positions; last at ${last.lat.toFixed(5)}, ${last.lng.toFixed(5)}`}>
          {!onTiles &&
            grid.lats.map((lat) => {
              const [, y] = px(mercator({ lat, lng: 0 }, z));
              return (
                <g key={`lat${lat}`} className="geo-grid">
                  <line x1={0} x2={w} y1={y} y2={y} />
                  <text x={4} y={y - 3}>
                    {lat.toFixed(grid.digits)}°
                  </text>
                </g>
              );
            })}
          {!onTiles &&
            grid.lngs.map((lng, i) => {
              const [x] = px(mercator({ lat: 0, lng }, z));
              return (
                <g key={`lng${lng}`} className="geo-grid">
                  <line y1={0} y2={h} x1={x} x2={x} />
                  {i % every === 0 && (
                    <text x={x + 3} y={h - 4}>
                      {lng.toFixed(grid.digits)}°
                    </text>
                  )}
                </g>
              );
            })}
          <polyline points={track} className="geo-track" />
          <circle cx={lx} cy={ly} r={5} className="geo-last" />
        </svg>
        {onTiles && choice.kind === 'tiles' && choice.attribution && (
          <div className="map-attribution" data-testid="map-attribution">
            {choice.attribution}
          </div>
        )}
        {note && (
          <div className="map-note" data-testid="position-note">
            {note}
          </div>
        )}
      </div>
      {/* One line (the map's height leaves room for one): the whole text is in its title. */}
      <div className="muted small position-last" title={lastText}>
        {lastText}
      </div>
    </div>
  );
}

/** Round coordinate lines across the track's extent. */
function gridLines(points: Point[], count: number): { lats: number[]; lngs: number[]; digits: number } {
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const span = Math.max(Math.max(...lats) - Math.min(...lats), Math.max(...lngs) - Math.min(...lngs), 1e-4);
  const step = 10 ** Math.floor(Math.log10(span / count));
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const lines = (xs: number[]) => {
    const out: number[] = [];
    for (let v = Math.floor(Math.min(...xs) / step - 2) * step; v <= Math.max(...xs) + 2 * step && out.length < 30; v += step) out.push(Number(v.toFixed(digits)));
    return out;
  };
  return { lats: lines(lats), lngs: lines(lngs), digits };
}
