import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorCode, errorMessage } from '../errors';

/** The desktop shell's own state (window size and position, LAN sharing), next to the database in the data directory. */
export function desktopStateFile(dataDir: string): string {
  return join(dataDir, 'desktop-state.json');
}

const length = z.number().int().min(1).max(100_000);
const coordinate = z.number().int().min(-100_000).max(100_000);
const rectSchema = z.object({ x: coordinate, y: coordinate, width: length, height: length });
export type Rect = z.infer<typeof rectSchema>;

/** The file is ours but lives on the user's disk: it is read as untrusted input. */
const desktopStateSchema = z
  .object({
    version: z.literal(1),
    bounds: rectSchema,
    maximized: z.boolean(),
    /** Whether the console listens on every interface (tray "Share console on the LAN"); off unless the user turned it on. */
    shareOnLan: z.boolean().default(false),
  })
  .strict();
export type DesktopState = z.infer<typeof desktopStateSchema>;

export const defaultSize = { width: 1280, height: 820 };
/** Smaller than this the console's navigation does not fit; a saved size below it is grown. */
export const minimumSize = { width: 480, height: 400 };
/** How much of the title bar must stay on a display for the user to grab and move the window. */
const grabbable = 100;

export interface LoadedDesktopState {
  state: DesktopState | null;
  /** Why a saved state was not used (unreadable, invalid); null when there was none or it was fine. */
  problem: string | null;
}

/** Reads the saved window state; a missing file is a first run, a bad one is reported and ignored (the window opens at its default). */
export function loadDesktopState(file: string): LoadedDesktopState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { state: null, problem: null };
    return { state: null, problem: `The saved desktop state ${file} cannot be read (${errorCode(err) ?? errorMessage(err)}); the window opens at its default size.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: null, problem: `The saved desktop state ${file} is not JSON; the window opens at its default size and the file is rewritten when it closes.` };
  }
  const parsed = desktopStateSchema.safeParse(json);
  if (!parsed.success) {
    return { state: null, problem: `The saved desktop state ${file} is not valid (${parsed.error.issues[0]?.path.join('.') || 'file'}: ${parsed.error.issues[0]?.message ?? 'invalid'}); the window opens at its default size.` };
  }
  return { state: parsed.data, problem: null };
}

/** Writes through a temporary file and a rename, so a crash mid-write leaves the previous state, never half a file. */
export function saveDesktopState(file: string, state: DesktopState): void {
  const valid = desktopStateSchema.parse(state);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(valid)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function centred(size: { width: number; height: number }, area: Rect): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

/**
 * Where the window opens, given the saved bounds and the work areas of the
 * displays connected now (Electron `screen.getAllDisplays()[].workArea`; the
 * first is the primary). A monitor unplugged since the last run, a resolution
 * lowered or a hand-edited file must never put the window where nobody can
 * see or grab it: it goes on the display it overlaps most, shrunk to fit,
 * with its title bar inside; with no overlap at all it is centred on the
 * primary display.
 */
export function placeWindow(saved: Rect | null, workAreas: readonly Rect[]): Rect {
  const primary = workAreas[0];
  if (!primary) return { x: 0, y: 0, ...(saved ? { width: saved.width, height: saved.height } : defaultSize) };
  if (!saved) return centred(defaultSize, primary);
  const size = { width: Math.max(saved.width, minimumSize.width), height: Math.max(saved.height, minimumSize.height) };
  let best: Rect | null = null;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const o = overlap({ ...saved, ...size }, area);
    if (o > bestOverlap) {
      best = area;
      bestOverlap = o;
    }
  }
  if (!best) return centred(size, primary);
  const width = Math.min(size.width, best.width);
  const height = Math.min(size.height, best.height);
  // Keep at least `grabbable` pixels of the title bar on the display horizontally, and the title bar itself below its top edge.
  const x = clamp(saved.x, best.x - width + Math.min(grabbable, width), best.x + best.width - Math.min(grabbable, width));
  const y = clamp(saved.y, best.y, best.y + best.height - Math.min(grabbable, height));
  return { x, y, width, height };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
