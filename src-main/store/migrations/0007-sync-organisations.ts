import type { Migration } from './types';

/**
 * Sync keeps a site's organisations apart (format v2) and sets aside readings
 * that will never be taken (dead letters) instead of retrying them forever.
 */
export const m0007SyncOrganisations: Migration = {
  version: 7,
  name: 'sync-organisations',
  up(db) {
    db.exec(`
      -- Organisation side: which device of this hub holds the readings of
      -- (site, site organisation, site device label). The device's label here
      -- is chosen once and only looked up through this table, so two
      -- organisations of one site never share a device, whatever their labels.
      CREATE TABLE sync_site_devices (
        device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        site_ref INTEGER NOT NULL REFERENCES sync_sites(id) ON DELETE CASCADE,
        site_org TEXT NOT NULL,
        site_label TEXT NOT NULL,
        UNIQUE (site_ref, site_org, site_label)
      ) STRICT;

      -- Devices a format v1 site created were labelled "{site}.{label}" in the
      -- site's organisation here; v1 readings belong to the site's first
      -- organisation ("default"), and keep going to the same devices.
      INSERT INTO sync_site_devices (device_id, site_ref, site_org, site_label)
        SELECT d.id, s.id, 'default', substr(d.label, length(s.site_id) + 2)
        FROM sync_sites s JOIN devices d ON d.org_id = s.org_id
        WHERE substr(d.label, 1, length(s.site_id) + 1) = s.site_id || '.' AND length(d.label) > length(s.site_id) + 1;

      -- Site side: readings that will not be sent, with the reason. seq is the
      -- reading's outbox place (its stable id is "{hubId}:{seq}"): a refusal
      -- reported twice is kept once.
      CREATE TABLE sync_dead_letters (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        at INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('site', 'upstream')),
        reason TEXT NOT NULL,
        org TEXT,
        device TEXT,
        variable TEXT,
        ts INTEGER
      ) STRICT;

      -- The organisation a command was for (NULL: logged before format v2).
      ALTER TABLE sync_command_log ADD COLUMN org TEXT;
    `);
  },
};
