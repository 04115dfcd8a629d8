import type { z } from 'zod';
import type { Contract, MethodName } from '../../src-shared/api/define';
import type { ApiError } from '../../src-shared/errors';
import { hubAdmin, isPermission, type Permission } from '../../src-shared/permissions';
import type { ConsolePrincipal } from '../access/principal';
import { subjectOf } from '../access/principal';
import type { AuditEvent, AuditOutcome } from '../audit/chain';
import { ServiceError } from '../errors';

export interface CallContext {
  /** Where the call came from: `ipc` for the Electron window, `cli` for the local command line, else the peer address. */
  origin: 'ipc' | 'cli' | { address: string };
  /** Who is calling, authenticated for this request; `null` when no credential came with it. */
  principal: ConsolePrincipal | null;
}

/** What the audit row of a write names as its object; the registry writes the row. */
export interface AuditTarget {
  kind: string;
  id: number | string;
  label?: string | null | undefined;
}

/** A handler's notes for the audit row of this call. */
export interface AuditNotes {
  target(target: AuditTarget): void;
  detail(fields: Record<string, unknown>): void;
}

/** Public methods that establish who the caller is (accepting an invitation) name the actor and organisation themselves. */
export interface PublicAuditNotes extends AuditNotes {
  actor(subject: string): void;
  org(orgId: number): void;
}

/** A handler of a method that needs a credential: the caller is known and bound to one organisation. */
export interface Caller {
  principal: ConsolePrincipal;
  /** The caller's organisation: every object a handler reaches is looked up within it. */
  orgId: number;
  /** The caller's name in the audit log (`user:3`, `app:2`, `cli:alice`). */
  subject: string;
  /** Peer address, `ipc` or `cli`. */
  address: string;
  audit: AuditNotes;
}

/** A public method's handler: maybe signed in, maybe not. */
export interface PublicContext {
  principal: ConsolePrincipal | null;
  address: string;
  audit: PublicAuditNotes;
}

type ContextOf<S> = S extends { permission: 'public' } ? PublicContext : Caller;

export type Handler<C extends Contract, M extends MethodName<C>> = (input: z.output<C[M]['input']>, ctx: ContextOf<C[M]>) => Promise<z.input<C[M]['output']>> | z.input<C[M]['output']>;

/** `hint` (what to do) is for in-process callers such as the CLI; over the wire the message already says it. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: ApiError; status: number; headers?: Record<string, string>; hint?: string };

/**
 * Handlers throw this (or ServiceError from a service) to refuse a call with a
 * clear message; `headers` carry e.g. Retry-After.
 */
