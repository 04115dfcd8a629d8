import type { Client } from 'aedes';

interface ParserInternals {
  packet: { length: number; cmd?: string };
  _parseLength(): boolean;
  emit(event: 'error', err: Error): boolean;
}

/**
 * aedes 1.2 has no maximum packet size: mqtt-packet buffers a PUBLISH of any
 * announced length (up to 256 MB) before aedes sees it. The remaining length
 * is known as soon as the fixed header is parsed (MQTT-2.2.3), so the check
 * goes right there: an oversize packet closes the connection before its body
 * is buffered. `onOversize` counts and logs it.
 */
export function limitPacketSize(client: Client, maxBytes: number, onOversize: (length: number, cmd: string) => void): void {
  const parser = (client as unknown as { _parser: ParserInternals })._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const done = parseLength();
    if (done && parser.packet.length > maxBytes) {
      onOversize(parser.packet.length, parser.packet.cmd ?? 'unknown');
      parser.emit('error', new Error(`packet of ${parser.packet.length} bytes is over the ${maxBytes}-byte limit`));
      return false;
    }
    return done;
  };
}
