import { restoreBackup } from '../../store/backup/restore';
import { OsKeychain } from '../../security/secret-store';
import { commonOptions, parse } from '../args';
import { createOutput, UsageError } from '../output';

export const restoreHelp = `outpost restore FILE --data-dir DIR [--key-file KEYFILE] [--json]
  Restores a backup into DIR, which must be new or empty (a restore never overwrites a data
  directory). Checks the manifest, the key, the SHA-256 and the pages, migrates an older
  backup, refuses one from a newer Outpost. Without --key-file the key comes from this
  machine's keychain; with it (the file from \`outpost key export\`), start the restored hub
  with the same --key-file.`;

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, commonOptions, true);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(restoreHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('Name one backup file: outpost restore FILE --data-dir DIR.');
  // Never the default data directory: a restore must say where it goes.
  if (!values['data-dir']) throw new UsageError('--data-dir DIR is required: a new or empty directory to restore into.');
  try {
    const r = await restoreBackup({ file: positionals[0]!, dataDir: values['data-dir'], keyFile: values['key-file'], secretStore: new OsKeychain() });
    const rows = Object.values(r.rowCounts).reduce((s, n) => s + n, 0);
    const start = `outpost serve --data-dir ${r.dataDir}${r.keySource === 'key-file' ? ` --key-file ${values['key-file']}` : ''}`;
    out.event(
      'restored',
      { ...r },
      `Restored hub ${r.hubId} into ${r.dataDir}: ${rows} rows, schema ${r.schemaVersion.backup}${r.schemaVersion.restored !== r.schemaVersion.backup ? ` migrated to ${r.schemaVersion.restored}` : ''}.\nStart it with: ${start}`,
    );
    return 0;
  } catch (err) {
    return out.fail(err);
  }
}
