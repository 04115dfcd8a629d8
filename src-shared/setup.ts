/** The first-run setup code: five groups of four characters (no 0/O, 1/I look-alikes). */
export const setupCodePattern = /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){4}$/;

/** The console route that offers "Create the owner account" (a hash route: the code never reaches a server log). */
export function setupRoute(code: string): string {
  return `#/setup/${encodeURIComponent(code)}`;
}
