import type { AuthenticateError, Client } from 'aedes';
import { isAppToken, type MqttGrant } from '../access/integration-credentials';
import { refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';
import { namespaceClientId } from './client-ids';
import type { BrokerDeps } from './deps';
import { Session } from './session';

/** CONNACK return codes (MQTT-3.2.2.3). */
const badUsernameOrPassword = 4;
const notAuthorized = 5;

export function remoteAddressOf(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
}

function refusal(returnCode: 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * CONNECT: the username is the token; any password is accepted with a valid
 * token (the Ubidots ESP library sends none or the token again), and a token
 * sent as the password with an arbitrary username also works. Every refusal
 * is counted, and logged with the client's address (repeats from one address
 * as a periodic summary, so a client retrying a bad CONNECT cannot flood the
 * log). It is answered after the abuse-control delay for the address
 * (access/abuse-control.ts); a valid token from the same address is never held back.
 */
export function createAuthenticate(deps: BrokerDeps) {
  const { logger, pipeline, access, sessions, stored } = deps;
  return (client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void => {
    const address = remoteAddressOf(client);
    const refuse = (returnCode: 4 | 5, reason: 'bad_token' | 'not_authorized', message: string) => {
      refusalLog(logger).refused(address, 'connect', reason, { clientId: untrusted(client.id), returnCode }, `MQTT CONNECT refused: ${message}`);
      pipeline.countRejection('mqtt', reason, '', 1, { address, message: `CONNECT refused: ${message}` });
      done(refusal(returnCode, message), false);
    };
    const passwordText = password ? password.toString('utf8') : '';
    if (!username && !passwordText) return refuse(badUsernameOrPassword, 'bad_token', 'no username: the username must be a device or ingest token');
    void (async () => {
      // An app token is an integration (docs/INTEGRATIONS.md): checked as the console checks it, never as a device credential.
      const appToken = [username ?? '', passwordText].find(isAppToken);
      const result = appToken ? await access.authenticateIntegration(appToken, address) : await access.authenticate([username ?? '', passwordText], address);
      if (!result.ok) return refuse(notAuthorized, result.reason, result.message);
      if (client.closed) return;
      const clientId = client.id;
      const session = new Session(client, clientId, result.principal, address, sessions.countOut);
      if ('grant' in result) session.integration = (result as { grant: MqttGrant }).grant;
      namespaceClientId(client, session.owner);
      stored.connected(client, session.owner, client.clean, result.principal);
      sessions.add(session);
      client.conn.once('close', () => {
        sessions.end(client);
        stored.disconnected(client);
      });
      logger.info({ address, clientId: untrusted(clientId), device: session.deviceLabel, kind: result.principal.kind, clean: client.clean, ...(session.integration ? { app: untrusted(session.integration.name) } : {}) }, 'MQTT client connected');
      done(null, true);
    })().catch((err: unknown) => {
      logger.error({ err, address }, 'MQTT CONNECT check failed');
      done(refusal(notAuthorized, 'the hub could not check the token'), false);
    });
  };
}
