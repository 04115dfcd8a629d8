import type { Migration } from './types';

/**
 * Integration MQTT access (issue 15, docs/INTEGRATIONS.md): an app token may
 * carry MQTT topic patterns, one JSON list for SUBSCRIBE and one for PUBLISH
 * (Mosquitto-style `+`, `#`, `%c`, `%u`). Existing apps get none: they keep
 * no MQTT access, as before. Frozen SQL, no domain imports.
 */
export const m0014Integrations: Migration = {
  version: 14,
  name: 'integrations',
  up(db) {
    db.exec(`
      ALTER TABLE apps ADD COLUMN mqtt_subscribe TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE apps ADD COLUMN mqtt_publish TEXT NOT NULL DEFAULT '[]';
    `);
  },
};
