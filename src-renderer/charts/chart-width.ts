/** A chart asks for about one point per pixel, in steps of 50 so a small resize does not refetch. */
export function pointsFor(width: number): number {
  return Math.min(2000, Math.max(100, Math.round(width / 50) * 50));
}

/**
 * The width a page's chart column will have in a viewport this wide (main: at
 * most 1240 px, padded 24 px a side, 12 below 600 px), known before layout so
 * the first query can ask for the right number of points.
 */
export function chartWidthIn(viewport: number): number {
  return Math.min(viewport, 1240) - (viewport <= 600 ? 24 : 48);
}

/** The viewport's width in CSS pixels (also before the body exists: the inline boot script asks from <head>). */
export function viewportWidth(): number {
  return document.documentElement.clientWidth || window.innerWidth;
}

export function initialChartWidth(): number {
  return chartWidthIn(viewportWidth());
}
