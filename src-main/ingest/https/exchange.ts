import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logging/logger';
import type { Pipeline } from '../pipeline/pipeline';
import type { Db } from '../../store/database';
import type { DeviceAuth } from '../../access/device-authenticate';

export interface HttpsIngestDeps {
  db: Db;
  pipeline: Pipeline;
  logger: Logger;
  access: DeviceAuth;
  /** The `ingest.tokenInUrl` setting as the running hub last read it. */
  tokenInUrl: () => boolean;
  maxBodyBytes: number;
  /** Commands for devices that only use HTTPS (ThingsBoard `/api/v1/{token}/rpc`, Ubidots `/lv`); absent: none are delivered. */
  rpc?: HttpsRpc;
}

/** What the HTTPS listener needs of the command service (commands/service.ts). */
export interface HttpsRpc {
  fetchRpc(deviceId: number): { id: string; method: string | null; params: unknown } | null;
  answered(deviceId: number, id: string, response: unknown): boolean;
  /** Applies pending control values of this variable before its last value is read. */
  fetchControl(deviceId: number, variable: string): Promise<void>;
}

/** One request in flight, with what every handler needs. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  address: string;
  deps: HttpsIngestDeps;
  /** Once the token is known: whose refusal a later one is (the device page and the Hub page's counters need it). */
  refusalOwner?: { orgId: number; deviceId: number | null };
}
