import type { ChartRoute } from './boot-route';

/**
 * The API calls index.html's inline script (early/early-boot.ts) sends while
 * the bundle is still downloading, for lib/boot.ts to hand to the query cache:
 * who the stored session is and, on a device page, the device and its charts'
 * series. Only the raw responses cross; lib/api.ts reads them like its own.
 */
export interface EarlyCalls {
  token: string;
  me: Promise<Response>;
  chart: { route: ChartRoute; device: Promise<Response>; series: Promise<Response> } | null;
}

declare global {
  interface Window {
    outpostEarly?: EarlyCalls;
  }
}

/** The early calls made with this token, taken once (a later sign-in must not reuse them). */
export function takeEarlyCalls(token: string): EarlyCalls | null {
  const early = window.outpostEarly;
  delete window.outpostEarly;
  return early && early.token === token ? early : null;
}
