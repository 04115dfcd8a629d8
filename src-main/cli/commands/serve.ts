import { createHub, type Hub } from '../../hub';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../logging/logger';
import { humanLogStream } from '../../logging/human-stream';
import { openLogFile, type LogFile } from '../../logging/log-file';
import type { HubConfigInput } from '../../../src-shared/config';
import { commonOptions, dataDirOf, numberOption, optionalPortOption, parse, portOption } from '../args';
import { createOutput } from '../output';
import { cliCommand } from '../invocation';
import { setupRoute } from '../../../src-shared/setup';
import { readerGoneExitCode, whenReaderGone } from '../stdio';

export const serveHelp = `outpost serve [options]
  Runs the hub without a window; the console is served over HTTPS.

  --data-dir DIR       where the encrypted database, certificates and settings live
  --key-file FILE      master key file (mode 0600) for machines without an OS keychain
  --host H             address for device listeners (default 0.0.0.0)
  --console-host H     address for the console (default 127.0.0.1)
  --https-port N       HTTPS ingest (default 8443; 0 = any free port; off)
  --mqtts-port N       MQTT over TLS (default 8883; 0 = any free port; off)
  --mqtt-port N        plain MQTT (default off)
  --tcps-port N        Ubidots TCP over TLS (default off)
  --tcp-port N         Ubidots TCP in clear (default off)
  --sync-org-port N    act as the organisation: accept sites syncing here (default off)
  --console-port N     console (default 8444; 0 = any free port)
  --tls-cert FILE --tls-key FILE   use your own certificate instead of the hub's CA
  --max-connections-per-address N  open connections one address (IPv6: one /64) may hold per listener (default 256)
  --mqtt-session-expiry-days D     delete a stored MQTT session (clean session 0) unused this long (default 7)
  --mqtt-sessions-per-token N      stored MQTT sessions per device or token (default 100; the oldest goes)
  --log-level L        fatal|error|warn|info|debug|trace (default info)
  --json               print one JSON event per line on stdout`;

