import type { RejectionReason } from '../../../src-shared/reading';

/**
 * A request the HTTPS listener refuses: thrown from any handler, answered as
 * `{"code","message"}` with `status`, and counted under `reason` in
 * rejections_hourly (when it has one).
 */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason: RejectionReason | null,
    readonly deviceLabel = '',
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
