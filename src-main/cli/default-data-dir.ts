import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-user data folder, as each platform expects it. */
export function defaultDataDir(): string {
  if (process.env.OUTPOST_DATA_DIR) return process.env.OUTPOST_DATA_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Outpost');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Outpost');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'outpost');
}
