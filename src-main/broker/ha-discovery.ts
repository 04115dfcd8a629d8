import { deviceStatusTopic, deviceValueTopic, haConfigTopic } from '../../src-shared/protocols/outpost-topics';

export interface DiscoveredVariable {
  hubId: string;
  orgId: number;
  device: { id: number; label: string; name: string; type: string | null };
  variable: string;
  unit: string | null;
}

/**
 * A Home Assistant MQTT discovery config for one device variable, as a
 * sensor (docs/INTEGRATIONS.md, "Home Assistant"): the state comes from the
 * variable's retained topic, availability from the device's status topic.
 * `unique_id` is what lets Home Assistant attach the entity to `device`;
 * ids include the hub id, so two hubs on one Home Assistant never collide.
 */
export function haSensorConfig(v: DiscoveredVariable, version: string): { topic: string; payload: Record<string, unknown> } {
  const deviceKey = `outpost_${v.hubId}_d${v.device.id}`;
  return {
    topic: haConfigTopic(v.orgId, v.device.id, v.variable),
    payload: {
      name: v.variable,
      unique_id: `${deviceKey}_${v.variable}`,
      state_topic: deviceValueTopic(v.orgId, v.device.label, v.variable),
      value_template: '{{ value_json.value }}',
      ...(v.unit ? { unit_of_measurement: v.unit } : {}),
      state_class: 'measurement',
      availability_topic: deviceStatusTopic(v.orgId, v.device.label),
      payload_available: 'online',
      payload_not_available: 'offline',
      device: {
        identifiers: [deviceKey],
        name: v.device.name || v.device.label,
        manufacturer: 'Outpost',
        model: v.device.type ?? 'Outpost device',
      },
      origin: { name: 'Outpost', sw_version: version },
    },
  };
}
