import type { HubContext } from '../../hub-context';
import { readSetting, tokenInUrlSetting } from '../../settings/hub-settings';
import type { DbWatcher } from '../../store/db-watcher';

/**
 * The "token in URL" switch as the running hub sees it: read at start and
 * again whenever another process (the CLI) commits, with the insecure flag in
 * the hub status following it.
 */
export function watchTokenInUrl(ctx: HubContext, watcher: DbWatcher): () => boolean {
  let enabled = false;
  let clearFlag: (() => void) | undefined;
  const apply = () => {
    const now = readSetting(ctx.db, tokenInUrlSetting);
    if (now === enabled && (clearFlag !== undefined) === now) return;
    enabled = now;
    if (now) {
      clearFlag ??= ctx.flagInsecure(tokenInUrlSetting.insecureWhen!.flag);
    } else {
      clearFlag?.();
      clearFlag = undefined;
      ctx.logger.info('token in URL is off again');
    }
  };
  apply();
  watcher.on('change', apply);
  ctx.onStop('token-in-url-watch', () => void watcher.off('change', apply));
  return () => enabled;
}
