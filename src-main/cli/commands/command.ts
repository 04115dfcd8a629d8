import type { ApiOutput } from '../../../src-shared/api/contract';
import { defaultCommandExpiryMs } from '../../commands/request';
import { apiOptions, parse } from '../args';
import { deviceIdsByLabel, withLocalApi } from '../local-api';
import { createOutput, UsageError } from '../output';

export const commandHelp = `outpost command LABEL VAR VALUE | LABEL --rpc METHOD [--params JSON] [options]
  Sets a control value (Ubidots devices get it on /v1.6/devices/LABEL/VAR/lv,
  ThingsBoard devices as a shared attribute) or sends an RPC to a ThingsBoard
  device. The running hub delivers it; this waits for the outcome.

  --wait MS      how long to wait for delivery (control) or the answer (RPC); default 10000, at most 60000
  --expires MS   give up delivering after this long; default 3600000 (1 hour), from 1 to 604800000
  --org O --data-dir DIR --key-file FILE --json`;

type Request = { device: string; variable: string; value: number } | { device: string; method: string; params: unknown };

function durationOption(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be whole milliseconds from ${min} to ${max}; got "${value}"`);
  return n;
}

function requestOf(positionals: string[], rpc: string | undefined, params: string | undefined): Request {
  const [device, variable, value] = positionals;
  if (!device) throw new UsageError('command needs a device LABEL');
  if (rpc !== undefined) {
    if (variable !== undefined) throw new UsageError('with --rpc give only the device LABEL (parameters go in --params)');
    let parsed: unknown = {};
    if (params !== undefined) {
      try {
        parsed = JSON.parse(params);
      } catch {
        throw new UsageError(`--params must be JSON, e.g. --params '{"on": true}'; got ${params}`);
      }
    }
    return { device, method: rpc, params: parsed };
  }
  if (params !== undefined) throw new UsageError('--params goes with --rpc METHOD');
  if (variable === undefined || value === undefined) throw new UsageError('command needs LABEL VAR VALUE, or LABEL --rpc METHOD');
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new UsageError(`VALUE must be a number; got "${value}"`);
  return { device, variable, value: number };
}

function describe(c: ApiOutput<'commands.send'>, what: string): string {
  switch (c.status) {
    case 'pending':
      return `Command ${c.id} (${what}) is pending: the device has not picked it up yet. The hub delivers it when the device connects, until ${new Date(c.expiresAt).toISOString()}.`;
    case 'delivered':
      return c.kind === 'control' ? `Command ${c.id} (${what}) was delivered.` : `Command ${c.id} (${what}) was delivered; no answer yet.`;
    case 'answered':
      return `Command ${c.id} (${what}) was answered: ${JSON.stringify(c.response)}`;
    case 'expired':
      return `Command ${c.id} (${what}) expired before it reached the device (or before it answered).`;
  }
}

export async function commandCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...apiOptions, rpc: { type: 'string' }, params: { type: 'string' }, wait: { type: 'string' }, expires: { type: 'string' } }, true);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(commandHelp);
    return 0;
  }
  const request = requestOf(positionals, values.rpc, values.params);
  const waitMs = durationOption(values.wait, '--wait', 10_000, 0, 60_000);
  const expiresInMs = durationOption(values.expires, '--expires', defaultCommandExpiryMs, 1, 7 * 24 * 3_600_000);
  return withLocalApi(values, out, async (api) => {
    const [deviceId] = await deviceIdsByLabel(api, [request.device]);
    const timing = { waitMs, expiresInMs };
    const c =
      'method' in request
        ? await api.call('commands.send', { deviceId: deviceId!, rpc: { method: request.method, params: request.params }, ...timing })
        : await api.call('commands.send', { deviceId: deviceId!, variable: request.variable, value: request.value, ...timing });
    const what = 'method' in request ? `RPC ${request.method}` : `${request.variable} = ${request.value}`;
    out.event('command', { id: c.id, kind: c.kind, status: c.status, response: c.response, final: c.final }, describe(c, what));
    return c.status === 'expired' ? 1 : 0;
  });
}
