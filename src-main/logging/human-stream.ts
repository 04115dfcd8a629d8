import { Writable } from 'node:stream';

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const skip = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * A message may quote what a client sent: control characters (a line break
 * that forges a log line, an escape sequence that rewrites the terminal) are
 * shown as escapes, as the JSON fields already are.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controls = /[\u0000-\u001f\u007f-\u009f]/g;
const visible = (text: string) => text.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Turns pino's JSON lines into one short line each for a person at a terminal. */
export function humanLogStream(out: NodeJS.WritableStream = process.stderr): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.shown === true) continue;
          const fields = Object.entries(entry)
            .filter(([k]) => !skip.has(k))
            .map(([k, v]) => (k === 'err' && v && typeof v === 'object' ? `error="${(v as { message?: string }).message ?? ''}"` : `${k}=${JSON.stringify(v)}`))
            .join(' ');
          const time = new Date(Number(entry.time)).toISOString().slice(11, 19);
          out.write(`${time} ${(levelNames[Number(entry.level)] ?? 'log').padEnd(5)} ${visible(String(entry.msg ?? ''))}${fields ? `  ${fields}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}
