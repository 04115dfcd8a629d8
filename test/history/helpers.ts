import assert from 'node:assert/strict';
import type { Db } from '../../src-main/store/database';
import { rollupResolutions } from '../../src-main/history/rollup-buckets';
import { allBuckets } from '../../src-main/history/queries/rollups';

interface Row {
  id: number;
  variable_id: number;
  ts: number;
  value: number;
}

export interface Expected {
  count: number;
  sum: number;
  min: number;
  max: number;
  first: Row;
  last: Row;
}

/** A seeded generator (mulberry32): a failing run can be repeated with the seed it prints. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The rollups worked out the slow, obvious way from every stored reading:
 * first is the reading with the smallest (ts, id), last the largest.
 */
export function bruteForce(db: Db, variableId: number, ms: number): Map<number, Expected> {
  const rows = db.prepare('SELECT id, variable_id, ts, value FROM readings WHERE variable_id = ?').all(variableId) as Row[];
  const out = new Map<number, Expected>();
  const before = (a: Row, b: Row) => a.ts < b.ts || (a.ts === b.ts && a.id < b.id);
  for (const r of rows) {
    const bucket = Math.floor(r.ts / ms) * ms;
    const e = out.get(bucket);
    if (!e) out.set(bucket, { count: 1, sum: r.value, min: r.value, max: r.value, first: r, last: r });
    else {
      e.count += 1;
      e.sum += r.value;
      e.min = Math.min(e.min, r.value);
      e.max = Math.max(e.max, r.value);
      if (before(r, e.first)) e.first = r;
      if (before(e.last, r)) e.last = r;
    }
  }
  return out;
}

/** Every stored rollup bucket of the variable equals the brute-force one, and there are no others. */
export function assertRollupsMatch(db: Db, variableId: number): number {
  let checked = 0;
  for (const resolution of rollupResolutions) {
    const expected = bruteForce(db, variableId, resolution.ms);
    const stored = allBuckets(db, resolution, variableId);
    assert.deepEqual(stored.map((b) => b.bucket).sort((a, b) => a - b), [...expected.keys()].sort((a, b) => a - b), `${resolution.name}: the same buckets`);
    for (const b of stored) {
      const e = expected.get(b.bucket)!;
      const where = `${resolution.name} bucket ${new Date(b.bucket).toISOString()} of variable ${variableId}`;
      assert.equal(b.count, e.count, `${where}: count`);
      assert.ok(Math.abs(b.sum - e.sum) <= 1e-9 * Math.max(1, Math.abs(e.sum)), `${where}: sum ${b.sum} vs ${e.sum}`);
      assert.equal(b.min, e.min, `${where}: min`);
      assert.equal(b.max, e.max, `${where}: max`);
      assert.deepEqual([b.firstTs, b.firstValue], [e.first.ts, e.first.value], `${where}: first`);
      assert.deepEqual([b.lastTs, b.lastValue], [e.last.ts, e.last.value], `${where}: last`);
      checked += 1;
    }
  }
  return checked;
}
