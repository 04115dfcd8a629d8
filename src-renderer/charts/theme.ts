import { useEffect, useState } from 'react';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  panel: string;
  palette: string[];
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function readTheme(): ChartTheme {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    text: css('--text') || (dark ? '#e3e8ee' : '#1c2430'),
    muted: css('--muted') || '#5d6877',
    grid: css('--border') || '#d8dde4',
    panel: css('--panel') || (dark ? '#161c24' : '#ffffff'),
    // Distinguishable in both themes and for the common colour-vision deficiencies (Okabe-Ito based).
    palette: dark ? ['#4c8dff', '#e69f00', '#56b4e9', '#f0e442', '#cc79a7', '#4ac26b', '#ff7b72', '#b4b4ff'] : ['#1f6feb', '#c76b00', '#0072b2', '#8a7a00', '#a23f86', '#1a7f37', '#c62828', '#5b4fcf'],
  };
}

/** The chart colours from the page's CSS, redrawn when the system switches between light and dark. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readTheme);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setTheme(readTheme());
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return theme;
}

/** `#1f6feb` -> `rgba(31,111,235,0.18)` for the min/max band. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
