import { decodePath } from '../../http/decode-path';
import type { Exchange } from './exchange';
import { postDevice } from './device-post';
import { postVariableValues } from './variable-values';
import { getLastValue } from './last-value-get';
import { postAuthToken } from './auth-token';
import { thingsBoardAttributes, thingsBoardTelemetry } from './thingsboard';
import { thingsBoardRpcAnswer, thingsBoardRpcFetch } from './thingsboard-rpc';

export type RouteHandler = (x: Exchange, params: string[]) => Promise<void>;

interface Route {
  /** Matched against the path split on "/" (trailing slash ignored); `*` is a parameter. */
  pattern: string[];
  methods: Record<string, RouteHandler>;
}

const routes: Route[] = [
  { pattern: ['api', 'v1.6', 'auth', 'token'], methods: { POST: postAuthToken } },
  { pattern: ['api', 'v1.6', 'devices', '*'], methods: { POST: postDevice } },
  { pattern: ['api', 'v1.6', 'devices', '*', '*', 'values'], methods: { POST: postVariableValues } },
  { pattern: ['api', 'v1.6', 'devices', '*', '*', 'lv'], methods: { GET: getLastValue } },
  { pattern: ['api', 'v1', '*', 'telemetry'], methods: { POST: thingsBoardTelemetry } },
  { pattern: ['api', 'v1', '*', 'attributes'], methods: { GET: thingsBoardAttributes, POST: thingsBoardAttributes } },
  { pattern: ['api', 'v1', '*', 'rpc'], methods: { GET: thingsBoardRpcFetch } },
  { pattern: ['api', 'v1', '*', 'rpc', '*'], methods: { POST: thingsBoardRpcAnswer } },
];

export type RouteMatch = { route: Route; params: string[] } | null;

export function matchRoute(pathname: string): RouteMatch {
  const segments = pathname.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const want = route.pattern[i]!;
      const got = segments[i]!;
      // An undecodable label fails label validation later with a clear message.
      if (want === '*') params.push(decodePath(got) ?? got);
      else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return null;
}
