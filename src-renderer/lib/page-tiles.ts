import { tileOriginMeta } from '../../src-shared/map-tiles';

/**
 * The map tile origin this page's Content-Security-Policy allows, as the hub
 * wrote it into the page it served (null: none, or a page the hub did not
 * serve, such as the development server's).
 */
export function pageTileOrigin(): string | null {
  return document.querySelector(`meta[name="${tileOriginMeta}"]`)?.getAttribute('content') || null;
}
