import type { z } from 'zod';

/**
 * Who may call a method. `public` needs no session (health, login); every
 * other value is a permission the caller's role or token scopes must grant.
 */
export type Permission = 'public' | 'authenticated' | `${string}:${string}`;

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  permission: Permission;
  description: string;
}

export type Contract = Record<string, MethodSpec>;

export function defineContract<C extends Contract>(contract: C): C {
  for (const [name, spec] of Object.entries(contract)) {
    if (!/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/.test(name)) throw new Error(`API method name "${name}" is not of the form area.verb`);
    if (!spec.permission) throw new Error(`API method "${name}" has no permission rule`);
  }
  return contract;
}

export type MethodName<C extends Contract> = keyof C & string;
export type MethodInput<C extends Contract, M extends MethodName<C>> = z.input<C[M]['input']>;
export type MethodOutput<C extends Contract, M extends MethodName<C>> = z.output<C[M]['output']>;
