import { HubError } from '../../errors';
import type { Db } from '../database';
import { m0001Foundation } from './0001-foundation';
import { m0002Ingest } from './0002-ingest';
import { m0003Aaa } from './0003-aaa';
import { m0004Sync } from './0004-sync';
import { m0005Broker } from './0005-broker';
import { m0006Access } from './0006-access';
import { m0007SyncOrganisations } from './0007-sync-organisations';
import { m0008History } from './0008-history';
import { m0009Alarms } from './0009-alarms';
import { m0010Retention } from './0010-retention';
import { m0011Refusals } from './0011-refusals';
import { m0013Erasure } from './0013-erasure';
import { m0014Integrations } from './0014-integrations';
import { m0015QuietHours } from './0015-quiet-hours';
import { m0016DeviceHealth } from './0016-device-health';
import { m0017SyncReceivedAge } from './0017-sync-received-age';
import { m0018SyncAlarms } from './0018-sync-alarms';
import type { Migration } from './types';

export type { Migration };

/** Append only. A released migration is never edited: add a new one. */
export const migrations: readonly Migration[] = [m0001Foundation, m0002Ingest, m0003Aaa, m0004Sync, m0005Broker, m0006Access, m0007SyncOrganisations, m0008History, m0009Alarms, m0010Retention, m0011Refusals, m0013Erasure, m0014Integrations, m0015QuietHours, m0016DeviceHealth, m0017SyncReceivedAge, m0018SyncAlarms];

export function checkRegistry(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    const previous = i === 0 ? 0 : list[i - 1]!.version;
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration ${m.name} has version ${m.version}; versions must increase (previous ${previous})`);
    }
  });
}

export function newestVersion(list: readonly Migration[] = migrations): number {
  return list.at(-1)?.version ?? 0;
}

export const latestVersion = newestVersion();

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to date, one transaction per migration so that a crash
 * leaves the database at a whole version. Refuses a database written by a newer
 * Outpost: running old code on it could lose data.
 */
export function migrate(db: Db, list: readonly Migration[] = migrations): { from: number; to: number } {
  checkRegistry(list);
  const from = schemaVersion(db);
  const newest = newestVersion(list);
  if (from > newest) {
    throw new HubError(
      'DB_NEWER_VERSION',
      `The database was written by a newer version of Outpost (schema ${from}; this version knows up to ${newest}).`,
      'Install the newer Outpost again, or restore a backup made by this version. The data has not been touched.',
    );
  }
  for (const m of list.filter((x) => x.version > from)) {
    db.transaction(() => {
      m.up(db);
      // user_version is an integer from our own registry, not input.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: newest };
}
