import type { StoredReading } from '../ingest/pipeline/types';
import { readSettingText } from '../settings/queries/settings';
import type { Db } from '../store/database';
import { parseSyncSettings, syncSettingsKey } from './settings';

interface Scope {
  devices: Set<string> | null;
  forwardSynced: boolean;
}

/**
 * Which committed readings enter the outbox, decided inside the pipeline's
 * commit from the sync settings as committed in the same database, never from
 * a copy a running hub refreshes when it notices a change: `outpost sync set
 * --enable` in another process covers every reading committed after it,
 * however late the hub polls. The settings text is compared with the last one
 * seen and parsed only when it changed.
 */
export class OutboxScope {
  private text: string | undefined | null = null;
  private scope: Scope | null = null;

  constructor(private readonly db: Db) {}

  covers(r: StoredReading): boolean {
    return this.coversDevice(r.device, r.protocol === 'sync');
  }

  /** `fromSite`: the device holds readings received from a site (forwarded only with `forwardSynced`). */
  coversDevice(device: string, fromSite: boolean): boolean {
    const scope = this.current();
    if (!scope) return false;
    if (fromSite && !scope.forwardSynced) return false;
    return !scope.devices || scope.devices.has(device);
  }

  /** Null while sync is off or not configured. */
  private current(): Scope | null {
    const text = readSettingText(this.db, syncSettingsKey);
    if (text === this.text) return this.scope;
    this.text = text;
    this.scope = null;
    if (text === undefined) return null;
    try {
      const s = parseSyncSettings(JSON.parse(text));
      if (s.enabled) this.scope = { devices: s.devices ? new Set(s.devices) : null, forwardSynced: s.forwardSynced };
    } catch {
      // Runs on the writer thread: the hub's reload reports damaged settings in the sync status and the log.
      // Readings are not queued until the settings are set again.
    }
    return this.scope;
  }
}
