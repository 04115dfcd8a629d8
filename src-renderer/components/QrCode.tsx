import { create } from 'qrcode';
import { useMemo } from 'react';

/** A QR code drawn as one SVG path from the library's module matrix: no canvas, no data URL, nothing for the CSP to allow. */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const { path, modules } = useMemo(() => {
    const qr = create(text, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    let d = '';
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.modules.get(y, x)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
    return { path: d, modules: n + 8 };
  }, [text]);
  return (
    <svg role="img" aria-label={label} data-testid="connection-qr" width={size} height={size} viewBox={`0 0 ${modules} ${modules}`} shapeRendering="crispEdges">
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
