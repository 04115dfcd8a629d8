import type { Client } from 'aedes';

interface ParserInternals {
  packet: { length: number; cmd?: string };
  _parseLength(): boolean;
  emit(event: 'error', err: Error): boolean;
}

export interface PacketLimits {
  /** Any packet of an authenticated client. */
  maxPacketBytes: number;
  /** Packets before the CONNACK (the CONNECT itself): an unauthenticated client gets far less. */
  maxConnectBytes: number;
}

/**
 * aedes 1.2 has no maximum packet size: mqtt-packet buffers a PUBLISH of any
 * announced length (up to 256 MB) before aedes sees it. The remaining length
 * is known as soon as the fixed header is parsed (MQTT-2.2.3), so the check
 * goes right there: an oversize packet closes the connection before its body
 * is buffered. `onOversize` counts and logs it, with the limit that applied
 * (a packet pipelined right after CONNECT, before the CONNACK, still gets the
 * unauthenticated limit).
 */
export function limitPacketSize(client: Client, limits: PacketLimits, onOversize: (length: number, cmd: string, limit: number) => void): void {
  const parser = (client as unknown as { _parser: ParserInternals })._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const done = parseLength();
    const max = client.connected ? limits.maxPacketBytes : limits.maxConnectBytes;
    if (done && parser.packet.length > max) {
      onOversize(parser.packet.length, parser.packet.cmd ?? 'unknown', max);
      parser.emit('error', new Error(`packet of ${parser.packet.length} bytes is over the ${max}-byte limit`));
      return false;
    }
    return done;
  };
}
