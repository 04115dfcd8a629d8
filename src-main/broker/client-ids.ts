import type { Client } from 'aedes';

/**
 * aedes keys connections and stored sessions by client id alone, so any
 * client that reused another's id took its connection over (MQTT-3.1.4-2)
 * and, with clean session 0, its stored subscriptions and queued messages.
 * Once authenticated, the id is namespaced by its owner (a device, a token or
 * a site): the takeover rule then applies only between connections of the
 * same owner. Returns the id the client sent.
 */
export function namespaceClientId(client: Client, owner: string): string {
  const own = client.id;
  client.id = `${owner}/${own}`;
  return own;
}
