import type { Principal } from './pipeline/types';

/**
 * What the HTTPS listener needs from the API-key service (Ubidots
 * `POST /api/v1.6/auth/token`): mint a short-lived access token from an API
 * key, and resolve such a token when a device or app presents it.
 */
export interface ApiKeyService {
  /** null when the API key is unknown or revoked. */
  mintAccessToken(apiKey: string, remoteAddress: string): Promise<{ token: string } | null>;
  /** null when the token is unknown, expired or not an access token. */
  verifyAccessToken?(token: string, remoteAddress: string): Promise<Principal | null>;
}
