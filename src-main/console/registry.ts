import type { z } from 'zod';
import type { Contract, MethodName } from '../../src-shared/api/define';
import type { ApiError } from '../../src-shared/errors';
import { isPermission, type Permission } from '../../src-shared/permissions';
import type { Principal } from '../access/principal';
import { ServiceError } from '../errors';

export interface CallContext {
  /** Where the call came from: `ipc` for the Electron window, else the peer address. */
  origin: 'ipc' | { address: string };
  /** Who is calling, authenticated for this request; `null` when no credential came with it. */
  principal: Principal | null;
}

/** Handlers get a principal only for methods that need one. */
export type HandlerContext = CallContext;

export type Handler<C extends Contract, M extends MethodName<C>> = (
  input: z.output<C[M]['input']>,
  ctx: HandlerContext,
) => Promise<z.input<C[M]['output']>> | z.input<C[M]['output']>;

export type CallResult = { ok: true; value: unknown } | { ok: false; error: ApiError; status: number; headers?: Record<string, string> };

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

/** What the registry asks before a handler runs, and where it reports what happened. */
export interface CallGuard {
  allows(principal: Principal | null, permission: Permission, callers: 'any' | 'users'): boolean;
  canSeeDevice(principal: Principal, deviceId: number): boolean;
  audit(entry: { principal: Principal | null; address: string; method: string; outcome: 'ok' | 'denied' | 'failed'; target: string; detail?: Record<string, unknown> }): void;
}

/** Until the AAA module installs its guard, only public methods answer. */
const publicOnly: CallGuard = {
  allows: (_principal, permission) => permission === 'public',
  canSeeDevice: () => false,
  audit: () => undefined,
};

export function addressOf(ctx: CallContext): string {
  return ctx.origin === 'ipc' ? 'ipc' : ctx.origin.address;
}

/**
 * Handlers keyed by contract method. Registering a name twice, one the
 * contract does not know, or one without a permission rule throws at startup
 * rather than misrouting or leaking at run time. Every call is authorized here,
 * before its handler runs.
 */
export class HandlerRegistry<C extends Contract> {
  private readonly handlers = new Map<string, Handler<C, MethodName<C>>>();
  private guard: CallGuard = publicOnly;

  constructor(readonly contract: C) {}

  setGuard(guard: CallGuard): void {
    this.guard = guard;
  }

  register<M extends MethodName<C>>(method: M, handler: Handler<C, M>): this {
    if (!(method in this.contract)) throw new Error(`"${method}" is not in the API contract`);
    if (!isPermission(this.contract[method]?.permission)) throw new Error(`"${method}" has no permission rule, so it cannot be registered`);
    if (this.handlers.has(method)) throw new Error(`a handler for "${method}" is already registered`);
    this.handlers.set(method, handler as unknown as Handler<C, MethodName<C>>);
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
    if (!this.guard.allows(principal, spec.permission, spec.callers ?? 'any')) {
      if (!principal) return fail('UNAUTHENTICATED', `${method} needs a signed-in caller. Send "Authorization: Bearer <token>" with a token from auth.login or an app.`, 401);
      this.guard.audit({ principal, address, method, outcome: 'denied', target: method, detail: { needs: spec.permission } });
      const needs = spec.callers === 'users' && principal.kind !== 'user' ? 'a signed-in person' : `the permission "${spec.permission}"`;
      return fail('FORBIDDEN', `You may not call ${method}: it needs ${needs}. Ask an admin for a role or token that has it.`, 403);
    }
    const input = spec.input.safeParse(rawInput ?? {});
    if (!input.success) {
      const detail = input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      return fail('INVALID_INPUT', `Invalid input for ${method}: ${detail}. Correct the fields named and call again.`, 400);
    }
    const deviceId = spec.devices === 'one' ? (input.data as { deviceId?: unknown }).deviceId : undefined;
    const target = typeof deviceId === 'number' ? `device:${deviceId}` : method;
    if (spec.devices === 'one' && (!principal || typeof deviceId !== 'number' || !this.guard.canSeeDevice(principal, deviceId))) {
      this.guard.audit({ principal, address, method, outcome: 'denied', target });
      // Not "forbidden": that would tell the caller the device exists.
      return fail('DEVICE_NOT_FOUND', `There is no device ${String(deviceId)} you may see. List devices to see which you can reach.`, 404);
    }
    try {
      const value = await handler(input.data as never, ctx);
      const output = spec.output.safeParse(value);
      if (!output.success) return fail('INTERNAL', `The hub produced an invalid answer for ${method}.`, 500);
      // Writes record themselves (with what changed) unless the registry records them; reads of personal data and exports are recorded here.
      if (spec.kind === 'personal') this.guard.audit({ principal, address, method, outcome: 'ok', target });
      else if (spec.kind === 'export' || spec.recordedByRegistry) {
        this.guard.audit({ principal, address, method, outcome: 'ok', target: targetOf(method, target, input.data, output.data), detail: auditDetail(input.data) });
      }
      return { ok: true, value: output.data };
    } catch (err) {
      if (audited) this.guard.audit({ principal, address, method, outcome: err instanceof ServiceError && err.status < 500 ? 'denied' : 'failed', target });
      if (err instanceof ServiceError) return { ...fail(err.code, err.message, err.status), headers: err instanceof ApiFailure ? err.headers : {} };
      return fail('INTERNAL', `${method} failed inside the hub; the log has details.`, 500);
    }
  }
}

function fail(code: string, message: string, status: number): CallResult & { ok: false } {
  return { ok: false, error: { code, message }, status };
}

/** `dashboards.update` on `{ dashboardId: 4 }` (or answering `{ id: 4 }`) -> `dashboard:4`. */
function targetOf(method: string, fallback: string, input: unknown, output: unknown): string {
  if (fallback !== method) return fallback;
  const noun = method.split('.')[0]!.replace(/s$/, '');
  const id = (input as Record<string, unknown>)[`${noun}Id`] ?? (output as Record<string, unknown> | null)?.id;
  return typeof id === 'number' ? `${noun}:${id}` : method;
}

/** The scalar fields of an input (names, ranges, formats), never nested documents such as a dashboard's widgets. */
function auditDetail(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'string') out[key] = value.slice(0, 100);
    else if (Array.isArray(value) && value.length <= 20 && value.every((v) => typeof v === 'string' || typeof v === 'number')) out[key] = value;
  }
  return out;
}
