import { createStream, type FileSize } from 'rotating-file-stream';

/** How big the hub's log may get: `files` rotated files of about `maxBytes` each, besides the current one. */
export interface LogFileLimits {
  maxBytes: number;
  files: number;
}

export const defaultLogFileLimits: LogFileLimits = { maxBytes: 10 * 1024 * 1024, files: 5 };

export interface LogFile {
  stream: NodeJS.WritableStream;
  /** Writes out what is buffered and closes the file. */
  close(): Promise<void>;
}

/**
 * `<dir>/outpost.log`, rotated by size in the classic logrotate way
 * (`outpost.log.1` is the newest old file, `outpost.log.<files>` the oldest;
 * older ones are deleted), written asynchronously so a burst of log lines
 * never blocks the event loop. The log is at most about
 * (files + 1) x maxBytes on disk, whatever clients send.
 */
export function openLogFile(dir: string, limits: LogFileLimits = defaultLogFileLimits): LogFile {
  const stream = createStream('outpost.log', { path: dir, size: `${limits.maxBytes}B` as FileSize, rotate: limits.files, mode: 0o600 });
  let reported = false;
  stream.on('error', (err: Error) => {
    // A full or read-only disk must not take the hub down with it; say so once on stderr.
    if (!reported) process.stderr.write(`outpost: the log file in ${dir} cannot be written (${err.message}); logging continues on stderr only.\n`);
    reported = true;
  });
  return {
    stream,
    close: () =>
      new Promise((resolve) => {
        if (stream.writableFinished || stream.destroyed) return resolve();
        stream.once('finish', () => resolve());
        stream.once('error', () => resolve());
        stream.end();
      }),
  };
}
