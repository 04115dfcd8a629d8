import type { z } from 'zod';
import type { Contract, MethodName } from '../../src-shared/api/define';
import type { ApiError } from '../../src-shared/errors';
import { ServiceError } from '../errors';

export interface CallContext {
  /** Where the call came from: `ipc` for the Electron window, else the peer address. */
  origin: 'ipc' | { address: string };
}

export type Handler<C extends Contract, M extends MethodName<C>> = (
  input: z.output<C[M]['input']>,
  ctx: CallContext,
) => Promise<z.input<C[M]['output']>> | z.input<C[M]['output']>;

export type CallResult = { ok: true; value: unknown } | { ok: false; error: ApiError; status: number };

/** Handlers throw this (or ServiceError from a service) to refuse a call with a clear message. */
export { ServiceError as ApiFailure } from '../errors';

/**
 * Handlers keyed by contract method. Registering a name twice, or one the
 * contract does not know, throws at startup rather than misrouting at run time.
 */
export class HandlerRegistry<C extends Contract> {
  private readonly handlers = new Map<string, Handler<C, MethodName<C>>>();

  constructor(readonly contract: C) {}

  register<M extends MethodName<C>>(method: M, handler: Handler<C, M>): this {
    if (!(method in this.contract)) throw new Error(`"${method}" is not in the API contract`);
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
    if (!spec || !handler) return fail('UNKNOWN_METHOD', `There is no API method "${method}".`, 404);
    const input = spec.input.safeParse(rawInput ?? {});
    if (!input.success) {
      const detail = input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      return fail('INVALID_INPUT', `Invalid input for ${method}: ${detail}.`, 400);
    }
    try {
      const value = await handler(input.data as never, ctx);
      const output = spec.output.safeParse(value);
      if (!output.success) return fail('INTERNAL', `The hub produced an invalid answer for ${method}.`, 500);
      return { ok: true, value: output.data };
    } catch (err) {
      if (err instanceof ServiceError) return fail(err.code, err.message, err.status);
      return fail('INTERNAL', `${method} failed inside the hub; the log has details.`, 500);
    }
  }
}

function fail(code: string, message: string, status: number): CallResult {
  return { ok: false, error: { code, message }, status };
}
