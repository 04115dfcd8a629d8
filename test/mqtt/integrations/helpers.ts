import { join } from 'node:path';
import { mosqArgs, runTool, type TestHub } from '../helpers/hub';

export const python = '/usr/bin/python3';
const script = join(import.meta.dirname, '..', 'helpers', 'integration_client.py');

export interface ClientEvent {
  event: string;
  topic?: string;
  payload?: string;
  qos?: number;
  retain?: boolean;
  granted?: number[];
  session_present?: boolean;
  rc?: number;
  at?: number | null;
  acked?: boolean;
}

/** Creates an integration (app token with MQTT patterns) through the CLI; returns its token. */
export async function addIntegration(hub: TestHub, name: string, options: { scopes?: string; sub?: string[]; pub?: string[]; devices?: string; org?: string }): Promise<string> {
  const args = ['app', 'add', name, '--scopes', options.scopes ?? 'devices:read,readings:read', '--json'];
  for (const p of options.sub ?? []) args.push('--mqtt-subscribe', p);
  for (const p of options.pub ?? []) args.push('--mqtt-publish', p);
  if (options.devices) args.push('--devices', options.devices);
  if (options.org) args.push('--org', options.org);
  const r = await hub.cli(args);
  if (r.code !== 0) throw new Error(`app add failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

/** Runs the paho integration client (helpers/integration_client.py) to its end; its JSON events. */
export async function paho(hub: TestHub, token: string, clientId: string, steps: unknown[], options: { clean?: boolean; timeoutMs?: number } = {}): Promise<ClientEvent[]> {
  const r = await runTool(python, [script, 'localhost', String(hub.port), hub.caFile, token, clientId, options.clean === false ? '0' : '1', JSON.stringify(steps)], options.timeoutMs ?? 30_000);
  if (r.stderr.trim()) throw new Error(`paho client failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ClientEvent);
}

export const messages = (events: ClientEvent[]): ClientEvent[] => events.filter((e) => e.event === 'message');
export const subacks = (events: ClientEvent[]): number[][] => events.filter((e) => e.event === 'suback').map((e) => e.granted ?? []);

/** A device publishes Ubidots values with mosquitto_pub (QoS 1: acknowledged after commit). */
export async function devicePublish(hub: TestHub, token: string, label: string, values: Record<string, unknown>): Promise<void> {
  const r = await runTool('mosquitto_pub', [...mosqArgs(hub, token), '-q', '1', '-t', `/v1.6/devices/${label}`, '-m', JSON.stringify(values)]);
  if (r.code !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`);
}

/** mosquitto_sub with an integration token for `seconds`, verbose (`topic payload` lines). */
export async function mosquittoSub(hub: TestHub, token: string, filters: string[], seconds: number, extra: string[] = []): Promise<string[]> {
  const r = await runTool('mosquitto_sub', [...mosqArgs(hub, token), '-v', '-q', '1', '-W', String(seconds), ...filters.flatMap((f) => ['-t', f]), ...extra], (seconds + 15) * 1000);
  return r.stdout.split('\n').filter(Boolean);
}
