/** How commands reach devices: implemented by the MQTT broker. */
export interface CommandTransport {
  /** Is a session subscribed to the variable's Ubidots `/lv` or dot topic, or to ThingsBoard shared attributes? */
  controlSubscribed(orgId: number, deviceId: number, device: string, variable: string): boolean;
  /** Sends `{variable: value}` to ThingsBoard sessions subscribed to shared attributes; true when one got it. */
  sendSharedAttributes(deviceId: number, attributes: Record<string, unknown>): boolean;
  /** Sends `{"method", "params"}` on `v1/devices/me/rpc/request/{id}`; true when a subscribed session got it. */
  sendRpc(deviceId: number, id: string, method: string, params: unknown): boolean;
}
