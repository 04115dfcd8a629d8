import { useEffect, useState, type RefObject } from 'react';

/** The element's width in CSS pixels, kept current. */
export function useWidth(ref: RefObject<HTMLElement | null>, initial = 800): number {
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || initial);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth || initial));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, initial]);
  return width;
}

/** A chart asks for about one point per pixel, in steps of 50 so a small resize does not refetch. */
export function pointsFor(width: number): number {
  return Math.min(2000, Math.max(100, Math.round(width / 50) * 50));
}

/**
 * The width a page's chart column will have (main: at most 1240 px, padded 24 px
 * a side, 12 below 600 px), known before layout so the first query can ask
 * for the right number of points.
 */
export function initialChartWidth(): number {
  const viewport = document.documentElement.clientWidth || window.innerWidth;
  return Math.min(viewport, 1240) - (viewport <= 600 ? 24 : 48);
}
