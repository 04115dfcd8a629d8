import { isHubError, ServiceError } from '../errors';
import { dataDirOf } from './args';
import { openStore, type OpenStore } from './open-store';
import type { Output } from './output';

/**
 * Opens the hub's store for one command, runs `fn`, and closes it; refusals
 * (ServiceError, HubError) become clear CLI errors, anything else is a bug.
 */
export async function withStore(values: { 'data-dir'?: string | undefined; 'key-file'?: string | undefined }, out: Output, fn: (store: OpenStore) => Promise<number> | number): Promise<number> {
  let store: OpenStore;
  try {
    store = await openStore(dataDirOf(values), values['key-file']);
  } catch (err) {
    return out.fail(err);
  }
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof ServiceError || isHubError(err)) return out.fail(err);
    throw err;
  } finally {
    store.close();
  }
}
