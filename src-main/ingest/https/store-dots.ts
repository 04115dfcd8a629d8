import type { DotRejection } from '../../../src-shared/reading';
import type { UbidotsParse } from '../../../src-shared/protocols/ubidots-json';
import { sendJson } from '../../http/body';
import { PersistError } from '../pipeline/persist-error';
import type { IngestResult, Principal } from '../pipeline/types';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

type DotStatus = { status_code: number; message?: string };

/**
 * Hands parsed dots to the pipeline and answers like Ubidots: 200 with a
 * status per dot (201 stored, 400 refused, with why) once they are committed;
 * an error status when nothing could be stored.
 */
export async function storeAndAnswer(x: Exchange, input: { principal: Principal; deviceLabel: string; deviceType?: string | undefined; parsed: UbidotsParse; bytes: number }): Promise<void> {
  const { parsed, deviceLabel } = input;
  if (parsed.error) {
    const status = parsed.error.reason === 'too_large' ? 413 : 400;
    throw new HttpRefusal(status, parsed.error.reason.toUpperCase(), `Nothing was stored: ${parsed.error.message}.`, parsed.error.reason, deviceLabel);
  }
  if (parsed.dots.length === 0 && parsed.rejected.length === 0) {
    throw new HttpRefusal(400, 'NO_VALUES', 'Nothing was stored: the body holds no values. Send {"variable": value, ...}.', 'bad_shape', deviceLabel);
  }
  let result: IngestResult;
  try {
    result = await x.deps.pipeline.ingest({
      principal: input.principal,
      protocol: 'https',
      deviceLabel,
      deviceType: input.deviceType,
      dots: parsed.dots,
      rejected: parsed.rejected,
      bytes: input.bytes,
    });
  } catch (err) {
    if (err instanceof PersistError) {
      // Nothing was stored (the pipeline counts nothing as accepted): the client must send again.
      const status = err.code === 'STORAGE_FULL' ? 507 : 503;
      const error = { code: err.code, message: err.message };
      sendJson(x.res, status, error, err.code === 'OVERLOADED' ? { 'Retry-After': '1' } : {});
      return;
    }
    throw err;
  }
  if (result.refused) {
    // Counted by the pipeline already.
    const status = result.refused.reason === 'unknown_device' ? 404 : 403;
    const code = status === 404 ? 'UNKNOWN_DEVICE' : 'NOT_ALLOWED';
    sendJson(x.res, status, { code, message: `Nothing was stored: ${result.refused.message}.` });
    return;
  }
  const body = perVariable(result);
  if (result.stored.length === 0) {
    sendJson(x.res, 400, { code: 'NO_VALID_VALUES', message: `Nothing was stored: ${result.rejected.map((r) => r.message).join('; ')}.`, ...body });
    return;
  }
  sendJson(x.res, 200, body);
}

function perVariable(result: IngestResult): Record<string, DotStatus[]> {
  // No prototype: a refused variable may be called "__proto__".
  const out = Object.create(null) as Record<string, DotStatus[]>;
  const add = (variable: string, s: DotStatus) => (out[variable] ??= []).push(s);
  for (const s of result.stored) add(s.variable, { status_code: 201 });
  for (const r of result.rejected as DotRejection[]) add(r.variable, { status_code: 400, message: r.message });
  return out;
}
