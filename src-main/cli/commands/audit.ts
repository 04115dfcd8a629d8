import { writeFileSync } from 'node:fs';
import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const auditHelp = `outpost audit verify|export|list ...
  The hash-chained audit log (the CLI acts as the hub owner: every organisation's rows).

  outpost audit verify                       checks the chain; names every edited, deleted or reordered row
  outpost audit export --format jsonl|csv [--out FILE]
  outpost audit list [--limit N] [--action A] [--actor X]
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = { ...apiOptions, format: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' }, action: { type: 'string' }, actor: { type: 'string' } } as const;

export async function auditCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, options, auditHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub] = positionals as [string, ...(string | undefined)[]];
  if (!['verify', 'export', 'list'].includes(sub)) throw new UsageError(`Unknown subcommand "${sub}".`);
  const format = values.format;
  if (sub === 'export' && format !== 'jsonl' && format !== 'csv') throw new UsageError('--format must be jsonl or csv.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000.');
  return withLocalApi(values, out, async (api) => {
    if (sub === 'verify') {
      const report = await api.call('audit.verify', {});
      if (out.json) out.event('audit-verify', { ...report }, '');
      else if (report.ok) out.line(`The audit log is intact: ${report.rows} rows, chain verified.`);
      else out.line([`The audit log has been tampered with (${report.rows} rows checked):`, ...report.problems.map((p) => `  row ${p.id}: ${p.message}`)].join('\n'));
      return report.ok ? 0 : 1;
    }
    if (sub === 'list') {
      const rows = await api.call('audit.query', { limit, ...(values.action ? { action: values.action } : {}), ...(values.actor ? { actor: values.actor } : {}) });
      if (out.json) out.event('audit', { rows }, '');
      else for (const r of rows) out.line(`${new Date(r.ts).toISOString()}  ${r.outcome.padEnd(6)}  ${r.actor.padEnd(16)}  ${r.action.padEnd(22)}  ${r.target}${r.targetLabel ? ` (${r.targetLabel})` : ''}  ${JSON.stringify(r.detail)}`);
      return 0;
    }
    const { content } = await api.call('audit.export', { format: format as 'jsonl' | 'csv' });
    if (typeof values.out === 'string') writeFileSync(values.out, content, { mode: 0o600 });
    else process.stdout.write(content);
    return 0;
  });
}
