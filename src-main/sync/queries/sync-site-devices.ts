import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';

/** Organisation side: the device of this hub that holds one device of one organisation of a site. */
export interface SiteDevice {
  deviceId: number;
  /** Its label on this hub. */
  label: string;
  siteRef: number;
  siteId: string;
  siteOrg: string;
  siteLabel: string;
}

interface SiteDeviceRow {
  device_id: number;
  label: string;
  site_ref: number;
  site_id: string;
  site_org: string;
  site_label: string;
}

const toSiteDevice = (r: SiteDeviceRow): SiteDevice => ({
  deviceId: r.device_id,
  label: r.label,
  siteRef: r.site_ref,
  siteId: r.site_id,
  siteOrg: r.site_org,
  siteLabel: r.site_label,
});

const select = `
  SELECT m.device_id, d.label, m.site_ref, s.site_id, m.site_org, m.site_label
  FROM sync_site_devices m JOIN devices d ON d.id = m.device_id JOIN sync_sites s ON s.id = m.site_ref`;

/** Looked up for every device group of every batch: prepared once per connection. */
export function findSiteDevice(db: Db, siteRef: number, siteOrg: string, siteLabel: string): SiteDevice | null {
  const row = cachedStatement(db, `${select} WHERE m.site_ref = ? AND m.site_org = ? AND m.site_label = ?`).get(siteRef, siteOrg, siteLabel) as SiteDeviceRow | undefined;
  return row ? toSiteDevice(row) : null;
}

/** The site device behind a device of this hub (commands to it go to that site). */
export function findSiteDeviceByDevice(db: Db, orgId: number, label: string): SiteDevice | null {
  const row = db.prepare(`${select} WHERE d.org_id = ? AND d.label = ?`).get(orgId, label) as SiteDeviceRow | undefined;
  return row ? toSiteDevice(row) : null;
}

export function insertSiteDevice(db: Db, m: { deviceId: number; siteRef: number; siteOrg: string; siteLabel: string }): void {
  db.prepare('INSERT INTO sync_site_devices (device_id, site_ref, site_org, site_label) VALUES (?, ?, ?, ?)').run(m.deviceId, m.siteRef, m.siteOrg, m.siteLabel);
}
