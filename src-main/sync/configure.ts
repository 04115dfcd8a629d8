import type { SyncConfigureInput } from '../../src-shared/api/areas/sync';
import { nextReadingId } from '../history/queries/readings';
import type { Db } from '../store/database';
import { saveSyncPassword, type CredentialPlace } from './credentials';
import { queueHistory } from './queries/sync-outbox';
import { loadSyncSettings, mergeSyncSettings, saveSyncSettings, type StoredSyncSettings } from './settings';

export interface ConfigureResult {
  settings: StoredSyncSettings;
  switchedOn: boolean;
  /** Earlier readings queued because this change switched sync on with `history: include`. */
  historyQueued: number;
}

/**
 * The one way sync settings change, for the console (`sync.configure`) and the
 * CLI (`outpost sync set`). The change is checked before anything is stored;
 * the password (bound to the URL and CA it goes with) is stored before the
 * settings that use it; the settings and any earlier readings they bring in
 * are written in one transaction. Which readings are queued is decided by the
 * pipeline's commit from the settings committed before it, so a reading
 * committed after this returns is queued whether or not a running hub has
 * noticed the change yet.
 */
export async function configureSync(db: Db, place: CredentialPlace, input: SyncConfigureInput, now = Date.now()): Promise<ConfigureResult> {
  const planned = mergeSyncSettings(loadSyncSettings(db), input, now, nextReadingId(db));
  if (input.password !== undefined) await saveSyncPassword(place, input.password, planned.settings);
  return db
    .transaction((): ConfigureResult => {
      // Again, inside the write lock: another process may have changed the settings while the keychain was written.
      const { settings, switchedOn, queueHistoryFrom } = mergeSyncSettings(loadSyncSettings(db), input, now, nextReadingId(db));
      const historyQueued = queueHistoryFrom === null ? 0 : queueHistory(db, queueHistoryFrom, settings.devices, settings.forwardSynced);
      saveSyncSettings(db, settings, now);
      return { settings, switchedOn, historyQueued };
    })
    .immediate();
}
