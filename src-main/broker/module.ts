import { createServer as createNetServer } from 'node:net';
import type { DeviceAuth } from '../access/device-authenticate';
import { CommandService } from '../commands/service';
import type { HubContext } from '../hub-context';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import { limitConnections } from '../lifecycle/connection-limits';
import { createTlsListener, listenerLimits } from '../security/tls/listener';
import type { DbWatcher } from '../store/db-watcher';
import { closeDanglingSessions } from './queries/mqtt-sessions';
import { createBroker } from './broker';
import { brokerLimits, type ApiSlot, type BrokerDeps } from './deps';
import { packageVersion } from '../paths';
import { mqttLimits, storedSessionLimits } from './limits';
import { HubPersistence } from './persistence';
import type { Session } from './session';
import { SessionRegistry } from './sessions';
import { StoredSessions } from './stored-sessions';
import { brokerTransport } from './transport';

/** How often session counters and outgoing usage are written. */
const accountingIntervalMs = 2_000;
const expiryIntervalMs = 1_000;

export interface BrokerServices {
  pipeline: Pipeline;
  watcher: DbWatcher;
  access: DeviceAuth;
  /** Filled once the console API exists: integration commands go through it (docs/INTEGRATIONS.md). */
  api?: ApiSlot;
}

/**
 * The MQTT broker (MQTT/TLS on ports.mqtts, plain MQTT on ports.mqtt when
 * switched on) and the command service that reaches devices through it.
 */
export async function startBroker(ctx: HubContext, { pipeline, watcher, access, api }: BrokerServices): Promise<CommandService> {
  const closed = closeDanglingSessions(ctx.db, Date.now());
  if (closed > 0) ctx.logger.info({ sessions: closed }, 'MQTT sessions left open by the last run marked closed');

  const sessions = new SessionRegistry(ctx.db, pipeline, ctx.logger);
  const persistence = new HubPersistence();
  const stored = new StoredSessions(persistence, storedSessionLimits(ctx.config), ctx.logger, 'mqtt');
  const commands = new CommandService(ctx.db, pipeline, ctx.logger);
  const deps: BrokerDeps = {
    db: ctx.db,
    logger: ctx.logger,
    pipeline,
    access,
    sessions,
    stored,
    limits: mqttLimits(brokerLimits.maxPacketBytes, ctx.config.limits.connectTimeoutMs),
    api: api ?? { registry: null },
    rpc: { answered: (deviceId, id, response) => commands.answered(deviceId, id, response), deviceReady: (deviceId) => void commands.pickUp(deviceId) },
  };
  const broker = await createBroker(deps, persistence, { hubId: ctx.identity.hubId, version: packageVersion() });
  commands.attach(brokerTransport(deps));

  const { mqtts, mqtt } = ctx.config.ports;
  if (mqtts !== null) {
    const server = createTlsListener(ctx.tls, 'mqtts', listenerLimits(ctx.config, brokerLimits.maxConnections), ctx.logger, (socket) => broker.handle(socket));
    await ctx.bind('mqtts', server, ctx.config.host, mqtts, '--mqtts-port');
  }
  if (mqtt !== null) {
    const server = createNetServer((socket) => broker.handle(socket));
    limitConnections(server, 'mqtt', listenerLimits(ctx.config, brokerLimits.maxConnections), ctx.logger);
    const address = await ctx.bind('mqtt', server, ctx.config.host, mqtt, '--mqtt-port');
    ctx.flagInsecure(`plain MQTT on port ${address.port}`);
  }

  // A closing integration session is first told which discovery configs it may no longer read (its Home Assistant removes those sensors).
  const lastWords = (s: Session) => broker.tree.lostConfigs(s);
  // A revocation, disable or removal (this process or another) closes the sessions it affects.
  const onChange = () => {
    sessions.recheck(access.stillValid, undefined, lastWords);
    // A revoked credential's stored sessions go too: nothing keeps queueing for it.
    stored.revoke(access.stillValid);
    broker.tree.refresh();
    void commands.pickUp();
  };
  watcher.on('change', onChange);
  const accounting = setInterval(() => {
    void sessions.flush();
    const dropped = persistence.takeDropped();
    if (dropped.size > 0) {
      const sample = [...dropped].slice(0, 5).map(([id, n]) => `${id.slice(0, 80)}: ${n}`);
      ctx.logger.warn({ sessions: dropped.size, sample }, 'messages dropped from full queues of offline MQTT sessions (oldest first): resume those sessions or stop them subscribing');
    }
  }, accountingIntervalMs);
  const expiry = setInterval(() => {
    try {
      commands.expire();
      // App tokens and API-key access tokens also end by time, which no database change announces: their sessions
      // are re-checked on this timer too (device tokens do not expire; they are re-checked on changes only).
      sessions.recheck(access.stillValid, (p) => p.kind === 'app' || p.kind === 'apiKey', lastWords);
      broker.tree.recheckExpiry(Date.now());
    } catch (err) {
      // A timer that throws would end the process: say so and try again at the next tick.
      ctx.logger.error({ err }, 'command expiry or session re-check failed; retrying in a second');
    }
  }, expiryIntervalMs);
  accounting.unref();
  expiry.unref();
  void commands.pickUp();

  // Registered after the listeners, so it runs before them at stop: closing the
  // clients first lets the servers close at once.
  ctx.onStop('mqtt-broker', async () => {
    watcher.off('change', onChange);
    clearInterval(accounting);
    clearInterval(expiry);
    stored.stop();
    await broker.close();
    for (const s of [...sessions.all()]) sessions.end(s.client);
    await sessions.flush();
    await sessions.settled();
  });
  return commands;
}
