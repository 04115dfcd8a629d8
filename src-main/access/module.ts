import type { HubModule } from '../hub-context';
import { createConsoleGate } from './console-gate';
import { createAaaContext } from './context';
import { registerCommandHandler } from '../commands/handlers';
import { consoleCommandPort } from '../commands/console-port';
import { createAaaService, registerAaa } from './service';

/**
 * Authentication, authorization and accounting for the console. It reads the
 * credential rows on every request rather than caching them, so a revoke or a
 * disable written by the CLI (another process, same database) applies at once.
 */
export const aaaModule: HubModule = (hub) => {
  const ctx = createAaaContext(hub.db, hub.identity.hubId, {
    tokenSigning: hub.key('token-signing'),
    audit: hub.key('audit-chain'),
    totp: hub.key('totp-secrets'),
  });
  // The reader thread starts later (with the pipeline): looked up per call.
  registerAaa(hub.registry, ctx, () => hub.services.reader);
  // The command service starts later (with the broker): looked up per call.
  registerCommandHandler(hub.registry, ctx, () => (hub.services.commands ? consoleCommandPort(hub.services.commands, hub.db) : undefined));
  hub.services.aaa = createAaaService(ctx);
  hub.services.consoleGate = createConsoleGate(ctx);
  hub.onStop('aaa-keys', () => {
    for (const key of Object.values(ctx.keys)) key.fill(0);
  });
};
