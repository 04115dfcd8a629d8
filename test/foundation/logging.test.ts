import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src-main/logging/logger';
import { issueToken } from '../../src-main/security/tokens';
import { tokenPrefixes, type TokenKind } from '../../src-shared/tokens';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, text: () => lines.join('') };
}

test('no secret reaches the log: by field name at any depth, in headers, in error messages and in URLs', () => {
  const { logger, text } = capture();
  const deviceToken = issueToken('device').token;
  const appToken = issueToken('app').token;
  // Every kind, including ones whose token ends in '-' or '_' (not a word boundary).
  const kindTokens = Object.fromEntries(
    (Object.keys(tokenPrefixes) as TokenKind[]).map((kind) => [`${kind}Token`, `${tokenPrefixes[kind]}_${'A'.repeat(40)}-_-`]),
  );
  const secrets = {
    token: 'tok-value-0001',
    password: 'hunter2-password-value',
    key: 'c0ffee-key-value-0003',
    masterKey: 'master-key-value-0004',
    authorization: 'Basic dXNlcjpwYXNzd29yZA==',
    bearer: 'bearer-secret-value-0006',
    cookie: 'session-cookie-value-0007',
    ubidots: 'BBFF-ubidots-token-0008',
    nested: 'nested-password-value-0009',
    urlToken: 'url-token-value-0010',
    apiKey: 'api-key-value-0011',
  };

  logger.info({ token: secrets.token, password: secrets.password, key: secrets.key, authorization: secrets.authorization }, 'top level fields');
  logger.info({ user: { masterKey: secrets.masterKey, apiKey: secrets.apiKey } }, 'one level down');
  logger.info({ config: { upstream: { mqtt: { password: secrets.nested } } } }, 'three levels down');
  logger.info(
    { req: { method: 'POST', headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `sid=${secrets.cookie}`, 'x-auth-token': secrets.ubidots } } },
    'request',
  );
  logger.error({ err: new Error(`publish refused for ${deviceToken}: header was "Authorization: Bearer ${secrets.bearer}"`) }, 'ingest failed');
  logger.error(new Error(`token ${appToken} expired`), 'error as first argument');
  logger.warn(`GET /api/v1/abc/telemetry?token=${secrets.urlToken}&x=1 took too long`);
  logger.warn({ url: `https://hub.local/ingest?a=1&token=${secrets.urlToken}` }, 'url field');
  logger.info(`device ${deviceToken} connected`);
  for (const t of Object.values(kindTokens)) logger.info(`credential ${t} used`);

  const out = text();
  for (const [what, value] of Object.entries({ ...secrets, deviceToken, appToken, ...kindTokens })) {
    assert.ok(!out.includes(value), `${what} leaked into the log:\n${out}`);
  }
  // The log still says what happened: the redaction is targeted.
  assert.match(out, /ingest failed/);
  assert.match(out, /publish refused for opd_\[REDACTED\]/);
  assert.match(out, /"method":"POST"/);
  assert.match(out, /x=1/);
  assert.match(out, /credential opt_\[REDACTED\] used/);
  assert.equal(out.trim().split('\n').length, 9 + Object.keys(kindTokens).length);
});
