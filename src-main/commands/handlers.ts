import type { ApiContract } from '../../src-shared/api/contract';
import { ApiFailure, type HandlerRegistry } from '../console/registry';
import type { CommandService } from './command-port';
import type { AaaContext } from '../access/context';
import { callerOf } from '../access/caller';

/** The registry has checked `commands:send` and that the device is visible; this records and forwards. */
export function registerCommandHandler(registry: HandlerRegistry<ApiContract>, ctx: AaaContext, service: () => CommandService | undefined): void {
  registry.register('commands.send', async (input, call) => {
    const { principal, actor } = callerOf(call);
    const commands = service();
    if (!commands) throw new ApiFailure('UNAVAILABLE', 'Commands are not available: the hub has no command service running.', 503);
    const result = await commands.send(input, principal);
    const what = 'rpc' in input ? { rpc: input.rpc.method } : { variable: input.variable, value: input.value };
    ctx.audit({ actor: actor.subject, action: 'command.send', target: `device:${input.deviceId}`, outcome: 'ok', address: actor.address, detail: { ...what, id: result.id, status: result.status } });
    return result;
  });
}
