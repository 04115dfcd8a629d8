import { ServiceError } from '../../errors';
import { defaultOrgId, requireLabel } from '../../devices/lifecycle';
import { findDeviceByLabel } from '../../devices/queries/devices';
import { lastReadings } from '../../history/queries/readings';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const readingsHelp = `outpost readings LABEL [--variable V] [--last N] [--data-dir DIR] [--json]
  The newest N (default 20) readings of a device, newest first.`;

export async function readingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...commonOptions, variable: { type: 'string' }, last: { type: 'string' } }, true);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(readingsHelp);
    return 0;
  }
  const [label] = positionals;
  if (!label) throw new UsageError('readings needs a device LABEL');
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last < 1 || last > 1_000_000) throw new UsageError(`--last must be a whole number from 1 to 1000000; got "${values.last}"`);
  return withStore(values, out, (store) => {
    const device = findDeviceByLabel(store.db, defaultOrgId, requireLabel(label));
    if (!device) throw new ServiceError('UNKNOWN_DEVICE', `There is no device "${label}".`, 404);
    const variable = values.variable === undefined ? undefined : requireLabel(values.variable);
    const readings = lastReadings(store.db, device.id, last, variable);
    if (values.json) out.event('readings', { device: device.label, readings }, '');
    else if (readings.length === 0) out.line(`No readings for "${device.label}"${variable ? ` / ${variable}` : ''} yet.`);
    else for (const r of readings) out.line(`${new Date(r.ts).toISOString()}  ${r.variable.padEnd(20)} ${String(r.value).padStart(14)}${r.context ? `  ${JSON.stringify(r.context)}` : ''}`);
    return 0;
  });
}
