/**
 * The CLI's standard output and error are often pipes (`outpost readings x
 * --json | jq`, `| head`). A write to a pipe that is full is finished later
 * by the event loop, so exiting right after the last write cuts the output at
 * the pipe's buffer size (64 KiB on Linux); and a reader that goes away makes
 * the next write fail with EPIPE, which unhandled is a stack trace.
 */

/** Exit status when the reader went away: what a shell reports for a process ended by SIGPIPE (128 + 13). */
export const readerGoneExitCode = 141;

let readerGone = false;
let handler: () => void = () => process.exit(readerGoneExitCode);

function onReaderGone(): void {
  if (readerGone) return;
  readerGone = true;
  handler();
}

/** A long-running command (serve) stops cleanly instead of exiting at once. */
export function whenReaderGone(fn: () => void): void {
  handler = fn;
}

/** Turns EPIPE on stdout/stderr into a quiet exit (or the command's own handler). */
export function guardStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
      onReaderGone();
    });
  }
}

/** Exits with `code` once everything written to stdout and stderr has been handed to the pipe or file. */
export function exitWhenFlushed(code: number): void {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0 && !s.destroyed);
  if (pending.length === 0) {
    process.exit(code);
    return;
  }
  let left = pending.length;
  // Writes complete in order, so an empty write's callback means all earlier ones are out.
  for (const s of pending) {
    s.write('', (err) => {
      if (err) process.exit(readerGoneExitCode);
      else if (--left === 0) process.exit(code);
    });
  }
}
