import { resolve } from 'node:path';
import { UsageError } from '../output';
import { apiOptions, parse } from '../args';
import { withLocalApi } from '../local-api';
import { createOutput } from '../output';

export const backupHelp = `outpost backup --to FILE [--data-dir DIR] [--key-file FILE] [--json]
  Writes an encrypted backup of the hub (every organisation) to FILE while the hub runs:
  a consistent snapshot, encrypted with the hub's key, with a manifest (hub id, schema
  version, time, row counts, SHA-256). FILE must not exist. Restore with \`outpost restore\`;
  keep the key (\`outpost key export\`) apart from the backup.`;

export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...apiOptions, to: { type: 'string' } });
  const out = createOutput(values.json);
  if (values.help) {
    out.line(backupHelp);
    return 0;
  }
  if (typeof values.to !== 'string' || values.to === '') throw new UsageError('--to FILE is required: where to write the backup.');
  return withLocalApi({ ...values, backupTo: resolve(values.to) }, out, async (api) => {
    const b = await api.call('hub.backup', {});
    const rows = Object.values(b.rowCounts).reduce((s, n) => s + n, 0);
    out.event('backup', { ...b }, `Backup written: ${b.file}\n  hub ${b.hubId}, schema ${b.schemaVersion}, ${rows} rows, ${b.bytes} bytes, SHA-256 ${b.sha256}`);
    return 0;
  });
}
