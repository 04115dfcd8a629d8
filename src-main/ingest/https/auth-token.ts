import { sendJson } from '../../http/body';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

/**
 * `POST /api/v1.6/auth/token` with `x-ubidots-apikey`: an API key buys a
 * short-lived access token. The API-key service lives elsewhere (aaa); without
 * it the route says so instead of pretending.
 */
export async function postAuthToken(x: Exchange): Promise<void> {
  x.req.resume();
  const service = x.deps.apiKeys();
  if (!service) {
    throw new HttpRefusal(501, 'NOT_IMPLEMENTED', 'This hub does not issue access tokens from API keys yet. Send a device token (outpost device add) or an ingest token (outpost token add) in X-Auth-Token.', null);
  }
  const wait = x.deps.auth.throttle.blockedFor(x.address);
  if (wait > 0) {
    throw new HttpRefusal(429, 'TOO_MANY_BAD_TOKENS', `Refused: too many bad credentials from ${x.address}; try again in ${Math.ceil(wait / 1000)} s.`, 'rate_limited', '', {
      'Retry-After': String(Math.ceil(wait / 1000)),
    });
  }
  const header = x.req.headers['x-ubidots-apikey'];
  const apiKey = typeof header === 'string' ? header : '';
  const minted = apiKey && apiKey.length <= 4096 ? await service.mintAccessToken(apiKey, x.address) : null;
  if (!minted) {
    x.deps.auth.throttle.fail(x.address);
    throw new HttpRefusal(401, 'BAD_API_KEY', 'Refused: the x-ubidots-apikey header is missing, or the API key is unknown or revoked.', 'bad_token');
  }
  x.deps.auth.throttle.succeed(x.address);
  const expiresAt = (minted as { expiresAt?: unknown }).expiresAt;
  sendJson(x.res, 201, typeof expiresAt === 'number' ? { token: minted.token, expiresAt } : { token: minted.token });
}
