import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '../http/body';
import { AaaError } from './errors';
import { normaliseAddress } from './ip-allowlist';
import type { AaaService } from './service';
import { lockout } from './sessions';

/**
 * Ubidots `POST /api/v1.6/auth/token` with header `x-ubidots-apikey`: answers
 * `{ "token": "<jwt>" }`. For the device-facing HTTPS listener to mount; bad
 * keys count towards the address lockout like bad passwords.
 */
export async function handleAuthTokenRequest(aaa: AaaService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const address = normaliseAddress(req.socket.remoteAddress ?? '');
  const locks = lockout(aaa.ctx);
  const locked = locks.lockedFor(`address:${address}`);
  if (locked > 0) {
    const seconds = Math.ceil(locked / 1000);
    sendError(res, 429, { code: 'LOCKED_OUT', message: `Too many bad API keys from your address; try again in ${seconds} s.` }, { 'Retry-After': String(seconds) });
    return;
  }
  const header = req.headers['x-ubidots-apikey'];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (!apiKey) {
    sendError(res, 400, { code: 'API_KEY_MISSING', message: 'Send your API key in the x-ubidots-apikey header. Create one with `outpost apikey add NAME`.' });
    return;
  }
  try {
    const { token, expiresAt } = await aaa.mintAccessToken(apiKey, address);
    locks.succeed(`address:${address}`);
    sendJson(res, 201, { token, expiresAt });
  } catch (err) {
    if (!(err instanceof AaaError)) throw err;
    locks.fail(`address:${address}`);
    sendError(res, err.status, { code: err.code, message: err.message }, err.headers);
  }
}
