import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { hotp, totp, verifyTotp, base32 } from '../../src-main/access/totp';
import { hashPassword, verifyPassword } from '../../src-main/access/passwords';
import { addressAllowed, parseCidr } from '../../src-main/access/ip-allowlist';
import { originAllowed, redirectAllowed } from '../../src-main/access/origins';
import { AbuseControl } from '../../src-main/access/abuse-control';
import { HandlerRegistry } from '../../src-main/console/registry';
import { defineContract } from '../../src-shared/api/define';
import { accessOnTempDb, manualClock } from './helpers';

test('TOTP: RFC 6238 appendix B test vectors (SHA-1, SHA-256, SHA-512, 8 digits)', () => {
  const seeds = {
    sha1: Buffer.from('12345678901234567890'),
    sha256: Buffer.from('12345678901234567890123456789012'),
    sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [t, s1, s256, s512] of vectors) {
    assert.equal(totp(seeds.sha1, t, { digits: 8 }), s1, `sha1 at ${t}`);
    assert.equal(totp(seeds.sha256, t, { digits: 8, algorithm: 'sha256' }), s256, `sha256 at ${t}`);
    assert.equal(totp(seeds.sha512, t, { digits: 8, algorithm: 'sha512' }), s512, `sha512 at ${t}`);
  }
  // RFC 4226 appendix D: HOTP values for counters 0 and 9.
  assert.equal(hotp(seeds.sha1, 0n), '755224');
  assert.equal(hotp(seeds.sha1, 9n), '520489');
  // One step of drift either way is accepted, two are not.
  const code = totp(seeds.sha1, 1_000_000_000);
  assert.ok(verifyTotp(seeds.sha1, code, 1_000_000_000 + 30));
  assert.ok(!verifyTotp(seeds.sha1, code, 1_000_000_000 + 90));
  assert.ok(!verifyTotp(seeds.sha1, 'abcdef', 1_000_000_000));
  assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI'); // RFC 4648 section 10
});

test('passwords: scrypt with per-user salt and parameters in the hash; never the password itself', async () => {
  const a = await hashPassword('correct horse battery staple');
  const b = await hashPassword('correct horse battery staple');
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.ok(!a.includes('horse'));
  assert.equal(await verifyPassword('correct horse battery staple', a), true);
  assert.equal(await verifyPassword('correct horse battery stapler', a), false);
  assert.equal(await verifyPassword('anything', null), false, 'no stored hash never matches');
});

test('IP allowlists: IPv4 and IPv6 CIDR, IPv4-mapped peers, bad ranges refused', () => {
  assert.equal(addressAllowed([], '203.0.113.9'), true, 'an empty list allows everyone');
  assert.equal(addressAllowed(['10.0.0.0/8'], '10.20.30.40'), true);
  assert.equal(addressAllowed(['10.0.0.0/8'], '11.0.0.1'), false);
  assert.equal(addressAllowed(['10.0.0.0/8'], '::ffff:10.1.2.3'), true, 'dual-stack sockets report IPv4 peers as mapped');
  assert.equal(addressAllowed(['2001:db8::/32'], '2001:db8:1::5'), true);
  assert.equal(addressAllowed(['2001:db8::/32'], '2001:db9::5'), false);
  assert.equal(addressAllowed(['::1'], '::1'), true);
  assert.equal(addressAllowed(['127.0.0.1'], '127.0.0.2'), false);
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(parseCidr('example.com'), null);
  assert.equal(parseCidr('10.0.0.0/8x'), null);
});

test('origins and login redirects: only allowlisted origins and same-console paths', () => {
  assert.equal(originAllowed(['https://app.example'], 'https://app.example'), true);
  assert.equal(originAllowed(['https://app.example'], 'https://app.example:8443'), false);
  assert.equal(originAllowed(['https://app.example/'], 'https://app.example'), true, 'compared as serialised origins');
  assert.equal(originAllowed(['https://app.example'], 'null'), false);
  const list = ['https://portal.example'];
  assert.equal(redirectAllowed('/devices/3', list), true);
  assert.equal(redirectAllowed('//evil.example/x', list), false, 'protocol-relative');
  assert.equal(redirectAllowed('/\\evil.example', list), false);
  assert.equal(redirectAllowed('https://evil.example/', list), false);
  assert.equal(redirectAllowed('https://portal.example/after-login', list), true);
  assert.equal(redirectAllowed('javascript:alert(1)', list), false);
});

