import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, freshness, freshnessOf, splitList } from '../../src-renderer/lib/format';

test('a device is online, then stale, then offline as its last message ages', () => {
  const now = Date.UTC(2026, 10, 22, 12);
  assert.equal(freshnessOf(null, now), 'never');
  assert.equal(freshnessOf(now - 1000, now), 'online');
  assert.equal(freshnessOf(now - freshness.staleAfterMs, now), 'online');
  assert.equal(freshnessOf(now - freshness.staleAfterMs - 1, now), 'stale');
  assert.equal(freshnessOf(now - freshness.offlineAfterMs, now), 'stale');
  assert.equal(freshnessOf(now - freshness.offlineAfterMs - 1, now), 'offline');
  // A device clock ahead of the hub's is still "just now", not a negative age.
  assert.equal(ago(now + 60_000, now), 'just now');
  assert.equal(ago(now - 90_000, now), '1 min ago');
  assert.equal(ago(now - 3 * 86_400_000, now), '3 d ago');
});

test('list fields take one entry per line or comma-separated, ignoring blanks', () => {
  assert.deepEqual(splitList(' 10.0.0.0/8,\n\n192.168.1.0/24 , '), ['10.0.0.0/8', '192.168.1.0/24']);
  assert.deepEqual(splitList(''), []);
});
