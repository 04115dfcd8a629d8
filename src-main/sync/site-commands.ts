import { syncCommandSchema } from '../../src-shared/sync-format';
import { organisationBySlug } from '../access/queries/organisations';
import type { AuditEvent } from '../audit/chain';
import type { Logger } from '../logging/logger';
import type { Db } from '../store/database';
import { insertCommand } from '../commands/queries/commands';
import { findDeviceByLabel } from '../devices/queries/devices';
import { logSyncCommand, wasQueued } from './queries/sync-command-log';
import type { StoredSyncSettings } from './settings';

/** The hub's tamper-evident audit log. */
export type SyncAudit = (event: AuditEvent) => void;

const defaultCommandLifetimeMs = 60 * 60 * 1000;

/**
 * A command published by the organisation on the site's command topic. It
 * reaches the device only when the site allows remote commands (off by
 * default), and only the device of the organisation it names (format v2;
 * v1 means the first organisation); every command, taken or refused, is
 * written to the command log.
 */
export function handleSiteCommand(db: Db, logger: Logger, settings: StoredSyncSettings, payload: Buffer, now: number, auditLog?: SyncAudit, deliver?: (deviceId: number) => void): void {
  let what: Record<string, unknown> = {};
  const audit = (commandId: string, org: string | null, device: string, outcome: string, detail: string, orgId: number | null = null) => {
    logSyncCommand(db, { at: now, side: 'site', siteId: settings.siteId, commandId, org, device, outcome, detail });
    auditLog?.({
      actor: `sync:${settings.siteId}`,
      action: 'sync.command',
      target: `${org ? `org:${org}/` : ''}device:${device || '?'}`,
      targetLabel: device || null,
      orgId,
      outcome: outcome === 'refused' ? 'denied' : 'ok',
      address: 'sync',
      detail: { commandId, outcome, reason: detail, ...what },
    });
    logger.info({ site: settings.siteId, commandId, org, device, outcome }, 'remote command from the organisation');
  };
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    audit('', null, '', 'refused', 'the command is not valid JSON');
    return;
  }
  const parsed = syncCommandSchema.safeParse(raw);
  if (!parsed.success) {
    audit('', null, '', 'refused', `the command is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  const cmd = parsed.data;
  what = cmd.kind === 'control' ? { variable: cmd.variable, value: cmd.value } : { method: cmd.method };
  if (!settings.allowRemoteCommands) {
    audit(cmd.id, cmd.org, cmd.device, 'refused', 'remote commands are off on this site (outpost sync set --allow-remote-commands)');
    return;
  }
  const org = organisationBySlug(db, cmd.org);
  const device = org ? findDeviceByLabel(db, org.id, cmd.device) : null;
  if (!device) {
    audit(cmd.id, cmd.org, cmd.device, 'refused', org ? `organisation "${cmd.org}" of this site has no device "${cmd.device}"` : `this site has no organisation "${cmd.org}"`);
    return;
  }
  if (wasQueued(db, settings.siteId, cmd.id)) {
    audit(cmd.id, cmd.org, cmd.device, 'duplicate', 'already received', device.orgId);
    return;
  }
  const requestedBy = `org:${cmd.requestedBy}`;
  const expiresAt = cmd.expiresAt ?? now + defaultCommandLifetimeMs;
  const queued =
    cmd.kind === 'control'
      ? insertCommand(db, { kind: 'control', deviceId: device.id, variable: cmd.variable!, value: cmd.value!, requestedBy, now, expiresAt })
      : insertCommand(db, { kind: 'rpc', deviceId: device.id, method: cmd.method!, params: cmd.params, requestedBy, now, expiresAt });
  audit(cmd.id, cmd.org, cmd.device, 'queued', `queued for the device as command ${queued.id}`, device.orgId);
  deliver?.(device.id);
}
