import type { z } from 'zod';
import { isPermission, type DeviceTarget, type Permission } from '../permissions';

export type { Permission };

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** Who may call it; see src-shared/permissions.ts. */
  permission: Permission;
  /** Methods that act on one device name it as `input.deviceId`. Default `none`. */
  devices?: DeviceTarget;
  /** `users`: only a signed-in person, never an app token or API key (sessions, TOTP, new organisations). */
  callers?: 'any' | 'users';
  /**
   * What the audit log records: `write` (every call: create, update, delete,
   * command), `personal` (every call: it reads names or emails), `export`
   * (every call, with what was exported), `read` (only refusals). Default `read`.
   */
  kind?: 'read' | 'write' | 'personal' | 'export';
  description: string;
}

export type Contract = Record<string, MethodSpec>;

export function defineContract<C extends Contract>(contract: C): C {
  for (const [name, spec] of Object.entries(contract)) {
    if (!/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/.test(name)) throw new Error(`API method name "${name}" is not of the form area.verb`);
    if (!isPermission(spec.permission)) throw new Error(`API method "${name}" has no valid permission rule`);
  }
  return contract;
}

export type MethodName<C extends Contract> = keyof C & string;
export type MethodInput<C extends Contract, M extends MethodName<C>> = z.input<C[M]['input']>;
export type MethodOutput<C extends Contract, M extends MethodName<C>> = z.output<C[M]['output']>;
