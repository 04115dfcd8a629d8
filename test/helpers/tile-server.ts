import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { tempDir } from './tmp';

/** A 256x256 RGB PNG (PNG spec, sections 5 and 11): pale land with darker lines every 64 px, like a quiet map. */
export function tilePng(): Buffer {
  const size = 256;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const line = x % 64 === 0 || y % 64 === 0;
      row.set(line ? [200, 190, 170] : [236, 232, 220], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

export interface TileServer {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** The server's certificate (PEM), for the browser to trust by its public key. */
  certPem: string;
  /** Tile requests answered so far, by path. */
  requests: string[];
}

/**
 * A map tile server on 127.0.0.1 port 0 with its own self-signed certificate
 * (made by openssl for this test): a PNG for any /{z}/{x}/{y}.png (with or without a query), 404 otherwise,
 * every request counted.
 */
export async function startTileServer(): Promise<TileServer> {
  const dir = tempDir();
  const key = join(dir, 'tiles.key');
  const cert = join(dir, 'tiles.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 20_000 });
  const png = tilePng();
  const requests: string[] = [];
  const certPem = readFileSync(cert, 'utf8');
  const server = createServer({ key: readFileSync(key), cert: certPem }, (req, res) => {
    requests.push(req.url ?? '');
    if (req.method === 'GET' && /^\/\d{1,2}\/\d{1,7}\/\d{1,7}\.png(\?[\w=&-]*)?$/.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length, 'Cache-Control': 'no-store' }).end(png);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, certPem, requests };
}
