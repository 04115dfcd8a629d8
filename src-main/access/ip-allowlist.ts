import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is checked as `10.0.0.1`. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; null when it is not one. */
export function parseCidr(text: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [network = '', prefixText] = text.trim().split('/');
  const version = isIP(network);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix < 0 || prefix > max) return null;
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** An empty list allows every address; otherwise the peer must be inside one of the ranges. */
export function addressAllowed(allowlist: readonly string[], address: string): boolean {
  if (allowlist.length === 0) return true;
  const peer = normaliseAddress(address);
  const version = isIP(peer);
  if (version === 0) return false;
  const list = new BlockList();
  for (const entry of allowlist) {
    const cidr = parseCidr(entry);
    if (cidr) list.addSubnet(cidr.network, cidr.prefix, cidr.family);
  }
  return list.check(peer, version === 4 ? 'ipv4' : 'ipv6');
}
