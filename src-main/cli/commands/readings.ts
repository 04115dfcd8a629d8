import { apiOptions, parse } from '../args';
import { deviceIdsByLabel, withLocalApi } from '../local-api';
import { createOutput, UsageError } from '../output';

export const readingsHelp = `outpost readings LABEL [--variable V] [--last N] [--org O] [--data-dir DIR] [--json]
  The newest N (default 20) readings of a device, newest first.`;

export async function readingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...apiOptions, variable: { type: 'string' }, last: { type: 'string' } }, true);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(readingsHelp);
    return 0;
  }
  const [label] = positionals;
  if (!label) throw new UsageError('readings needs a device LABEL');
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last < 1 || last > 1_000_000) throw new UsageError(`--last must be a whole number from 1 to 1000000; got "${values.last}"`);
  return withLocalApi(values, out, async (api) => {
    const [deviceId] = await deviceIdsByLabel(api, [label]);
    const readings = await api.call('devices.events', { deviceId: deviceId!, count: last, ...(values.variable !== undefined ? { variable: values.variable } : {}) });
    const device = label.toLowerCase();
    if (values.json) out.event('readings', { device, readings }, '');
    else if (readings.length === 0) out.line(`No readings for "${device}"${values.variable ? ` / ${values.variable}` : ''} yet.`);
    else for (const r of readings) out.line(`${new Date(r.ts).toISOString()}  ${r.variable.padEnd(20)} ${String(r.value).padStart(14)}${r.context ? `  ${JSON.stringify(r.context)}` : ''}`);
    return 0;
  });
}
