// Loaded with --import into a CLI child: prints its peak resident set size (KiB) on stderr as it exits.
import { writeSync } from 'node:fs';
process.on('exit', () => writeSync(2, `\npeak-rss-kib=${process.resourceUsage().maxRSS}\n`));
