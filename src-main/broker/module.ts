import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { DeviceAuth } from '../access/device-authenticate';
import { CommandService } from '../commands/service';
import type { HubContext } from '../hub-context';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { DbWatcher } from '../store/db-watcher';
import { serverTlsOptions } from '../security/tls/server-options';
import { closeDanglingSessions } from './queries/mqtt-sessions';
import { createBroker } from './broker';
import { brokerLimits, type BrokerDeps } from './deps';
import { SessionRegistry } from './sessions';
import { brokerTransport } from './transport';

/** How often session counters and outgoing usage are written. */
const accountingIntervalMs = 2_000;
const expiryIntervalMs = 1_000;

export interface BrokerServices {
  pipeline: Pipeline;
  watcher: DbWatcher;
  access: DeviceAuth;
}

/**
 * The MQTT broker (MQTT/TLS on ports.mqtts, plain MQTT on ports.mqtt when
 * switched on) and the command service that reaches devices through it.
 */
export async function startBroker(ctx: HubContext, { pipeline, watcher, access }: BrokerServices): Promise<CommandService> {
  const closed = closeDanglingSessions(ctx.db, Date.now());
  if (closed > 0) ctx.logger.info({ sessions: closed }, 'MQTT sessions left open by the last run marked closed');

  const sessions = new SessionRegistry(ctx.db, ctx.logger);
  const commands = new CommandService(ctx.db, pipeline, ctx.logger);
  const deps: BrokerDeps = {
    db: ctx.db,
    logger: ctx.logger,
    pipeline,
    access,
    sessions,
    rpc: { answered: (deviceId, id, response) => commands.answered(deviceId, id, response), deviceReady: (deviceId) => void commands.pickUp(deviceId) },
  };
  const broker = await createBroker(deps);
  commands.attach(brokerTransport(deps));

  const { mqtts, mqtt } = ctx.config.ports;
  if (mqtts !== null) {
    const server = createTlsServer({ ...serverTlsOptions(ctx.tls), handshakeTimeout: 10_000 }, (socket) => broker.handle(socket));
    server.maxConnections = brokerLimits.maxConnections;
    server.on('tlsClientError', (err, socket) => ctx.logger.debug({ address: socket.remoteAddress, reason: err.message }, 'MQTT/TLS handshake failed'));
    await ctx.bind('mqtts', server, ctx.config.host, mqtts, '--mqtts-port');
  }
  if (mqtt !== null) {
    const server = createNetServer((socket) => broker.handle(socket));
    server.maxConnections = brokerLimits.maxConnections;
    const address = await ctx.bind('mqtt', server, ctx.config.host, mqtt, '--mqtt-port');
    ctx.flagInsecure(`plain MQTT on port ${address.port}`);
  }

  // A revocation, disable or removal (this process or another) closes the sessions it affects.
  const onChange = () => {
    sessions.recheck(access.stillValid);
    void commands.pickUp();
  };
  watcher.on('change', onChange);
  const accounting = setInterval(() => sessions.flush(), accountingIntervalMs);
  const expiry = setInterval(() => commands.expire(), expiryIntervalMs);
  accounting.unref();
  expiry.unref();
  void commands.pickUp();

  // Registered after the listeners, so it runs before them at stop: closing the
  // clients first lets the servers close at once.
  ctx.onStop('mqtt-broker', async () => {
    watcher.off('change', onChange);
    clearInterval(accounting);
    clearInterval(expiry);
    await broker.close();
    for (const s of [...sessions.all()]) sessions.end(s.client);
    sessions.flush();
  });
  return commands;
}
