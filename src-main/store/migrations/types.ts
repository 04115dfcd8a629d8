import type { Db } from '../database';

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; numbers are consecutive from 1. */
  version: number;
  name: string;
  up(db: Db): void;
}
