import type { Logger } from '../logging/logger';

export interface AuditEvent {
  /** Who acted: "device:<label>", "ingest-token:<id>", "address:<ip>" ... never a secret. */
  actor: string;
  action: string;
  target: string;
  outcome: 'ok' | 'denied';
  address: string;
  detail?: Record<string, unknown>;
}

/**
 * Where listeners record security-relevant uses (token in a URL, ...). The
 * tamper-evident audit log implements it; until it is wired in, events go to
 * the log.
 */
export interface AuditSink {
  record(e: AuditEvent): void;
}

export function loggingAuditSink(logger: Logger): AuditSink {
  return {
    record(e) {
      logger.warn({ audit: e }, `audit: ${e.action} ${e.outcome}`);
    },
  };
}
