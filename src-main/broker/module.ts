import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { CommandService } from '../commands/service';
import { need, type HubModule } from '../hub-context';
import { serverTlsOptions } from '../security/tls/server-options';
import { closeDanglingSessions } from './queries/mqtt-sessions';
import { createBroker } from './broker';
import { brokerLimits, type BrokerDeps } from './deps';
import { SessionRegistry } from './sessions';
import { brokerTransport } from './transport';

/** How often session counters and outgoing usage are written. */
const accountingIntervalMs = 2_000;
const expiryIntervalMs = 1_000;

/**
 * The MQTT broker (MQTT/TLS on ports.mqtts, plain MQTT on ports.mqtt when
 * switched on) and the command service that reaches devices through it.
 */
export const brokerModule: HubModule = async (ctx) => {
  const pipeline = need(ctx.services, 'pipeline');
  const watcher = need(ctx.services, 'watcher');
  const throttle = need(ctx.services, 'deviceAuthThrottle');
  const closed = closeDanglingSessions(ctx.db, Date.now());
  if (closed > 0) ctx.logger.info({ sessions: closed }, 'MQTT sessions left open by the last run marked closed');

  const sessions = new SessionRegistry(ctx.db, pipeline, ctx.logger);
  const commands = new CommandService(ctx.db, pipeline, ctx.logger);
  ctx.services.commands = commands;
  const deps: BrokerDeps = {
    db: ctx.db,
    logger: ctx.logger,
    pipeline,
    throttle,
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

  const onChange = () => {
    sessions.recheck();
    void commands.pickUp();
  };
  watcher.on('change', onChange);
  const accounting = setInterval(() => void sessions.flush(), accountingIntervalMs);
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
    await sessions.flush();
    await sessions.settled();
  });
};
