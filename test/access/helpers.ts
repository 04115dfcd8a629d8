import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after } from 'node:test';
import { createAccessContext, type AccessContext } from '../../src-main/access/context';
import type { ConsolePrincipal } from '../../src-main/access/principal';
import { subjectOf } from '../../src-main/access/principal';
import { membership } from '../../src-main/access/queries/memberships';
import { userById } from '../../src-main/access/queries/users';
import type { Caller } from '../../src-main/console/registry';
import { openDatabase, type Db } from '../../src-main/store/database';
import { migrate } from '../../src-main/store/migrations';
import { createGroup } from '../../src-main/access/groups';
import { createUser } from '../../src-main/access/users';
import type { Hub } from '../../src-main/hub';
import { httpsRequest } from '../helpers/https';
import { tempDir } from '../helpers/tmp';

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** AAA on a real encrypted database file, with a clock the test controls. */
export function accessOnTempDb(now: () => number): { ctx: AccessContext; db: Db; file: string } {
  const file = join(tempDir(), 'outpost.db');
  const db = openDatabase({ file, key: randomBytes(32) });
  migrate(db);
  after(() => db.close());
  const ctx = createAccessContext(db, 'test-hub', { tokenSigning: randomBytes(32), audit: randomBytes(32), totp: randomBytes(32), alarmSecrets: randomBytes(32) }, now);
  return { ctx, db, file };
}

export interface Rpc {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { result?: unknown; code?: string; message?: string };
}

/** One console API call over HTTPS, trusting only the hub's CA. */
export async function rpc(base: { url: string; ca: string }, method: string, input: unknown, token?: string, headers: Record<string, string> = {}): Promise<Rpc> {
  const answer = await httpsRequest(`${base.url}/api/rpc/${method}`, {
    ca: base.ca,
    method: 'POST',
    body: JSON.stringify(input ?? {}),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  // An export answers with the file itself (CSV, NDJSON), not a JSON envelope.
  const json = String(answer.headers['content-type'] ?? 'application/json').includes('json');
  return { status: answer.status, headers: answer.headers, body: (json ? JSON.parse(answer.body || '{}') : { result: answer.body }) as Rpc['body'] };
}

/** Every text and blob cell of every table, for "no secret in clear" checks. */
export function everyCell(db: Db): string {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  const parts: string[] = [];
  for (const t of tables) {
    for (const row of db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
      for (const v of Object.values(row)) parts.push(Buffer.isBuffer(v) ? v.toString('latin1') : String(v));
    }
  }
  return parts.join('\n');
}

/** A caller for calling domain functions directly, as the registry would pass it (audit notes go nowhere). */
export function callerFor(principal: ConsolePrincipal, address = '127.0.0.1'): Caller {
  return { principal, orgId: principal.orgId, subject: subjectOf(principal), address, audit: { target: () => undefined, detail: () => undefined } };
}

/** The machine owner at the CLI, acting in one organisation. */
export function cliCaller(orgId = 1): Caller {
  return callerFor({ kind: 'cli', osUser: 'test', orgId }, 'cli');
}

/** A signed-in person as the registry would see them (their current role in `orgId`). */
export function userCaller(ctx: AccessContext, userId: number, orgId = 1): Caller {
  const member = membership(ctx.db, userId, orgId);
  const user = userById(ctx.db, userId);
  if (!member || !user) throw new Error(`user ${userId} is not a member of organisation ${orgId}`);
  return callerFor({ kind: 'user', userId, orgId, role: member.role, sessionId: 0, hubAdmin: user.hubAdmin, allowIps: [], allowOrigins: [] });
}

/** A second organisation, made by the hub's CLI caller; returns its id. */
export async function secondOrganisation(hub: Hub, slug = 'beta'): Promise<number> {
  const answer = await hub.registry.call('orgs.create', { slug, name: slug }, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: 1 } });
  if (!answer.ok) throw new Error(`organisation ${slug} not created: ${answer.error.message}`);
  return (answer.value as { id: number }).id;
}

/**
 * People in two organisations, signed in over HTTPS: organisation 1's owner
 * (the hub owner), a reader of organisation 1 in a group of `readerDevices`,
 * and organisation `orgB`'s owner (not the hub owner). Returns their tokens.
 */
export async function signInTwoOrganisations(
  ctx: AccessContext,
  base: { url: string; ca: string },
  orgB: number,
  password: string,
  readerDevices: number[],
): Promise<{ ownerA: string; readerA: string; ownerB: string }> {
  const cliA = cliCaller(1);
  await createUser(ctx, cliA, { email: 'owner@example.com', role: 'owner', password });
  const reader = await createUser(ctx, cliA, { email: 'reader@example.com', role: 'reader', password });
  createGroup(ctx, cliA, { name: 'readers', deviceIds: readerDevices, memberIds: [reader.id] });
  await createUser(ctx, cliCaller(orgB), { email: 'owner-b@example.com', role: 'owner', password });
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string }).token;
  return { ownerA: await login('owner@example.com'), readerA: await login('reader@example.com'), ownerB: await login('owner-b@example.com') };
}
