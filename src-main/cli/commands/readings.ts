import { once } from 'node:events';
import { exportInputSchema } from '../../../src-shared/api/areas/history';
import { apiOptions, parse } from '../args';
import { deviceIdsByLabel, withLocalApi, type LocalApiOptions } from '../local-api';
import { createOutput, UsageError } from '../output';

export const readingsHelp = `outpost readings LABEL [--variable V] [--last N] [--org O] [--data-dir DIR] [--json]
  The newest N (default 20) readings of a device, newest first.
outpost readings LABEL --from ISO --to ISO --format csv|ndjson [--variable V1,V2] [--shape raw|buckets] [--max-points N] [--org O]
  Every reading of the device (or of the named variables) from --from up to --to, streamed to
  standard output in time order; times as ISO 8601 UTC and ms since the epoch. --shape buckets
  writes what a chart of N points (default 1000) shows instead. The export is audited.`;

export async function readingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...apiOptions,
      variable: { type: 'string' },
      last: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      shape: { type: 'string' },
      'max-points': { type: 'string' },
    },
    true,
  );
  const out = createOutput(values.json);
  if (values.help) {
    out.line(readingsHelp);
    return 0;
  }
  const [label] = positionals;
  if (!label) throw new UsageError('readings needs a device LABEL');
  if (values.from !== undefined || values.to !== undefined || values.format !== undefined) return exportCommand(label, values);
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

function isoTime(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UsageError(`an export needs ${flag} (ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} must be an ISO 8601 time such as 2026-01-31T12:00:00Z (or ms since the epoch); got "${value}"`);
  return ms;
}

/** An export through the same API method as the console's download (readings.export): authorized and audited there. */
async function exportCommand(label: string, values: LocalApiOptions & Record<string, string | boolean | undefined>): Promise<number> {
  const from = isoTime(values.from as string | undefined, '--from');
  const to = isoTime(values.to as string | undefined, '--to');
  const out = createOutput(Boolean(values.json));
  return withLocalApi(values, out, async (api) => {
    const [deviceId] = await deviceIdsByLabel(api, [label]);
    const variables =
      typeof values.variable === 'string' ? values.variable.split(',').filter(Boolean) : (await api.call('devices.get', { deviceId: deviceId! })).variables.map((v) => v.label);
    if (variables.length === 0) throw new UsageError(`device "${label.toLowerCase()}" has no readings yet`);
    const parsed = exportInputSchema.safeParse({
      deviceId,
      variables,
      from,
      to,
      format: values.format ?? 'csv',
      ...(values.shape ? { shape: values.shape } : {}),
      ...(values['max-points'] ? { maxPoints: Number(values['max-points']) } : {}),
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    const stream = await api.call('readings.export', parsed.data);
    for await (const chunk of stream.chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    return 0;
  });
}
