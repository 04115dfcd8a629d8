import { EventEmitter } from 'node:events';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Principal } from '../access/principal';
import type { Db } from '../store/database';
import { setAttributes } from '../devices/queries/device-attributes';
import { deviceByTrustedId } from '../devices/queries/devices';
import { anyCommandExpired, devicesWithExpiredCommands, expireCommands, oldestPendingRpc, markAnswered, markApplied, markDelivered, openCommands, type Command } from './queries/commands';
import { defaultCommandExpiryMs, recordCommand, type CommandRequest } from './request';
import type { CommandTransport } from './transport';
import { waitForCommand } from './wait';

export interface SendOptions {
  orgId: number;
  requestedBy: string;
  /** How long `send` waits for a final status (delivered control value / answered RPC). */
  waitMs?: number;
  /** After this the command is expired if it has not reached the device. */
  expiresInMs?: number;
}

/**
 * Commands to devices: a control value (a reading written through the
 * pipeline as the hub, which Ubidots subscribers receive on `/lv` and
 * ThingsBoard devices as a shared attribute) or an RPC. Rows in `commands`
 * may come from this process (`send`) or from the CLI in another process;
 * `pickUp` delivers whatever is pending, and is called on database changes,
 * at start and when a device subscribes.
 */
export class CommandService {
  /** `command` ({ deviceId }) after a command of the device was recorded or changed state here: the live channel tells consoles. */
  readonly events = new EventEmitter<{ command: [{ deviceId: number }] }>();
  private transport: CommandTransport | null = null;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly pipeline: Pipeline,
    private readonly logger: Logger,
  ) {
    // One listener per open console socket.
    this.events.setMaxListeners(0);
  }

  attach(transport: CommandTransport): void {
    this.transport = transport;
  }

  async send(request: CommandRequest, options: SendOptions): Promise<Command> {
    const command = recordCommand(this.db, options.orgId, request, options.requestedBy, options.expiresInMs ?? defaultCommandExpiryMs);
    this.changed(command.deviceId);
    await this.pickUp(command.deviceId);
    return waitForCommand(this.db, command.id, options.waitMs ?? 0);
  }

  /** Delivers pending commands (one device or all); serialised so a command is never applied twice. */
  pickUp(deviceId?: number): Promise<void> {
    const run = this.busy.then(() => this.deliverPending(deviceId));
    this.busy = run.catch((err: unknown) => this.logger.error({ err }, 'command delivery failed'));
    return this.busy;
  }

  /** A device answered RPC `id` on `v1/devices/me/rpc/response/{id}`. */
  answered(deviceId: number, id: string, response: unknown): boolean {
    if (markAnswered(this.db, id, deviceId, response, Date.now())) {
      this.logger.info({ command: id, deviceId }, 'RPC answered');
      this.changed(deviceId);
      return true;
    }
    this.logger.warn({ command: id, deviceId }, 'RPC answer for no open command of this device; ignored');
    return false;
  }

  /**
   * A device without MQTT fetches its oldest pending RPC over HTTPS
   * (ThingsBoard `GET /api/v1/{token}/rpc`): handing it over is delivery.
   */
  fetchRpc(deviceId: number): Command | null {
    this.expire();
    const c = oldestPendingRpc(this.db, deviceId);
    if (c) this.delivered(c);
    return c;
  }

  /**
   * A device without MQTT reads a variable's last value over HTTPS (Ubidots
   * `GET .../{variable}/lv`): pending control values of that variable take
   * effect first, so the answer is the commanded value, and count as delivered.
   */
  fetchControl(deviceId: number, variable: string): Promise<void> {
    const run = this.busy.then(async () => {
      this.expire();
      const device = deviceByTrustedId(this.db, deviceId);
      if (!device) return;
      for (const c of openCommands(this.db, deviceId)) if (c.kind === 'control' && c.variable === variable) await this.deliverControl(c, device.orgId, device.label, true);
    });
    this.busy = run.catch((err: unknown) => this.logger.error({ err }, 'command delivery over HTTPS failed'));
    return run;
  }

  expire(): void {
    const now = Date.now();
    if (!anyCommandExpired(this.db, now)) return;
    const devices = devicesWithExpiredCommands(this.db, now);
    const n = expireCommands(this.db, now);
    if (n > 0) this.logger.info({ expired: n }, 'commands expired before reaching their device');
    for (const deviceId of devices) this.changed(deviceId);
  }

  private async deliverPending(deviceId?: number): Promise<void> {
    this.expire();
    for (const c of openCommands(this.db, deviceId)) {
      const device = deviceByTrustedId(this.db, c.deviceId);
      if (!device) continue;
      if (c.kind === 'control') await this.deliverControl(c, device.orgId, device.label);
      else if (this.transport?.sendRpc(c.deviceId, c.id, c.method ?? '', c.params)) this.delivered(c);
    }
  }

  /**
   * A control value takes effect when a device can receive it: until then it
   * stays pending (and an expired one never changes anything).
   */
  private async deliverControl(c: Command, orgId: number, label: string, fetched = false): Promise<void> {
    const variable = c.variable ?? '';
    const value = c.value ?? 0;
    if (!fetched && !this.transport?.controlSubscribed(orgId, c.deviceId, label, variable)) return;
    if (c.appliedAt === null) {
      const principal: Principal = { kind: 'internal', orgId, actor: c.requestedBy, canCreateDevices: false };
      // Ubidots subscribers receive it from the pipeline's live fan-out, like any new reading.
      await this.pipeline.ingest({ principal, protocol: 'command', deviceLabel: label, dots: [{ variable, value }], bytes: 0 });
      setAttributes(this.db, c.deviceId, 'shared', { [variable]: value }, Date.now());
      markApplied(this.db, c.id, Date.now());
    }
    this.transport?.sendSharedAttributes(c.deviceId, { [variable]: value });
    this.delivered(c);
  }

  private delivered(c: Command): void {
    if (markDelivered(this.db, c.id, Date.now())) {
      this.logger.info({ command: c.id, kind: c.kind, deviceId: c.deviceId }, 'command delivered');
      this.changed(c.deviceId);
    }
  }

  private changed(deviceId: number): void {
    this.events.emit('command', { deviceId });
  }
}
