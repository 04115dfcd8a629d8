import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../../errors';
import { fingerprintSha256 } from '../../security/tls/certificates';
import { tlsDir } from '../../security/tls/material';
import { commonOptions, dataDirOf, parse } from '../args';
import { createOutput } from '../output';

export const caHelp = `outpost ca [--data-dir DIR] [--json]
  Prints the hub's CA certificate (PEM) and its SHA-256 fingerprint, for devices to trust or pin.`;

export function caCommand(argv: string[]): number {
  const { values } = parse(argv, commonOptions);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(caHelp);
    return 0;
  }
  const dir = dataDirOf(values);
  const file = join(tlsDir(dir), 'ca.crt');
  if (!existsSync(file)) {
    return out.fail(
      new HubError('TLS_INVALID', `There is no CA certificate in ${dir} yet.`, `Start the hub once (outpost serve --data-dir ${dir}); it creates its CA on first run.`),
    );
  }
  const pem = readFileSync(file, 'utf8');
  const fingerprint = fingerprintSha256(pem);
  if (values.json) out.event('ca', { pem, fingerprintSha256: fingerprint, file }, '');
  else out.line(`${pem.trimEnd()}\nSHA-256 fingerprint: ${fingerprint}\nFile: ${file}`);
  return 0;
}
