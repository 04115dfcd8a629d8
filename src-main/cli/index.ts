import { main } from './main';
import { exitWhenFlushed, guardStdio } from './stdio';

guardStdio();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Open handles (keychain D-Bus connection, pino) must not keep a finished command alive,
    // but the output must reach the reader first.
    exitWhenFlushed(code);
  },
  (err: unknown) => {
    process.stderr.write(`outpost: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`);
    exitWhenFlushed(1);
  },
);