function abuse(now: () => number) {
  const { db } = accessOnTempDb(now);
  return new AbuseControl(db, now, () => ({ threshold: 3, baseMs: 10_000, maxMs: 25_000 }), { halfLifeMs: 60_000, addressThreshold: 4, baseDelayMs: 100, maxDelayMs: 1_000 });
}

test('abuse control, request rates: burst, then refusal with Retry-After, then refill', () => {
  const clock = manualClock();
  const limiter = abuse(clock.now);
  const rule = { burst: 3, perSecond: 0.5 };
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.takeRequest('k', rule), { ok: true });
  assert.deepEqual(limiter.takeRequest('k', rule), { ok: false, retryAfterSeconds: 2 });
  assert.deepEqual(limiter.takeRequest('other', rule), { ok: true }, 'buckets are per key');
  clock.advance(2000);
  assert.deepEqual(limiter.takeRequest('k', rule), { ok: true });
});

test('abuse control, accounts: lock after the threshold, for a growing time; failures decay; a success clears it', () => {
  const clock = manualClock();
  const lockout = abuse(clock.now);
  for (let i = 0; i < 2; i++) lockout.failed('s');
  assert.equal(lockout.lockedFor('s'), 0);
  lockout.failed('s');
  assert.equal(lockout.lockedFor('s'), 10_000);
  clock.advance(10_000);
  assert.equal(lockout.lockedFor('s'), 0);
  lockout.failed('s');
  assert.equal(lockout.lockedFor('s'), 20_000, 'the second lock is twice as long');
  clock.advance(20_000);
  lockout.failed('s');
  assert.equal(lockout.lockedFor('s'), 25_000, 'capped');
  lockout.succeeded('s');
  assert.equal(lockout.lockedFor('s'), 0);

  // Two failures, then an hour of quiet: the count has decayed and two more do not lock.
  lockout.failed('t');
  lockout.failed('t');
  clock.advance(3_600_000);
  lockout.failed('t');
  lockout.failed('t');
  assert.equal(lockout.lockedFor('t'), 0, 'old failures decay');
  lockout.failed('t');
  assert.ok(lockout.lockedFor('t') > 0, 'recent failures still count');
});

test('abuse control, addresses: failures only slow refusals down, growing to a cap, and decay', () => {
  const clock = manualClock();
  const a = abuse(clock.now);
  for (let i = 0; i < 4; i++) a.addressFailed('192.0.2.1');
  assert.equal(a.refusalDelayMs('192.0.2.1'), 100, 'at the threshold: the first delay');
  a.addressFailed('192.0.2.1');
  assert.equal(a.refusalDelayMs('192.0.2.1'), 200, 'doubles');
  for (let i = 0; i < 10; i++) a.addressFailed('192.0.2.1');
  assert.equal(a.refusalDelayMs('192.0.2.1'), 1_000, 'capped');
  assert.equal(a.refusalDelayMs('192.0.2.2'), 0, 'other addresses are not slowed');
  clock.advance(10 * 60_000);
  assert.equal(a.refusalDelayMs('192.0.2.1'), 0, 'after ten half-lives the address is quiet again');
});

test('a method without a permission rule cannot be registered or defined', () => {
  const contract = { 'x.get': { input: z.object({}), output: z.object({}), description: 'no rule' } } as never;
  assert.throws(() => new HandlerRegistry(contract).register('x.get' as never, () => ({}) as never), /no permission rule/);
  assert.throws(() => defineContract(contract), /no valid permission rule/);
  const bogus = { 'x.get': { input: z.object({}), output: z.object({}), permission: 'everything', description: '' } } as never;
  assert.throws(() => defineContract(bogus), /no valid permission rule/);
});
