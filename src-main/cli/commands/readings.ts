import { once } from 'node:events';
import { ServiceError } from '../../errors';
import { defaultOrgId, requireLabel } from '../../devices/lifecycle';
import { findDeviceByLabel } from '../../devices/queries/devices';
import { listVariables } from '../../devices/queries/variables';
import { lastReadings } from '../../history/queries/readings';
import { exportReadings } from '../../history/export';
import { appendAudit } from '../../audit/chain';
import { deriveKey } from '../../security/derive';
import { exportInputSchema } from '../../../src-shared/api/areas/history';
import { commonOptions, parse } from '../args';
import { withStore, type OpenStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const readingsHelp = `outpost readings LABEL [--variable V] [--last N] [--data-dir DIR] [--json]
  The newest N (default 20) readings of a device, newest first.
outpost readings LABEL --from ISO --to ISO --format csv|ndjson [--variable V1,V2] [--shape raw|buckets] [--max-points N]
  Every reading of the device (or of the named variables) from --from up to --to, streamed to
  standard output in time order; times as ISO 8601 UTC and ms since the epoch. --shape buckets
  writes what a chart of N points (default 1000) shows instead. The export is audited.`;

export async function readingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...commonOptions,
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

function isoTime(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UsageError(`an export needs ${flag} (ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} must be an ISO 8601 time such as 2026-01-31T12:00:00Z (or ms since the epoch); got "${value}"`);
  return ms;
}

async function exportCommand(label: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const from = isoTime(values.from as string | undefined, '--from');
  const to = isoTime(values.to as string | undefined, '--to');
  const format = values.format ?? 'csv';
  const out = createOutput(Boolean(values.json));
  return withStore(values as { 'data-dir'?: string; 'key-file'?: string }, out, async (store) => {
    const device = findDeviceByLabel(store.db, defaultOrgId, requireLabel(label));
    if (!device) throw new ServiceError('UNKNOWN_DEVICE', `There is no device "${label}".`, 404);
    const variables = typeof values.variable === 'string' ? values.variable.split(',').filter(Boolean) : listVariables(store.db, device.id).map((v) => v.label);
    if (variables.length === 0) throw new ServiceError('NO_VARIABLES', `Device "${device.label}" has no readings yet.`, 404);
    const parsed = exportInputSchema.safeParse({
      deviceId: device.id,
      variables,
      from,
      to,
      format,
      ...(values.shape ? { shape: values.shape } : {}),
      ...(values['max-points'] ? { maxPoints: Number(values['max-points']) } : {}),
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    // One pass over the readings gains nothing from a large page cache; keep the process small.
    store.db.pragma('cache_size = -8192');
    const stream = exportReadings(store.db, device, parsed.data);
    audit(store, device.id, parsed.data);
    for await (const chunk of stream.chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    return 0;
  });
}

/** The same audit row the console's readings.export writes, with the CLI as actor. */
function audit(store: OpenStore, deviceId: number, input: { variables: string[]; from: number; to: number; format: string; shape: string }): void {
  const key = deriveKey(store.masterKey, store.identity.hubId, 'audit-chain');
  try {
    const detail = { variables: input.variables.slice(0, 20), from: input.from, to: input.to, format: input.format, shape: input.shape };
    appendAudit(store.db, key, { actor: 'cli', action: 'readings.export', target: `device:${deviceId}`, outcome: 'ok', address: 'cli', detail }, Date.now());
  } finally {
    key.fill(0);
  }
}
