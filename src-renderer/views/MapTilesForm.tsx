import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { Field, FormActions } from '../components/Form';
import { Loading } from '../components/Loading';
import { api } from '../lib/api';
import { useAction, useApiQuery } from '../lib/query';

type MapTiles = ApiOutput<'mapTiles.get'>;

/**
 * The hub's map tile server for position widgets (mapTiles.set, hub owner,
 * audited). Its origin is the one image source the console's CSP adds, from
 * the next page load on.
 */
export function MapTilesSection() {
  const tiles = useApiQuery('mapTiles.get', {});
  return (
    <section aria-labelledby="map-tiles-title" className="map-tiles-settings">
      <h2 id="map-tiles-title">Map tiles</h2>
      <Loading data={tiles} what="the map tile server">
        {(t) => <MapTilesForm tiles={t} />}
      </Loading>
    </section>
  );
}

function MapTilesForm({ tiles }: { tiles: MapTiles }) {
  const [url, setUrl] = useState(tiles.url);
  const [attribution, setAttribution] = useState(tiles.attribution);
  const [saved, setSaved] = useState<MapTiles | null>(null);
  const action = useAction();
  const current = saved ?? tiles;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    void action.run(async () => {
      const next = await api.call('mapTiles.set', { url: url.trim(), attribution: attribution.trim() });
      setUrl(next.url);
      setAttribution(next.attribution);
      setSaved(next);
    });
  };
  return (
    <form className="form-grid" onSubmit={submit} data-testid="map-tiles-form">
      <p className="muted">
        Position widgets can draw a device’s track over map tiles from a tile server you choose (your own, or a provider whose terms allow it). Without one they draw it on a
        coordinate grid, which works offline. The console then allows images from that server’s origin only:{' '}
        <strong data-testid="map-tiles-origin">{current.origin ?? 'none (images from the hub only)'}</strong>.
      </p>
      <Field label="Tile server URL" note="https, with {z}, {x} and {y}; empty for none">
        <input inputMode="url" spellCheck={false} autoComplete="off" value={url} maxLength={300} placeholder="https://tiles.example.org/{z}/{x}/{y}.png" onChange={(e) => setUrl(e.target.value)} />
      </Field>
      <Field label="Attribution" note="shown on the map; most tile servers require it">
        <input value={attribution} maxLength={200} placeholder="© OpenStreetMap contributors" onChange={(e) => setAttribution(e.target.value)} />
      </Field>
      {saved && (
        <p role="status" className="ok">
          Saved. {saved.origin ? `Pages loaded from now on allow map tiles from ${saved.origin}; reload open consoles to see them.` : 'No tile server: position widgets draw the coordinate grid.'}
        </p>
      )}
      <FormActions submit="Save map tiles" busy={action.busy} error={action.error} />
    </form>
  );
}
