import type { DashboardSpec, HiddenWidget, Widget } from '../../src-shared/api/areas/dashboards';
import { ServiceError } from '../errors';

/** Every device a widget shows something of. */
export function devicesOf(widget: Widget): number[] {
  switch (widget.kind) {
    case 'line':
      return widget.series.map((s) => s.deviceId);
    case 'table':
      return widget.items.map((i) => i.deviceId);
    case 'status':
      return widget.deviceIds;
    default:
      return [widget.deviceId];
  }
}

const isHidden = (w: Widget | HiddenWidget): w is HiddenWidget => w.kind === 'unavailable';
const canSee = (visible: ReadonlySet<number>, w: Widget) => devicesOf(w).every((id) => visible.has(id));

/**
 * A dashboard as one caller may see it: a widget showing any device the caller
 * may not see keeps its place and nothing else (no title, device or variable).
 */
export function redactFor(spec: DashboardSpec, visible: ReadonlySet<number>): DashboardSpec {
  return {
    ...spec,
    widgets: spec.widgets.map((w) => (isHidden(w) || canSee(visible, w) ? w : { id: w.id, layout: w.layout, kind: 'unavailable' as const })),
  };
}

/**
 * The spec to store when a caller saves: their widgets must show only devices
 * they may see; widgets they got as `unavailable` keep what is stored, at the
 * place the caller moved them to. A hidden widget the caller left out is removed.
 */
export function mergeForSave(incoming: DashboardSpec, stored: DashboardSpec | null, visible: ReadonlySet<number>): DashboardSpec {
  const before = new Map((stored?.widgets ?? []).map((w) => [w.id, w]));
  const widgets = incoming.widgets.map((w) => {
    if (isHidden(w)) {
      const kept = before.get(w.id);
      if (!kept || isHidden(kept) || canSee(visible, kept)) {
        throw new ServiceError('INVALID_INPUT', `Widget "${w.id}" is sent as unavailable but is not a stored widget hidden from you. Send the widget itself, or leave it out.`);
      }
      return { ...kept, layout: w.layout };
    }
    const unseen = devicesOf(w).find((id) => !visible.has(id));
    if (unseen !== undefined) throw new ServiceError('DEVICE_NOT_FOUND', `Widget "${w.id}" names device ${unseen}, which is not a device you may see. List devices to see which you can use.`, 404);
    return w;
  });
  return { ...incoming, widgets };
}
