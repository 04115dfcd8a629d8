import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { raiseAlarm } from '../../src-main/alarms/queries/alarms';
import { insertRule } from '../../src-main/alarms/queries/rules';
import { ruleSpecSchema } from '../../src-shared/alarm-rule';
import { tempDir } from '../helpers/tmp';

test('migration 0009 on version 8 data: existing devices and readings stay; one open alarm per rule and device; alarms outlive their rule', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, migrations.filter((m) => m.version <= 8));
    const deviceId = Number(db.prepare("INSERT INTO devices (org_id, label, name, created_at) VALUES (1, 'old', 'Old', 0)").run().lastInsertRowid);
    const v = Number(db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 't', 0)").run(deviceId).lastInsertRowid);
    db.prepare('INSERT INTO readings (variable_id, ts, value, received_at) VALUES (?, 1, 21.5, 1)').run(v);

    assert.deepEqual(migrate(db, migrations.filter((m) => m.version <= 9)), { from: 8, to: 9 });
    assert.equal(schemaVersion(db), 9);
    assert.equal((db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n, 1);

    const spec = ruleSpecSchema.parse({ scope: { kind: 'device', deviceId }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 30 }] });
    const ruleId = insertRule(db, { orgId: 1, name: 'hot', enabled: true, spec, createdBy: 'cli:test', now: 1 });
    const raise = { orgId: 1, ruleId, ruleName: 'hot', deviceId, variable: 't', severity: 'major' as const, at: 2, value: 31 };
    const id = raiseAlarm(db, raise);
    assert.equal(raiseAlarm(db, { ...raise, severity: 'critical', at: 3 }), id, 'a repeat updates the open alarm');
    assert.throws(() => db.prepare("INSERT INTO alarms (org_id, rule_id, rule_name, device_id, severity, state, started_at, severity_history) VALUES (1, ?, 'hot', ?, 'major', 'active', 4, '[]')").run(ruleId, deviceId), /UNIQUE/);
    const history = JSON.parse((db.prepare('SELECT severity_history AS h FROM alarms WHERE id = ?').get(id) as { h: string }).h) as unknown[];
    assert.deepEqual(history, [{ severity: 'major', at: 2 }, { severity: 'critical', at: 3 }]);

    db.prepare('DELETE FROM alarm_rules WHERE id = ?').run(ruleId);
    const kept = db.prepare('SELECT rule_id AS ruleId, rule_name AS name FROM alarms WHERE id = ?').get(id) as { ruleId: number | null; name: string };
    assert.deepEqual(kept, { ruleId: null, name: 'hot' }, 'the alarm stays in the history with its rule’s name');
    db.prepare('DELETE FROM devices WHERE id = ?').run(deviceId);
    assert.equal((db.prepare('SELECT count(*) AS n FROM alarms').get() as { n: number }).n, 0, 'a removed device takes its alarms');
  } finally {
    db.close();
  }
});