export async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...commonOptions,
    host: { type: 'string' },
    'console-host': { type: 'string' },
    'https-port': { type: 'string' },
    'mqtts-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'tcps-port': { type: 'string' },
    'tcp-port': { type: 'string' },
    'sync-org-port': { type: 'string' },
    'console-port': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'log-level': { type: 'string' },
    'max-connections-per-address': { type: 'string' },
    'mqtt-session-expiry-days': { type: 'string' },
    'mqtt-sessions-per-token': { type: 'string' },
  });
  const out = createOutput(values.json);
  if (values.help) {
    out.line(serveHelp);
    return 0;
  }
  const ports: NonNullable<HubConfigInput['ports']> = {};
  const set = (name: keyof typeof ports, value: number | null | undefined) => {
    if (value !== undefined) (ports as Record<string, number | null>)[name] = value;
  };
  set('https', optionalPortOption(values['https-port'], '--https-port'));
  set('mqtts', optionalPortOption(values['mqtts-port'], '--mqtts-port'));
  set('mqtt', optionalPortOption(values['mqtt-port'], '--mqtt-port'));
  set('tcps', optionalPortOption(values['tcps-port'], '--tcps-port'));
  set('tcp', optionalPortOption(values['tcp-port'], '--tcp-port'));
  set('syncOrg', optionalPortOption(values['sync-org-port'], '--sync-org-port'));
  set('console', portOption(values['console-port'], '--console-port'));

  const limits: NonNullable<HubConfigInput['limits']> = {};
  const perAddress = numberOption(values['max-connections-per-address'], '--max-connections-per-address', { integer: true, min: 1 });
  if (perAddress !== undefined) limits.maxConnectionsPerAddress = perAddress;
  const expiryDays = numberOption(values['mqtt-session-expiry-days'], '--mqtt-session-expiry-days', { integer: false, min: 0 });
  if (expiryDays !== undefined) limits.mqttSessionExpiryDays = expiryDays;
  const perToken = numberOption(values['mqtt-sessions-per-token'], '--mqtt-sessions-per-token', { integer: true, min: 1 });
  if (perToken !== undefined) limits.mqttSessionsPerToken = perToken;

  const config: HubConfigInput = {
    dataDir: dataDirOf(values),
    ports,
    limits,
    ...(values.host ? { host: values.host } : {}),
    ...(values['console-host'] ? { consoleHost: values['console-host'] } : {}),
    ...(values['key-file'] ? { keyFile: values['key-file'] } : {}),
    ...(values['tls-cert'] || values['tls-key'] ? { tls: { certFile: values['tls-cert'] ?? '', keyFile: values['tls-key'] ?? '' } } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'] as 'info' } : {}),
  };
  const { logger, logFile } = serveLogger(config.dataDir, values['log-level'] ?? 'info', values.json);

  let hub: Hub;
  try {
    hub = await createHub(config, { logger });
  } catch (err) {
    // `shown`: the CLI prints this error itself; the terminal log stream skips it.
    logger.error({ err, shown: true }, 'hub failed to start');
    await logFile?.close();
    return out.fail(err);
  }

  // Signal handlers go in before the ready line: a supervisor may send SIGTERM
  // the moment it reads it, and the default action would kill the hub mid-write.
  const stopped = new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      const code = signal === 'SIGPIPE' ? readerGoneExitCode : 0;
      signals += 1;
      if (signals > 1) {
        out.event('stopped', { signal, forced: true }, 'Stopped without finishing shutdown.');
        resolve(1);
        return;
      }
      logger.info({ signal }, 'stopping');
      void hub.stop().then(() => {
        out.event('stopped', { signal }, 'Outpost hub stopped.');
        resolve(code);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Whoever read stdout or stderr went away (a supervisor's pipe closed): stop as on SIGTERM, without a stack trace.
    // While already stopping, the failed write of the `stopped` event is no second signal.
    whenReaderGone(() => signals === 0 && onSignal('SIGPIPE'));
  });

  const consoleUrl = `https://${urlHost(hub.listeners.console?.host ?? '127.0.0.1')}:${hub.listeners.console?.port}/`;
  const setupUrl = hub.setupCode ? `${consoleUrl}${setupRoute(hub.setupCode)}` : null;
  const target = { dataDir: hub.config.dataDir, keyFile: hub.config.keyFile };
  // The one-time code must reach whoever installs the hub: terminal, `ready` event and the log file.
  if (setupUrl) logger.info({ setupUrl }, 'no account exists yet: open the setup address to create the owner (valid one hour, once)');
  out.event(
    'ready',
    {
      hubId: hub.identity.hubId,
      dataDir: hub.config.dataDir,
      listeners: hub.listeners,
      consoleUrl,
      caFingerprint: hub.tls.caFingerprint,
      insecure: hub.status().insecure,
      setupUrl,
    },
    [
      `Outpost hub ${hub.identity.hubId} is running (data in ${hub.config.dataDir}).`,
      ...Object.entries(hub.listeners).map(([name, a]) => `  ${name.padEnd(8)} ${a.host}:${a.port}`),
      `Console: ${consoleUrl}`,
      `CA fingerprint (SHA-256): ${hub.tls.caFingerprint}`,
      ...(setupUrl
        ? [
            '',
            'No account exists yet. Create the owner account in the console (this address works once, for one hour):',
            `  ${setupUrl}`,
            `From a script instead: ${cliCommand(['user', 'add', 'you@example.com', '--role', 'owner', '--password-stdin'], target)}`,
            '',
          ]
        : []),
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );

  const code = await stopped;
  await logFile?.close();
  return code;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Logs go to <data-dir>/logs/outpost.log (JSON, every level asked for,
 * rotated by size: see logging/log-file.ts) and to stderr: JSON with --json,
 * else one short line each for warnings and errors.
 */
function serveLogger(dataDir: string, level: string, json: boolean): { logger: Logger; logFile: LogFile | null } {
  const streams: { level: string; stream: NodeJS.WritableStream }[] = [
    json ? { level, stream: process.stderr } : { level: level === 'silent' ? 'silent' : 'warn', stream: humanLogStream() },
  ];
  let logFile: LogFile | null = null;
  try {
    const dir = join(dataDir, 'logs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    logFile = openLogFile(dir);
    streams.push({ level, stream: logFile.stream });
  } catch {
    // The data dir problem itself is reported by createHub with its fix.
  }
  return { logger: createLogger({ level, destination: pino.multistream(streams as Parameters<typeof pino.multistream>[0]) }), logFile };
}
