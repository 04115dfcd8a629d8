import type { TrafficFigures } from '../../src-shared/api/areas/hub';
import type { Pipeline, RefusalDetail } from './pipeline/pipeline';
import type { StoredReading } from './pipeline/types';

/** The window "readings per second" averages over and HTTPS/TCP devices count as connected for. */
export const countersWindowSeconds = 60;

type CountedProtocol = 'mqtt' | 'https' | 'tcp';
const counted = (p: string): p is CountedProtocol => p === 'mqtt' || p === 'https' || p === 'tcp';

interface DeviceTraffic {
  orgId: number;
  /** When the device last had a reading committed, per protocol. */
  lastAt: Partial<Record<CountedProtocol, number>>;
  /** Committed readings per whole second, for the last window only. */
  perSecond: Map<number, number>;
}

/** Who a set of figures is about: some devices, refusals naming no device of some organisations, and whether unattributed ones count. */
export interface FigureScope {
  deviceIds: ReadonlySet<number> | 'all';
  /** Organisations whose refusals naming no device count (the caller sees every device there). */
  orgsWithoutDevice: ReadonlySet<number> | 'all';
  /** Refusals naming no organisation (bad tokens): the hub owner's. */
  unattributed: boolean;
}

/**
 * In-memory traffic figures for the Hub page, fed only by what the pipeline
 * announces: committed readings (`readings`) and refusals (`rejected`). Kept
 * per device so each caller's figures are summed over the devices they may
 * see; nothing here is persisted (the hourly accounting is the record).
 */
export class TrafficCounters {
  private readonly devices = new Map<number, DeviceTraffic>();
  /** Refusals since start by device (or organisation when none) and reason. */
  private readonly refusals = new Map<string, { orgId: number | null; deviceId: number | null; reason: string; count: number }>();
  private readonly stop: () => void;

  constructor(
    pipeline: Pick<Pipeline, 'live'>,
    private readonly clock: () => number = Date.now,
  ) {
    const onReadings = (stored: StoredReading[]) => {
      const now = this.clock();
      const second = Math.floor(now / 1000);
      for (const r of stored) {
        if (!counted(r.protocol) || r.orgId === null) continue;
        let d = this.devices.get(r.deviceId);
        if (!d) this.devices.set(r.deviceId, (d = { orgId: r.orgId, lastAt: {}, perSecond: new Map() }));
        d.lastAt[r.protocol] = now;
        d.perSecond.set(second, (d.perSecond.get(second) ?? 0) + 1);
      }
    };
    const onRejected = (_protocol: string, reason: string, _label: string, detail: RefusalDetail, count: number) => {
      const orgId = detail.orgId ?? null;
      const deviceId = detail.deviceId ?? null;
      const key = `${orgId}/${deviceId}/${reason}`;
      const entry = this.refusals.get(key);
      if (entry) entry.count += count;
      else this.refusals.set(key, { orgId, deviceId, reason, count });
    };
    pipeline.live.on('readings', onReadings);
    pipeline.live.on('rejected', onRejected);
    this.stop = () => {
      pipeline.live.off('readings', onReadings);
      pipeline.live.off('rejected', onRejected);
    };
  }

  /**
   * Figures over a scope. `mqttDevices` are the devices with an open MQTT
   * session (the broker's rows), `mqttUnattributed` the open sessions of
   * ingest tokens, counted only where unattributed traffic is.
   */
  figures(scope: FigureScope, mqttDevices: readonly number[], mqttUnattributed = 0): TrafficFigures {
    const now = this.clock();
    const since = now - countersWindowSeconds * 1000;
    const oldestSecond = Math.floor(since / 1000);
    const inScope = (deviceId: number) => scope.deviceIds === 'all' || scope.deviceIds.has(deviceId);
    const connected = { mqtt: 0, https: 0, tcp: 0 };
    let readings = 0;
    for (const [id, d] of this.devices) {
      for (const s of d.perSecond.keys()) if (s < oldestSecond) d.perSecond.delete(s);
      const active = Object.values(d.lastAt).some((at) => at >= since);
      // Bounded by the devices that sent within the window.
      if (!active) {
        this.devices.delete(id);
        continue;
      }
      if (!inScope(id)) continue;
      if ((d.lastAt.https ?? 0) >= since) connected.https += 1;
      if ((d.lastAt.tcp ?? 0) >= since) connected.tcp += 1;
      for (const n of d.perSecond.values()) readings += n;
    }
    connected.mqtt = new Set(mqttDevices.filter(inScope)).size + (scope.unattributed ? mqttUnattributed : 0);
    const byReason = new Map<string, number>();
    for (const r of this.refusals.values()) {
      const counts =
        r.deviceId !== null
          ? inScope(r.deviceId)
          : r.orgId === null
            ? scope.unattributed
            : scope.orgsWithoutDevice === 'all' || scope.orgsWithoutDevice.has(r.orgId);
      if (counts) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + r.count);
    }
    return {
      connected,
      readingsPerSecond: Math.round((readings / countersWindowSeconds) * 100) / 100,
      refusals: [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    };
  }

  close(): void {
    this.stop();
  }
}
