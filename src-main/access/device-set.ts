/**
 * The devices (of one organisation) a principal may reach. A device token
 * reaches its own device, an ingest token a list of labels, an app or API key
 * a list of ids, a group member their groups' devices, an admin all of them.
 */
export type DeviceSet =
  | { kind: 'all' }
  | { kind: 'ids'; ids: ReadonlySet<number> }
  | { kind: 'labels'; labels: ReadonlySet<string> }
  | { kind: 'one'; id: number; label: string };

export const allDevices: DeviceSet = { kind: 'all' };

export function deviceIdSet(ids: readonly number[] | null): DeviceSet {
  return ids === null ? allDevices : { kind: 'ids', ids: new Set(ids) };
}

/**
 * Is a device in the set? A device named only by label (a topic of a device
 * that may not exist yet) matches label sets; id sets need the id.
 */
export function deviceSetHas(set: DeviceSet, device: { id?: number | undefined; label?: string | undefined }): boolean {
  switch (set.kind) {
    case 'all':
      return true;
    case 'ids':
      return device.id !== undefined && set.ids.has(device.id);
    case 'labels':
      return device.label !== undefined && set.labels.has(device.label.toLowerCase());
    case 'one':
      return device.id !== undefined ? device.id === set.id : device.label?.toLowerCase() === set.label;
  }
}

/** Ids of `candidates` in the set (a list filtered by what the caller may see). */
export function filterDevices<D extends { id: number; label: string }>(set: DeviceSet, candidates: readonly D[]): D[] {
  return set.kind === 'all' ? [...candidates] : candidates.filter((d) => deviceSetHas(set, d));
}
