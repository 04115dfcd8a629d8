import { writeFileSync } from 'node:fs';
import { exportAudit, verifyAuditChain } from '../../audit/chain';
import { cliActor, positional, runAaaCommand } from '../aaa-command';
import { UsageError } from '../output';

export const auditHelp = `outpost audit verify|export ...
  The hash-chained audit log.

  outpost audit verify                       checks the chain; names every edited, deleted or reordered row
  outpost audit export --format jsonl|csv [--out FILE]
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = { format: { type: 'string' }, out: { type: 'string' } } as const;

export function auditCommand(argv: string[]): Promise<number> {
  return runAaaCommand(argv, options, auditHelp, (run, values) => {
    const { ctx, out } = run;
    const sub = positional(run, 0, 'The subcommand (verify, export)');
    if (sub === 'verify') {
      const report = verifyAuditChain(ctx.db, ctx.keys.audit);
      if (out.json) out.event('audit-verify', { ...report }, '');
      else if (report.ok) out.line(`The audit log is intact: ${report.rows} rows, chain verified.`);
      else out.line([`The audit log has been tampered with (${report.rows} rows checked):`, ...report.problems.map((p) => `  row ${p.id}: ${p.message}`)].join('\n'));
      return report.ok ? 0 : 1;
    }
    if (sub === 'export') {
      const format = values.format;
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format must be jsonl or csv.');
      const content = exportAudit(ctx.db, format);
      ctx.audit({ actor: cliActor.subject, action: 'audit.export', target: 'audit_log', outcome: 'ok', address: 'cli', detail: { format } });
      if (typeof values.out === 'string') writeFileSync(values.out, content, { mode: 0o600 });
      else process.stdout.write(content);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${sub}".`);
  });
}
