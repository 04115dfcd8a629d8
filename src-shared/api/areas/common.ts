import { z } from 'zod';
import { roles, scopes } from '../../permissions';

export const empty = z.object({}).strict();
export const ok = z.object({ ok: z.literal(true) });
export const roleSchema = z.enum(roles);
export const scopeSchema = z.enum(scopes);
export const idSchema = z.number().int().positive();
export const nameSchema = z.string().trim().min(1).max(100);
export const emailSchema = z.email().max(254);
/** CIDR text; checked for real in the hub (IPv4 and IPv6). */
export const cidrListSchema = z.array(z.string().min(2).max(50)).max(100);
export const originListSchema = z.array(z.string().min(8).max(300)).max(100);
