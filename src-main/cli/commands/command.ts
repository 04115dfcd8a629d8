import { defaultCommandExpiryMs, recordCommand, type CommandRequest } from '../../commands/request';
import { isFinal, waitForCommand } from '../../commands/wait';
import { defaultOrgId } from '../../devices/lifecycle';
import type { Command } from '../../commands/queries/commands';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const commandHelp = `outpost command LABEL VAR VALUE | LABEL --rpc METHOD [--params JSON] [options]
  Sets a control value (Ubidots devices get it on /v1.6/devices/LABEL/VAR/lv,
  ThingsBoard devices as a shared attribute) or sends an RPC to a ThingsBoard
  device. The running hub delivers it; this waits for the outcome.

  --wait MS      how long to wait for delivery (control) or the answer (RPC); default 10000
  --expires MS   give up delivering after this long; default 3600000 (1 hour)
  --data-dir DIR --key-file FILE --json`;

function durationOption(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 7 * 24 * 3_600_000) throw new UsageError(`${flag} must be whole milliseconds from 0 to 604800000; got "${value}"`);
  return n;
}

function requestOf(positionals: string[], rpc: string | undefined, params: string | undefined): CommandRequest {
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

function describe(c: Command): string {
  const what = c.kind === 'control' ? `${c.variable} = ${c.value}` : `RPC ${c.method}`;
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
  const { values, positionals } = parse(
    argv,
    { ...commonOptions, rpc: { type: 'string' }, params: { type: 'string' }, wait: { type: 'string' }, expires: { type: 'string' } },
    true,
  );
  const out = createOutput(values.json);
  if (values.help) {
    out.line(commandHelp);
    return 0;
  }
  const request = requestOf(positionals, values.rpc, values.params);
  const waitMs = durationOption(values.wait, '--wait', 10_000);
  const expiresInMs = durationOption(values.expires, '--expires', defaultCommandExpiryMs);
  return withStore(values, out, async (store) => {
    const recorded = recordCommand(store.db, defaultOrgId, request, 'cli', expiresInMs);
    const c = await waitForCommand(store.db, recorded.id, waitMs);
    out.event('command', { id: c.id, kind: c.kind, status: c.status, response: c.response, final: isFinal(c) }, describe(c));
    return c.status === 'expired' ? 1 : 0;
  });
}
