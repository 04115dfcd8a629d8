import { z } from 'zod';

/**
 * The hub's map tile server (docs/HISTORY.md, "Map tiles"): a slippy-map URL
 * template such as `https://tiles.example.org/{z}/{x}/{y}.png`. Its origin is
 * the one image source the console's Content-Security-Policy adds, so the
 * template must name exactly one origin: https, a plain host name or IPv4
 * address (no wildcard, no `{s}` subdomains, no IPv6 literal: CSP host sources
 * cannot express those), an optional port, no user name or password.
 */
const hostLabel = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const plainHost = new RegExp(`^${hostLabel}(?:\\.${hostLabel})*$`);
const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** `https://` AUTHORITY `/` PATH-AND-QUERY; no fragment, nothing a browser would re-encode. */
const templateShape = /^https:\/\/([^/?#{}\s]+)\/[^\s"'<>\\#]*$/i;
const placeholders = ['{z}', '{x}', '{y}'] as const;

/** Host and port of a template's authority, lower-cased; null when it is not one plain origin. */
function authorityOf(template: string): { host: string; port: number | null } | { problem: string } {
  if (/^http:/i.test(template)) return { problem: 'the map tile server must use https:// (the console is served over HTTPS: http tiles would be blocked as mixed content)' };
  const authority = templateShape.exec(template)?.[1];
  if (authority === undefined) return { problem: 'the map tile server must be an https:// URL with a host and a path, without spaces, quotes or a #fragment' };
  if (authority.includes('@')) return { problem: 'the map tile server URL must not contain a user name or password' };
  const [, host = '', port] = /^([^:]*)(?::(\d{1,5}))?$/.exec(authority.toLowerCase()) ?? [];
  const lastLabel = host.split('.').pop() ?? '';
  const hostOk = plainHost.test(host) && (!/^\d+$/.test(lastLabel) || ipv4.test(host));
  if (!hostOk) return { problem: 'the map tile server host must be a plain host name or IPv4 address (no wildcard, IPv6 literal, {s} subdomain or user name)' };
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return { problem: 'the map tile server port must be from 1 to 65535' };
  return { host, port: port === undefined ? null : Number(port) };
}

/** Why a template is refused, or null when it is usable. Shared by the contract, the CLI and the CSP builder. */
export function tileTemplateProblem(template: string): string | null {
  const authority = authorityOf(template);
  if ('problem' in authority) return authority.problem;
  for (const p of placeholders) {
    const count = template.split(p).length - 1;
    if (count !== 1) return `the map tile server URL must contain ${p} exactly once (like https://tiles.example.org/{z}/{x}/{y}.png)`;
  }
  if (/\{(?![zxy]\})/.test(template)) return 'the map tile server URL may contain only the placeholders {z}, {x} and {y}';
  return null;
}

/**
 * The origin (scheme, host, port) a usable template loads from, as a browser
 * serialises it (lower case, no default port); null when the template is empty or refused.
 */
export function tileOrigin(template: string): string | null {
  if (template === '' || tileTemplateProblem(template) !== null) return null;
  const { host, port } = authorityOf(template) as { host: string; port: number | null };
  return `https://${host}${port === null || port === 443 ? '' : `:${port}`}`;
}

/** A tile template as stored and sent: '' (no tile server) or a usable template. */
export const tileTemplateSchema = z
  .string()
  .trim()
  .max(300, 'the map tile server URL is at most 300 characters')
  .superRefine((value, ctx) => {
    const problem = value === '' ? null : tileTemplateProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Shown on the widget under the tiles; plain text (React escapes it), one line. */
export const tileAttributionSchema = z
  .string()
  .trim()
  .max(200, 'the attribution is at most 200 characters')
  .regex(/^[^\p{Cc}]*$/u, 'the attribution is one line of text, without control characters');

export const mapTilesSchema = z.object({ url: tileTemplateSchema, attribution: tileAttributionSchema }).strict();
export type MapTiles = z.output<typeof mapTilesSchema>;

export const noMapTiles: MapTiles = { url: '', attribution: '' };

/** The `{z}/{x}/{y}` of one tile filled in. */
export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

/** The meta element of a console page naming the tile origin its CSP allows ('' = none): console/security-headers.ts writes it. */
export const tileOriginMeta = 'outpost-tile-origin';

/** What a position widget draws under its track. */
export type TileChoice = { kind: 'tiles'; template: string; attribution: string } | { kind: 'grid'; note: string | null };

export const tilesNotSetNote = 'No map tile server is set for this hub; an administrator sets it in Settings.';

/**
 * A widget's background: the coordinate grid unless it asks for the hub's map
 * tiles and the hub has a tile server. A widget saved with a tile URL of its
 * own (before the hub-wide setting) keeps it when it is on the hub's tile
 * server's origin, the only one the CSP allows; any other falls back to the grid, saying why.
 * `pageOrigin` is the tile origin this page's own CSP allows (tileOriginMeta).
 */
export function tileChoice(widget: { background?: 'grid' | 'tiles' | undefined; tileUrl?: string | undefined }, hub: MapTiles | null, pageOrigin: string | null): TileChoice {
  const choice = chosenTiles(widget, hub);
  // The page was opened before the tile server was set or changed: its CSP would block these tiles.
  if (choice.kind === 'tiles' && tileOrigin(choice.template) !== pageOrigin) return { kind: 'grid', note: 'The map tile server was set after this page was opened; reload the page to see the map.' };
  return choice;
}

function chosenTiles(widget: { background?: 'grid' | 'tiles' | undefined; tileUrl?: string | undefined }, hub: MapTiles | null): TileChoice {
  const hubOrigin = hub ? tileOrigin(hub.url) : null;
  if (widget.background === 'tiles') return hub && hubOrigin ? { kind: 'tiles', template: hub.url, attribution: hub.attribution } : { kind: 'grid', note: tilesNotSetNote };
  if (widget.background === 'grid' || !widget.tileUrl) return { kind: 'grid', note: null };
  if (hub && hubOrigin !== null && tileOrigin(widget.tileUrl) === hubOrigin) return { kind: 'tiles', template: widget.tileUrl, attribution: hub.attribution };
  return { kind: 'grid', note: 'This widget names a tile server the hub does not allow; an administrator sets the map tile server in Settings.' };
}
