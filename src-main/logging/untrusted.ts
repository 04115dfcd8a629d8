/**
 * Text that came from the network (client ids, topics, labels, user agents,
 * paths, user names) goes into the log through this: an MQTT client id alone
 * may be 64 KiB, and a log that copies it per refusal is a disk-filling
 * attack. The cut is marked, with how much was left out.
 */
export const untrustedMaxChars = 200;

export function untrusted(text: string, max?: number): string;
export function untrusted(text: string | undefined | null, max?: number): string | undefined | null;
export function untrusted(text: string | undefined | null, max = untrustedMaxChars): string | undefined | null {
  if (typeof text !== 'string' || text.length <= max) return text;
  // Do not leave half a surrogate pair at the cut.
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…[${text.length - end} more characters]`;
}
