// Load generator for bench/ingest/https.ts, run as its own process so the
// client's CPU is not the server's. Node's own https client spends more CPU
// per request than the server does (about 2,400 requests/s on one core here),
// so this speaks HTTP/1.1 over keep-alive TLS sockets directly: each
// connection sends one request, reads the whole response, sends the next.
//   node --import tsx bench/ingest/https-load.ts --url URL --ca FILE [--token T] [--vars N] [--connections N] [--seconds N]
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    ca: { type: 'string' },
    token: { type: 'string', default: '' },
    vars: { type: 'string', default: '1' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
  },
});
const url = new URL(values.url!);
const ca = readFileSync(values.ca!, 'utf8');
const vars = Number(values.vars);
const connections = Number(values.connections);

let seq = 0;
function request(): string {
  seq += 1;
  const dot: Record<string, number> = {};
  for (let v = 0; v < vars; v++) dot[`v${v}`] = seq + v / 100;
  const body = JSON.stringify(dot);
  return (
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nX-Auth-Token: ${values.token}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

const statuses: Record<number, number> = {};
let counting = false;
let requests = 0;
let stopAt = Infinity;

/** One keep-alive connection: request, whole response, next request, until `stopAt`. */
async function connection(): Promise<void> {
  const socket: TLSSocket = connect({ host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, port: Number(url.port), ca, servername: 'localhost' });
  socket.setNoDelay(true);
  await once(socket, 'secureConnect');
  let buffer: Buffer = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        const headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = buffer.subarray(0, headEnd).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        buffer = buffer.subarray(headEnd + 4 + length);
        const status = Number(head.slice(9, 12));
        if (counting) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          requests += 1;
        }
        if (Date.now() >= stopAt) socket.end();
        else socket.write(request());
      }
    });
    socket.write(request());
  });
}

const pending = Array.from({ length: connections }, () => connection());
await new Promise((r) => setTimeout(r, Number(values.warmup) * 1000));
counting = true;
const started = process.hrtime.bigint();
stopAt = Date.now() + Number(values.seconds) * 1000;
await Promise.all(pending);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ requests, statuses, seconds })}\n`);
