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
