import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { notFound } from '../access/errors';
import type { HandlerRegistry } from '../console/registry';
import { findDeviceById } from '../devices/queries/devices';
import { recentCommands, type Command } from './queries/commands';
import type { CommandRequest } from './request';
import type { SendOptions } from './service';
import { isFinal } from './wait';

/** What sends a command: the hub's command service, or in a CLI process a recorder the running hub delivers from. */
export interface CommandSender {
  send(request: CommandRequest, options: SendOptions): Promise<Command>;
}

/** The console waits this long for "delivered"/"answered" before reporting the status it has. */
const defaultWaitMs = 3_000;

/**
 * `commands.send` from the console, the API and the CLI. The registry has
 * checked `commands:send` and that the caller may command this device;
 * `commands.list` (devices:read) the same for reading the device's history.
 */
export function registerCommandHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext, sender: CommandSender): void {
  registry.register('commands.send', async (input, caller) => {
    const device = findDeviceById(ctx.db, caller.orgId, input.deviceId);
    if (!device) throw notFound('That device');
    const request: CommandRequest = 'rpc' in input ? { device: device.label, method: input.rpc.method, params: input.rpc.params } : { device: device.label, variable: input.variable, value: input.value };
    caller.audit.detail('rpc' in input ? { rpc: input.rpc.method } : { variable: input.variable, value: input.value });
    const c = await sender.send(request, {
      orgId: caller.orgId,
      requestedBy: caller.subject,
      waitMs: input.waitMs ?? defaultWaitMs,
      ...(input.expiresInMs !== undefined ? { expiresInMs: input.expiresInMs } : {}),
    });
    caller.audit.detail({ command: c.id, status: c.status });
    return {
      id: c.id,
      kind: c.kind,
      status: c.status,
      final: isFinal(c),
      expiresAt: c.expiresAt,
      ...(c.response === null || c.response === undefined ? {} : { response: c.response }),
    };
  });

  registry.register('commands.list', (input, caller) => {
    if (!findDeviceById(ctx.db, caller.orgId, input.deviceId)) throw notFound('That device');
    return recentCommands(ctx.db, input.deviceId, input.count).map((c) => ({
      id: c.id,
      kind: c.kind,
      variable: c.variable,
      value: c.value,
      method: c.method,
      params: c.params,
      status: c.status,
      requestedBy: c.requestedBy,
      createdAt: c.createdAt,
      expiresAt: c.expiresAt,
      deliveredAt: c.deliveredAt,
      answeredAt: c.answeredAt,
      response: c.response,
    }));
  });
}
