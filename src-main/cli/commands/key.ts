import { closeSync, openSync, writeSync } from 'node:fs';
import { toString as qrText } from 'qrcode';
import { HubError, errorCode, errorMessage } from '../../errors';
import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const keyHelp = `outpost key export --yes [--to FILE | --qr] [--data-dir DIR] [--key-file FILE] [--json]
  The emergency kit: writes the hub's master key to FILE (created with mode 0600; never
  replaces a file) or, without --to, prints it; --qr prints it with a QR code of the same
  64 digits, to scan or photograph onto offline storage. With it, \`outpost restore FILE --key-file KIT\`
  restores a backup where the keychain is gone. Anyone holding it can read the hub's data and
  backups: keep it offline, apart from the backups. --yes confirms; every export is audited.`;

export async function keyCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, yes: { type: 'boolean', default: false }, to: { type: 'string' }, qr: { type: 'boolean', default: false } }, keyHelp);
  if (exit !== undefined) return exit;
  if (positionals[0] !== 'export' || positionals.length !== 1) throw new UsageError(`Unknown subcommand "${positionals.join(' ')}"; the only one is "export".`);
  if (!values.yes) throw new UsageError('Exporting the master key needs --yes: whoever holds the key can read every backup and the database.');
  const to = values.to;
  // A file and a picture on the screen are two different places for the key: one export, one place.
  if (values.qr && to !== undefined) throw new UsageError('--qr prints the key on this terminal and --to writes it to a file: choose one.');
  return withLocalApi(
    { ...values, exportKey: true },
    out,
    async (api) => {
      const { keyHex } = await api.call('hub.exportKey', { confirm: true });
      if (to === undefined) {
        if (!values.qr) {
          out.event('key', { keyHex }, keyHex);
          return 0;
        }
        // Half-block characters: two modules a character, so the code fits an 80x24 terminal.
        const qr = await qrText(keyHex, { type: 'terminal', small: true });
        out.event('key', { keyHex, qr }, `${keyHex}\n\n${qr}\nThe QR code holds the 64 digits above. Keep any copy of it offline, apart from the backups.`);
        return 0;
      }
      let fd: number;
      try {
        fd = openSync(to, 'wx', 0o600);
      } catch (err) {
        return out.fail(
          new HubError(
            'KEY_FILE_INVALID',
            errorCode(err) === 'EEXIST' ? `${to} already exists; the key is never written over a file.` : `Cannot create ${to}: ${errorMessage(err)}.`,
            'Choose a new path (ideally on removable or offline storage).',
          ),
        );
      }
      try {
        // The same form as a --key-file: 64 hexadecimal digits.
        writeSync(fd, `${keyHex}\n`);
      } finally {
        closeSync(fd);
      }
      out.event('key-exported', { file: to }, `Master key written to ${to} (mode 0600). Keep it offline and apart from the backups.`);
      return 0;
    },
  );
}
