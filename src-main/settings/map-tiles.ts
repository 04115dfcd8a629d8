import { mapTilesSchema, noMapTiles, tileOrigin, type MapTiles } from '../../src-shared/map-tiles';
import type { Db } from '../store/database';
import { readSettingText, writeSetting } from './queries/settings';

/** Where the hub's map tile server is kept (the settings table; no migration needed). */
export const mapTilesKey = 'maps.tileServer';

/**
 * The stored map tile server, or none when unset or unreadable: a bad row must
 * never widen the console's CSP. Read for every console page, so through the
 * cached statement.
 */
export function readMapTiles(db: Db): MapTiles {
  let text: string | undefined;
  try {
    text = readSettingText(db, mapTilesKey);
  } catch {
    return noMapTiles;
  }
  if (text === undefined) return noMapTiles;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return noMapTiles;
  }
  const parsed = mapTilesSchema.safeParse(raw);
  return parsed.success ? parsed.data : noMapTiles;
}

export function writeMapTiles(db: Db, value: MapTiles, now: number): void {
  writeSetting(db, mapTilesKey, mapTilesSchema.parse(value), now);
}

export function mapTilesView(tiles: MapTiles): MapTiles & { origin: string | null } {
  return { ...tiles, origin: tileOrigin(tiles.url) };
}
