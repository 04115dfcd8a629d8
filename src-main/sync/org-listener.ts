import { randomUUID } from 'node:crypto';
import type { Server } from 'node:net';
import type { ListenerAddress } from '../../src-shared/config';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { remoteAddressOf } from '../broker/authenticate';
import { namespaceClientId } from '../broker/client-ids';
import { aedesLimitOptions, handleLimited, mqttLimits } from '../broker/limits';
import { HubPersistence } from '../broker/persistence';
import { StoredSessions, type StoredSessionLimits } from '../broker/stored-sessions';
import { createTlsListener, type TlsListenerLimits } from '../security/tls/listener';
import type { TlsMaterial } from '../security/tls/material';
import { syncCommandSchema, syncFormatVersion, syncTopics, type SyncCommandV2, type SyncReceipt } from '../../src-shared/sync-format';
import { ServiceError, errorMessage } from '../errors';
import { closeServer, listen } from '../lifecycle/listen';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Db } from '../store/database';
import { logSyncCommand } from './queries/sync-command-log';
import { findSiteById, isSiteLive, type SyncSite } from './queries/sync-sites';
import { findSiteDeviceByDevice } from './queries/sync-site-devices';
import { OrgReceiver, type AcceptResult } from './org-receiver';
import { acceptSiteAlarms } from './org-alarms';
import { authenticateSite } from './sites';
import type { AuditEvent } from '../audit/chain';
import { requiredSiteResidencySetting, residencyOf } from '../settings/hub-settings';
import { helloReply } from './hello';
import { parseHelloTopic } from '../../src-shared/sync-hello';

export interface OrgListenerOptions {
  db: Db;
  pipeline: Pipeline;
  logger: Logger;
  tls: TlsMaterial;
  host: string;
  port: number;
  limits: OrgListenerLimits;
  audit?: (event: AuditEvent) => void;
  /** Binds the server as a hub listener (listed in the ready event, closed by the hub); else it listens itself. */
  bind?: (server: Server) => Promise<ListenerAddress>;
}

export interface OrgListenerLimits {
  listener: TlsListenerLimits;
  connectTimeoutMs: number;
  storedSessions: StoredSessionLimits;
}

/** A batch is at most 1,000 readings (maxBatchReadings) with their context: far below this. */
export const orgMaxPacketBytes = 4 * 1024 * 1024;
/** Sites are few, but the cap is what half-open connections fill: as high as the other TLS listeners'. */
export const orgMaxConnections = 4096;

/** A command as the organisation gives it: for one device of one organisation (`org`, its slug on the site) of a site. */
export type OrgCommandInput = Omit<SyncCommandV2, 'v' | 'id'> & { id?: string };

export interface OrgListener {
  readonly port: number;
  readonly receiver: OrgReceiver;
  /** Publishes a command to a site (QoS 1; held for the site while it is offline). */
  sendCommand(siteId: string, command: OrgCommandInput): Promise<string>;
  /** The same, addressed by this hub's device that holds a site device's readings (in organisation `orgId` of this hub). */
  sendCommandToDevice(orgId: number, deviceLabel: string, command: Omit<OrgCommandInput, 'org' | 'device'>): Promise<string>;
  /** Closes the connections of sites revoked since (by this process or another). */
  recheck(): void;
  stop(): Promise<void>;
}

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The organisation end of sync as a small MQTT 3.1.1 listener (aedes over
 * TLS), until the hub's own broker takes the topics over. A site logs in with
 * its site id as user name and its site token as password; it may publish
 * only to its own readings topic and subscribe only to its own commands
 * topic. A batch is acknowledged (PUBACK) only after its readings committed:
 * aedes writes the PUBACK after `authorizePublish` calls back.
 */
