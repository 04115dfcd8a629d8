import { BodyError, readBody } from '../../http/body';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON body as text, after the content-type, size and encoding checks. */
export async function readJsonText(x: Exchange, deviceLabel: string): Promise<{ text: string; bytes: number }> {
  const type = (x.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    x.req.resume();
    throw new HttpRefusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The body must be JSON sent with "Content-Type: application/json"; got ${type ? `"${type.slice(0, 64)}"` : 'no Content-Type'}.`,
      'bad_request',
      deviceLabel,
    );
  }
  let body: Buffer;
  try {
    body = await readBody(x.req, x.deps.maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyError && err.status === 413) {
      // The rest of an oversize body is not worth reading: close the connection after answering.
      throw new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `${err.message} Send fewer values per request.`, 'too_large', deviceLabel, { Connection: 'close' });
    }
    if (err instanceof BodyError) throw new HttpRefusal(err.status, err.code, err.message, 'bad_request', deviceLabel);
    throw err;
  }
  try {
    return { text: utf8.decode(body), bytes: body.length };
  } catch {
    throw new HttpRefusal(400, 'BAD_JSON', 'The body is not valid UTF-8 text, so it cannot be JSON.', 'bad_json', deviceLabel);
  }
}
