import type { Db } from '../store/database';
import type { CommandSender } from './handlers';
import { defaultCommandExpiryMs, recordCommand } from './request';
import { waitForCommand } from './wait';

/**
 * Commands from a CLI process: recorded as pending in the shared database,
 * where the running hub picks them up (its database watcher) and delivers
 * them; this waits for the outcome by reading the row.
 */
export function recordingSender(db: Db): CommandSender {
  return {
    async send(request, options) {
      const recorded = recordCommand(db, options.orgId, request, options.requestedBy, options.expiresInMs ?? defaultCommandExpiryMs);
      return waitForCommand(db, recorded.id, options.waitMs ?? 0);
    },
  };
}
