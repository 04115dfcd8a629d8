import { sendJson } from '../../http/body';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

/**
 * `POST /api/v1.6/auth/token` with `x-ubidots-apikey`: an API key buys a
 * short-lived access token (access/api-keys.ts). A bad key is answered after
 * the abuse-control delay for the address.
 */
export async function postAuthToken(x: Exchange): Promise<void> {
  x.req.resume();
  const header = x.req.headers['x-ubidots-apikey'];
  const minted = await x.deps.access.mintAccessToken(typeof header === 'string' ? header : '', x.address);
  if (!minted) throw new HttpRefusal(401, 'BAD_API_KEY', 'Refused: the x-ubidots-apikey header is missing, or the API key is unknown or revoked.', 'bad_token');
  sendJson(x.res, 201, { token: minted.token, expiresAt: minted.expiresAt });
}
