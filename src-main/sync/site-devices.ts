import { createHash } from 'node:crypto';
import { firstOrgSlug } from '../../src-shared/sync-format';
import { labelPattern } from '../../src-shared/reading';
import { findDeviceByLabel, insertDevice } from '../devices/queries/devices';
import type { Db } from '../store/database';
import { findSiteDevice, insertSiteDevice } from './queries/sync-site-devices';
import type { SyncSite } from './queries/sync-sites';

/**
 * Labels tried, in order, for a new site device on the organisation hub. The
 * first is readable and cannot be another site device's first choice: a site
 * id has no `.` or `:`, and a slug no `:`, so `{site}.{label}` (the site's
 * first organisation, as format v1 named it) and `{site}:{org}:{label}` each
 * read back to one (site, organisation, label). When that is too long (over
 * 64 characters) or taken by a device of this hub's own, a digest of the
 * organisation and label is used instead. The (site, organisation, label) to
 * device mapping is what counts; the label is only what people see.
 */
export function siteDeviceLabels(siteId: string, org: string, label: string): string[] {
  const preferred = org === firstOrgSlug ? `${siteId}.${label}` : `${siteId}:${org}:${label}`;
  const digest = `${siteId}:${createHash('sha256').update(org).update('\0').update(label).digest('hex').slice(0, 20)}`;
  return [preferred, digest, ...Array.from({ length: 8 }, (_, i) => `${digest}-${i + 2}`)].filter((l) => labelPattern.test(l));
}

/**
 * The label of this hub's device for a site device: found through the
 * mapping, or created with it in one transaction. Null when every label
 * tried is taken (the reading is refused with that reason).
 */
export function siteDeviceLabel(db: Db, site: SyncSite, org: string, label: string, now: number): string | null {
  const known = findSiteDevice(db, site.id, org, label);
  if (known) return known.label;
  return db
    .transaction(() => {
      const again = findSiteDevice(db, site.id, org, label);
      if (again) return again.label;
      const free = siteDeviceLabels(site.siteId, org, label).find((l) => !findDeviceByLabel(db, site.orgId, l));
      if (!free) return null;
      const device = insertDevice(db, { orgId: site.orgId, label: free, name: `${site.siteId} / ${org} / ${label}`, type: null, now });
      insertSiteDevice(db, { deviceId: device.id, siteRef: site.id, siteOrg: org, siteLabel: label });
      return free;
    })
    .immediate();
}
