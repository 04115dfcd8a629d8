import { isUtf8 } from 'node:buffer';
import type { Client } from 'aedes';

interface ParserInternals {
  packet: { cmd?: string };
  error: Error | null;
  _pos: number;
  _list: { slice(start: number, end: number): Buffer };
  _parseString(): string | null;
  _emitError(err: Error): void;
}

export type BadString = 'invalid_utf8' | 'null_character';

/**
 * Every string in an MQTT packet (client id, user name, will topic, topic,
 * topic filter) must be well-formed UTF-8 (MQTT-1.5.3-1) without U+0000
 * (MQTT-1.5.3-2, MQTT-4.7.3-2); otherwise the receiver closes the connection.
 * mqtt-packet decodes strings with Buffer.toString, which turns bad bytes
 * into U+FFFD and keeps U+0000, so aedes would acknowledge such a PUBLISH
 * and grant such a SUBSCRIBE. The check sits in the parser, where the raw
 * bytes still are: the packet is never handed to aedes, and the parser error
 * makes aedes close the connection. Only a string that decoded to U+FFFD has
 * its bytes checked again, so well-formed traffic pays one scan of the text.
 */
export function requireWellFormedStrings(client: Client, onBad: (cmd: string, problem: BadString) => void): void {
  const parser = (client as unknown as { _parser: ParserInternals })._parser;
  const parseString = parser._parseString.bind(parser);
  parser._parseString = () => {
    const start = parser._pos + 2; // after the two-byte length (MQTT-1.5.3)
    const text = parseString();
    if (text === null || parser.error) return text;
    let problem: BadString | null = null;
    if (text.includes('\u0000')) problem = 'null_character';
    else if (text.includes('\ufffd') && !isUtf8(parser._list.slice(start, parser._pos))) problem = 'invalid_utf8';
    if (!problem) return text;
    const cmd = parser.packet.cmd ?? 'unknown';
    onBad(cmd, problem);
    // An error set here stops the parser before it emits the packet; the empty string keeps
    // mqtt-packet from reporting a second, vaguer error for the same string.
    parser._emitError(new Error(`${cmd} packet with ${problem === 'null_character' ? 'U+0000 in a string (MQTT-1.5.3-2)' : 'ill-formed UTF-8 in a string (MQTT-1.5.3-1)'}`));
    return '';
  };
}
