import type { Permission } from '../../src-shared/permissions';
import type { Principal } from './principal';
import { permissionsOf } from './rights';

/**
 * May this principal call a method needing `permission`? `callers: 'users'`
 * methods (sessions, second factors, organisations) are for people (and the
 * machine owner at the CLI), never for app tokens or API keys.
 */
export function allows(principal: Principal | null, permission: Permission, callers: 'any' | 'users' = 'any'): boolean {
  if (permission === 'public') return true;
  if (!principal) return false;
  if (callers === 'users' && principal.kind !== 'user' && principal.kind !== 'cli') return false;
  return permission === 'authenticated' || permissionsOf(principal).has(permission);
}
