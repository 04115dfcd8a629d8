import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const orgHelp = `outpost org add|list ...
  Organisations on this hub (hub:admin; the CLI acts as the hub owner).

  outpost org add SLUG --name NAME    then add its first owner: outpost user add EMAIL --role owner --org SLUG
  outpost org list
  Common: --data-dir DIR, --key-file FILE, --json`;

export async function orgCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, name: { type: 'string' } }, orgHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub, slug] = positionals as [string, ...(string | undefined)[]];
  if (sub !== 'add' && sub !== 'list') throw new UsageError(`Unknown subcommand "${sub}".`);
  if (sub === 'add' && (!slug || !values.name)) throw new UsageError('Use: outpost org add SLUG --name NAME');
  return withLocalApi(values, out, async (api) => {
    if (sub === 'add') {
      const org = await api.call('orgs.create', { slug: slug!, name: values.name! });
      out.event('org', { org }, `Created organisation ${org.slug} (${org.name}). Add its first owner: outpost user add EMAIL --role owner --org ${org.slug}`);
      return 0;
    }
    const orgs = await api.call('orgs.list', {});
    if (out.json) out.event('orgs', { orgs }, '');
    else for (const o of orgs) out.line(`${String(o.id).padStart(4)}  ${o.slug.padEnd(24)} ${o.name}`);
    return 0;
  });
}
