import { z } from 'zod';
import { empty, idSchema, nameSchema } from './common';

const orgSchema = z.object({ id: idSchema, slug: z.string(), name: z.string(), createdAt: z.number() });

export const orgsMethods = {
  'orgs.list': { input: empty, output: z.array(orgSchema), permission: 'hub:admin', description: 'Organisations on this hub (the hub owner’s view).' },
  'orgs.create': {
    input: z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/), name: nameSchema }).strict(),
    output: orgSchema,
    permission: 'hub:admin',
    callers: 'users',
    kind: 'write',
    description: 'Adds an organisation (an MSP serving another customer); a person calling it becomes its owner.',
  },
} as const;
