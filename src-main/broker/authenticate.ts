import type { AuthenticateError, Client } from 'aedes';
import { resolveIngestToken } from '../access/device-credentials';
import { refusalLog } from '../logging/refusal-log';
import { untrusted } from '../logging/untrusted';
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
 * as a periodic summary, so a client retrying a bad CONNECT cannot flood the log).
 */
export function createAuthenticate(deps: BrokerDeps) {
  const { db, logger, pipeline, throttle, sessions } = deps;
  return (client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void => {
    const address = remoteAddressOf(client);
    const refuse = (returnCode: 4 | 5, reason: 'bad_token' | 'not_authorized' | 'rate_limited', message: string) => {
      refusalLog(logger).refused(address, 'connect', reason, { clientId: untrusted(client.id), returnCode }, `MQTT CONNECT refused: ${message}`);
      pipeline.countRejection('mqtt', reason);
      done(refusal(returnCode, message), false);
    };
    const wait = throttle.blockedFor(address);
    if (wait > 0) return refuse(notAuthorized, 'rate_limited', `too many bad tokens from ${address}; locked for ${Math.ceil(wait / 1000)} s`);
    const passwordText = password ? password.toString('utf8') : '';
    if (!username && !passwordText) return refuse(badUsernameOrPassword, 'bad_token', 'no username: the username must be a device or ingest token');
    let result = resolveIngestToken(db, username);
    if (!result.ok && passwordText) {
      const viaPassword = resolveIngestToken(db, passwordText);
      if (viaPassword.ok) result = viaPassword;
    }
    if (!result.ok) {
      if (result.reason === 'bad_token') throttle.fail(address);
      return refuse(notAuthorized, result.reason, result.message);
    }
    throttle.succeed(address);
    const session = new Session(client, result.principal, address, sessions.countOut);
    sessions.add(session);
    client.conn.once('close', () => sessions.end(client));
    logger.info({ address, clientId: untrusted(client.id), device: session.deviceLabel, kind: result.principal.kind }, 'MQTT client connected');
    done(null, true);
  };
}
