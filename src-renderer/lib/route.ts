import { useEffect, useState } from 'react';

/** The hash route's parts: `#/devices/3` -> ['devices', '3']. */
export function readRoute(): string[] {
  return window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

/** Hash routes (#/devices/3): they work the same from the HTTPS console and from a file in Electron. */
export function useRoute(): string[] {
  const [parts, setParts] = useState(readRoute);
  useEffect(() => {
    const onChange = () => setParts(readRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export function href(...parts: (string | number)[]): string {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
}

export function navigate(...parts: (string | number)[]): void {
  window.location.hash = href(...parts);
}
