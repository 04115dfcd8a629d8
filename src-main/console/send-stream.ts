import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ExportStream } from '../../src-shared/api/areas/history';
import type { Logger } from '../logging/logger';

/**
 * Writes an export as it is produced, waiting for the socket to drain before
 * asking for more, so a slow client holds back the producer instead of
 * filling memory. A client that goes away stops the export. Returns the bytes sent.
 */
export async function sendStream(res: ServerResponse, stream: ExportStream, headers: Record<string, string>, logger: Logger): Promise<number> {
  res.writeHead(200, {
    'Content-Type': stream.contentType,
    // The file name is built from a device label and ISO times: no quotes or separators in it.
    'Content-Disposition': `attachment; filename="${stream.filename}"`,
    'Cache-Control': 'no-store',
    ...headers,
  });
  let bytes = 0;
  let closed = false;
  const gone = new Promise<void>((resolve) =>
    res.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  try {
    for await (const chunk of stream.chunks) {
      if (closed) break;
      bytes += Buffer.byteLength(chunk);
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), gone]);
    }
    res.end();
  } catch (err) {
    // Headers are gone: the only way to say "incomplete" is to cut the connection.
    logger.error({ err }, 'export failed part way');
    res.destroy();
  }
  return bytes;
}