export class ApiFailure extends ServiceError {
  constructor(
    code: string,
    message: string,
    status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

/** The policies the registry applies to every call, each decided in one place (src-main/access, src-main/audit). */
export interface CallGuard {
  allows(principal: ConsolePrincipal | null, permission: Permission, callers: 'any' | 'users'): boolean;
  /** The one device-access check: the device if the caller may use it for `permission`, else null. */
  device(principal: ConsolePrincipal, deviceId: number, permission: Permission): { id: number; label: string } | null;
  audit(event: AuditEvent): void;
  /** A write succeeded in this process: credential caches and live sessions re-check at once. */
  changed(): void;
  /** A handler failed in a way it did not explain (a bug, a disk error): logged, answered as INTERNAL. */
  internalError(method: string, err: unknown): void;
}

/** Until the access module installs its guard, only public methods answer. */
const publicOnly: CallGuard = {
  allows: (_principal, permission) => permission === 'public',
  device: () => null,
  audit: () => undefined,
  changed: () => undefined,
  internalError: () => undefined,
};

export function addressOf(ctx: CallContext): string {
  // The desktop window runs on this machine: for IP allowlists, abuse control and the audit it is loopback,
  // as the console gate already treats its calls (desktop/ipc-call.ts).
  if (ctx.origin === 'ipc') return '127.0.0.1';
  return ctx.origin === 'cli' ? ctx.origin : ctx.origin.address;
}

function notes() {
  const n = {
    targetValue: undefined as AuditTarget | undefined,
    actorValue: undefined as string | undefined,
    orgValue: undefined as number | undefined,
    fields: {} as Record<string, unknown>,
    target(t: AuditTarget) {
      n.targetValue = t;
    },
    actor(subject: string) {
      n.actorValue = subject;
    },
    org(orgId: number) {
      n.orgValue = orgId;
    },
    detail(fields: Record<string, unknown>) {
      Object.assign(n.fields, fields);
    },
  };
  return n;
}

/**
 * Handlers keyed by contract method. Registering a name twice, one the
 * contract does not know, or one without a permission rule throws at startup
 * rather than misrouting or leaking at run time. Every call is authorized
 * here, before its handler runs, and every write (and every read of personal
 * data) is audited here, after it: handlers only add what they acted on.
 */
export class HandlerRegistry<C extends Contract> {
  private readonly handlers = new Map<string, (input: unknown, ctx: Caller | PublicContext) => unknown>();
  private guard: CallGuard = publicOnly;

  constructor(readonly contract: C) {}

  setGuard(guard: CallGuard): void {
    this.guard = guard;
  }

  register<M extends MethodName<C>>(method: M, handler: Handler<C, M>): this {
    if (!(method in this.contract)) throw new Error(`"${method}" is not in the API contract`);
    if (!isPermission(this.contract[method]?.permission)) throw new Error(`"${method}" has no permission rule, so it cannot be registered`);
    if (this.handlers.has(method)) throw new Error(`a handler for "${method}" is already registered`);
    this.handlers.set(method, handler as never);
    return this;
  }

  missing(): string[] {
    return Object.keys(this.contract).filter((m) => !this.handlers.has(m));
  }

  async call(method: string, rawInput: unknown, ctx: CallContext): Promise<CallResult> {
    const spec = Object.hasOwn(this.contract, method) ? this.contract[method] : undefined;
    const handler = this.handlers.get(method);
    if (!spec || !handler) return fail('UNKNOWN_METHOD', `There is no API method "${method}". The contract in src-shared/api lists them.`, 404);
    const { principal } = ctx;
    const address = addressOf(ctx);
    const audited = spec.kind === 'write' || spec.kind === 'personal' || spec.kind === 'export';
    // Hub-wide methods belong to no organisation: their rows are the hub owner's to read.
    const orgId = spec.permission === hubAdmin || !principal ? null : principal.orgId;
    const n = notes();
    const record = (outcome: AuditOutcome, target: AuditTarget, detail?: Record<string, unknown>) =>
      this.guard.audit({
        actor: n.actorValue ?? subjectOf(principal),
        action: method,
        target: `${target.kind}:${target.id}`,
        targetLabel: target.label ?? null,
        orgId: n.orgValue ?? orgId,
        outcome,
        address,
        ...(detail && Object.keys(detail).length ? { detail } : {}),
      });

    if (!this.guard.allows(principal, spec.permission, spec.callers ?? 'any')) {
      if (!principal) return fail('UNAUTHENTICATED', `${method} needs a signed-in caller. Send "Authorization: Bearer <token>" with a token from auth.login or an app.`, 401);
      record('denied', { kind: 'method', id: method }, { needs: spec.permission });
      const needs = spec.callers === 'users' && principal.kind !== 'user' && principal.kind !== 'cli' ? 'a signed-in person' : `the permission "${spec.permission}"`;
      return fail('FORBIDDEN', `You may not call ${method}: it needs ${needs}. Ask an admin for a role or token that has it.`, 403);
    }
    const input = spec.input.safeParse(rawInput ?? {});
    if (!input.success) {
      const detail = input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      return fail('INVALID_INPUT', `Invalid input for ${method}: ${detail}. Correct the fields named and call again.`, 400);
    }
    if (spec.devices === 'one') {
      const deviceId = (input.data as { deviceId?: unknown }).deviceId;
      const device = principal && typeof deviceId === 'number' ? this.guard.device(principal, deviceId, spec.permission) : null;
      if (!device) {
        record('denied', { kind: 'device', id: String(deviceId) });
        // Not "forbidden": that would tell the caller the device exists.
        return fail('DEVICE_NOT_FOUND', `There is no device ${String(deviceId)} you may see. List devices to see which you can reach.`, 404);
      }
      n.target({ kind: 'device', id: device.id, label: device.label });
    }
    const handlerCtx: Caller | PublicContext = principal
      ? { principal, orgId: principal.orgId, subject: subjectOf(principal), address, audit: n }
      : { principal: null, address, audit: n };
    const target = () => n.targetValue ?? { kind: 'method', id: method };
    try {
      const value = await handler(input.data, handlerCtx);
      const output = spec.output.safeParse(value);
      if (!output.success) return fail('INTERNAL', `The hub produced an invalid answer for ${method}.`, 500);
      if (audited) record('ok', target(), spec.kind === 'export' ? { ...scalarFields(input.data), ...n.fields } : n.fields);
      if (spec.kind === 'write') this.guard.changed();
      return { ok: true, value: output.data };
    } catch (err) {
      if (audited) record(err instanceof ServiceError && err.status < 500 ? 'denied' : 'failed', target(), { ...n.fields, ...(err instanceof ServiceError ? { code: err.code } : {}) });
      if (err instanceof ServiceError) {
        const hint = (err as { hint?: unknown }).hint;
        return { ...fail(err.code, err.message, err.status), headers: err instanceof ApiFailure ? err.headers : {}, ...(typeof hint === 'string' ? { hint } : {}) };
      }
      this.guard.internalError(method, err);
      return fail('INTERNAL', `${method} failed inside the hub; the log has details.`, 500);
    }
  }
}

function fail(code: string, message: string, status: number): CallResult & { ok: false } {
  return { ok: false, error: { code, message }, status };
}

/** What an export took (device, variables, range, format): the scalar fields of its input, never nested documents. */
function scalarFields(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'string') out[key] = value.slice(0, 100);
    else if (Array.isArray(value) && value.length <= 20 && value.every((v) => typeof v === 'string' || typeof v === 'number')) out[key] = value;
  }
  return out;
}
