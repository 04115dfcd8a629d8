import { z } from 'zod';
import { empty, idSchema, nameSchema, ok } from './common';

const groupSchema = z.object({ id: idSchema, name: z.string(), deviceIds: z.array(idSchema), memberIds: z.array(idSchema) });
const idList = z.array(idSchema).max(10_000);

export const groupsMethods = {
  'groups.list': { input: empty, output: z.array(groupSchema), permission: 'users:admin', description: 'Device groups and their members.' },
  'groups.create': {
    input: z.object({ name: nameSchema, deviceIds: idList.default([]), memberIds: idList.default([]) }).strict(),
    output: groupSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'Creates a group: its members see its devices.',
  },
  'groups.update': {
    input: z.object({ id: idSchema, deviceIds: idList.optional(), memberIds: idList.optional() }).strict(),
    output: groupSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'Replaces a group’s devices and/or members.',
  },
  'groups.remove': { input: z.object({ id: idSchema }).strict(), output: ok, permission: 'users:admin', kind: 'write', description: 'Deletes a group.' },
} as const;
