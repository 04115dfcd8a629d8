import type { Migration } from './types';

/**
 * Alarms (issue 12): rules per organisation, alarms, the evaluator's delay
 * counters (so a restart in the middle of a delay raises on time) and the
 * notification outbox (docs/ALARMS.md).
 */
export const m0009Alarms: Migration = {
  version: 9,
  name: 'alarms',
  up(db) {
    db.exec(`
      CREATE TABLE alarm_rules (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        spec TEXT NOT NULL,            -- JSON: src-shared/alarm-rule.ts
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (org_id, name)
      ) STRICT;

      CREATE TABLE alarms (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        -- Kept when the rule is removed: the alarm's history outlives it.
        rule_id INTEGER REFERENCES alarm_rules(id) ON DELETE SET NULL,
        rule_name TEXT NOT NULL,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        variable TEXT,                 -- null for connectivity
        severity TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'cleared')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        value REAL,
        peak REAL,
        severity_history TEXT NOT NULL, -- JSON [{ severity, at }]
        acked_at INTEGER,
        acked_by TEXT,
        ack_comment TEXT,
        cleared_by TEXT,               -- null: cleared by its rule
        snoozed_until INTEGER
      ) STRICT;
      -- At most one open alarm per rule and device.
      CREATE UNIQUE INDEX alarms_open ON alarms (rule_id, device_id) WHERE state = 'active';
      CREATE INDEX alarms_by_org_time ON alarms (org_id, started_at);
      CREATE INDEX alarms_by_device ON alarms (device_id, started_at);

      CREATE TABLE alarm_states (
        rule_id INTEGER NOT NULL REFERENCES alarm_rules(id) ON DELETE CASCADE,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        state TEXT NOT NULL,           -- JSON: SlotState (src-main/alarms/engine.ts)
        PRIMARY KEY (rule_id, device_id)
      ) STRICT, WITHOUT ROWID;

      -- Where notifications go: a webhook or an email address list. Secrets (HMAC key, SMTP password) sealed.
      CREATE TABLE alarm_channels (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
        config TEXT NOT NULL,          -- JSON without secrets
        secret BLOB,                   -- sealed with the hub's key
        created_at INTEGER NOT NULL,
        UNIQUE (org_id, name)
      ) STRICT;

      -- The durable outbox: one row per notification and channel, retried with backoff until sent or given up.
      CREATE TABLE alarm_deliveries (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        alarm_id INTEGER NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES alarm_channels(id) ON DELETE CASCADE,
        event TEXT NOT NULL,           -- raise, escalate, remind, clear, ack
        payload TEXT NOT NULL,         -- JSON as sent
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
      ) STRICT;
      CREATE INDEX alarm_deliveries_due ON alarm_deliveries (status, next_at);
      CREATE INDEX alarm_deliveries_by_alarm ON alarm_deliveries (alarm_id);
    `);
  },
};
