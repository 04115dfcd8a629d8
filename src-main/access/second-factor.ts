import type { AccessContext } from './context';
import { claimTotpStep, type User } from './queries/users';
import { unseal } from '../security/sealed-secret';
import { totpStep } from './totp';

/**
 * The second factor, when the person has one: the code must match and its
 * time step must not have been used before (a code seen over someone's
 * shoulder, or replayed from a log, is refused).
 */
export function checkSecondFactor(ctx: AccessContext, user: User, code: string | undefined): boolean {
  if (!user.totpSecret) return true;
  if (code === undefined) return false;
  const step = totpStep(unseal(ctx.keys.totp, user.totpSecret, `totp:${user.id}`), code, ctx.now() / 1000);
  return step !== null && claimTotpStep(ctx.db, user.id, step);
}