export async function startOrgListener(o: OrgListenerOptions): Promise<OrgListener> {
  const receiver = new OrgReceiver(o.db, o.pipeline, o.logger);
  const sites = new Map<Client, SyncSite>();
  /** Each connection's residency label from its hello (null: none); absent: no hello yet. */
  const labels = new Map<Client, string | null>();
  const required = () => residencyOf(o.db, requiredSiteResidencySetting);
  const limits = mqttLimits(orgMaxPacketBytes, o.limits.connectTimeoutMs);
  const persistence = new HubPersistence();
  const stored = new StoredSessions(persistence, o.limits.storedSessions, o.logger, 'sync-org');
  const broker = new Aedes({
    persistence,
    ...aedesLimitOptions(limits),
    authenticate(client, username, password, done) {
      const site = authenticateSite(o.db, username, password?.toString('utf8'));
      if (!site) {
        o.logger.warn({ clientId: client.id.slice(0, 200), site: username?.slice(0, 200), address: remoteAddressOf(client) }, 'sync site login refused');
        done(authError('unknown site or bad site token', 4), false);
        return;
      }
      sites.set(client, site);
      // A site's commands wait in its stored session: no other site may take it over or wipe it.
      namespaceClientId(client, `site:${site.id}`);
      stored.connected(client, `site:${site.id}`, client.clean);
      client.conn.once('close', () => {
        sites.delete(client);
        labels.delete(client);
        stored.disconnected(client);
      });
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // the hub itself (commands)
      const site = sites.get(client);
      if (!site || !isSiteLive(o.db, site.id)) return done(new Error('site token revoked'));
      const isAlarms = packet.topic === syncTopics.alarms(site.siteId);
      if (packet.topic !== syncTopics.readings(site.siteId) && !isAlarms) {
        o.logger.warn({ site: site.siteId, topic: packet.topic }, 'sync site published outside its readings topic');
        return done(new Error('topic not allowed')); // MQTT-3.3.5-2: 3.1.1 has no negative PUBACK; aedes closes the connection
      }
      const want = required();
      if (want !== null && labels.get(client) !== want) {
        // A site that sent no hello, or ignored the refusal: told again, then disconnected (3.1.1 has no negative PUBACK).
        refuseResidency(site, want, labels.get(client));
        return void answer(site, want, labels.get(client)).finally(() => done(new Error('data residency does not match')));
      }
      if (isAlarms) {
        // PUBACK only after the events committed (aedes sends it once `done` is called).
        return void acceptSiteAlarms(o.pipeline, site, packet.payload as Buffer, Date.now()).then(
          () => done(null),
          (err: unknown) => {
            o.logger.warn({ site: site.siteId, detail: errorMessage(err).slice(0, 300) }, 'sync alarm batch not stored; the site keeps it');
            done(err instanceof Error ? err : new Error(String(err)));
          },
        );
      }
      receiver.acceptSiteBatch(site, packet.payload as Buffer).then(
        (result) => {
          done(null);
          // After the PUBACK: the readings refused are the site's to set aside (MQTT 3.1.1 has no negative PUBACK, MQTT-3.3.5-2).
          if (result.refused.length > 0) publishReceipt(site.siteId, result);
        },
        (err: unknown) => {
          o.logger.warn({ site: site.siteId, detail: errorMessage(err) }, 'sync batch not stored; the site keeps it');
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
    },
    authorizeSubscribe(client, sub, done) {
      const site = sites.get(client);
      const hello = site ? parseHelloTopic(site.siteId, sub.topic) : null;
      if (site && hello) {
        // The hello (src-shared/sync-hello.ts): granted, answered once the SUBACK is out ('subscribe' below).
        labels.set(client, hello.residency);
        return done(null, { ...sub, qos: 0 });
      }
      if (!site || (sub.topic !== syncTopics.commands(site.siteId) && sub.topic !== syncTopics.receipts(site.siteId))) return done(new Error('subscription not allowed'), null);
      done(null, sub);
    },
  });
  const publish = (topic: string, body: unknown, qos: 0 | 1 = 1) =>
    new Promise<void>((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
    );
  const refuseResidency = (site: SyncSite, want: string, offered: string | null | undefined) =>
    o.logger.warn(
      { site: site.siteId, required: want, offered: offered === undefined ? 'no hello' : (offered ?? 'none') },
      'sync site refused: its data-residency label does not match the one this hub requires (outpost settings get sync-required-residency); the site is told',
    );
  /** The site waits for this answer before it sends readings. */
  // QoS 0: an answer is for this connection only; at QoS 1 the site's stored session would replay it to the next one.
  const answer = (site: SyncSite, want: string | null, offered: string | null | undefined) =>
    publish(syncTopics.receipts(site.siteId), helloReply(site.siteId, want, offered), 0).catch((err: unknown) =>
      o.logger.warn({ site: site.siteId, detail: errorMessage(err) }, 'sync hello reply not published'),
    );
  broker.on('subscribe', (subs, client) => {
    const site = client ? sites.get(client) : undefined;
    if (!site || !subs.some((s) => parseHelloTopic(site.siteId, s.topic))) return;
    const want = required();
    const offered = labels.get(client);
    if (want !== null && offered !== want) refuseResidency(site, want, offered);
    void answer(site, want, offered);
  });
  const publishReceipt = (siteId: string, result: AcceptResult) => {
    const receipt: SyncReceipt = { v: syncFormatVersion, site: siteId, origin: result.origin, at: Date.now(), refused: result.refused };
    publish(syncTopics.receipts(siteId), receipt).catch((err: unknown) => o.logger.warn({ site: siteId, detail: errorMessage(err) }, 'sync receipt not published'));
  };
  const sendCommand = async (siteId: string, input: OrgCommandInput): Promise<string> => {
    const site = findSiteById(o.db, siteId);
    if (!site || site.revokedAt !== null) throw new ServiceError('UNKNOWN_SITE', `There is no site "${siteId}".`, 404);
    const command = syncCommandSchema.parse({ v: syncFormatVersion, id: input.id ?? randomUUID(), ...input });
    await publish(syncTopics.commands(siteId), { v: syncFormatVersion, ...input, id: command.id });
    logSyncCommand(o.db, { at: Date.now(), side: 'org', siteId, commandId: command.id, org: command.org, device: command.device, outcome: 'sent', detail: `${command.kind} by ${command.requestedBy}` });
    o.audit?.({
      actor: command.requestedBy,
      action: 'sync.command',
      target: `site:${siteId}/org:${command.org}/device:${command.device}`,
      targetLabel: command.device,
      orgId: site.orgId,
      outcome: 'ok',
      address: 'sync',
      detail: { commandId: command.id, kind: command.kind, ...(command.kind === 'control' ? { variable: command.variable, value: command.value } : { method: command.method }) },
    });
    return command.id;
  };
  await broker.listen();
  const server = createTlsListener(o.tls, 'sync-org', o.limits.listener, o.logger, (socket) =>
    handleLimited(broker, socket, limits, (client, length, cmd, limit) =>
      o.logger.warn({ address: remoteAddressOf(client), site: sites.get(client)?.siteId, length, cmd, limit }, 'sync packet over the size limit; connection closed'),
    ),
  );
  const address = o.bind ? await o.bind(server) : await listen(server, 'sync-org', o.host, o.port, '--sync-org-port');

  return {
    port: address.port,
    receiver,
    sendCommand,
    async sendCommandToDevice(orgId, deviceLabel, input) {
      const target = findSiteDeviceByDevice(o.db, orgId, deviceLabel);
      if (!target) throw new ServiceError('UNKNOWN_DEVICE', `Device "${deviceLabel}" does not hold a site's readings, so there is no site to send a command to.`, 404);
      return sendCommand(target.siteId, { ...input, org: target.siteOrg, device: target.siteLabel });
    },
    recheck() {
      for (const [client, site] of sites) {
        if (isSiteLive(o.db, site.id)) continue;
        o.logger.warn({ site: site.siteId }, 'sync site disconnected: its token was revoked');
        sites.delete(client);
        client.close();
      }
    },
    async stop() {
      stored.stop();
      // Clients first: a TLS server's close waits for its open connections.
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      if (!o.bind) await closeServer(server);
    },
  };
}
