/**
 * The retained messages integrations keep on their organisation's share
 * topics (docs/INTEGRATIONS.md, "Limits"). They live in the broker's memory
 * for as long as the hub runs, so each organisation has a budget: at most
 * `maxTopics` retained topics and `maxBytes` of topic and payload together.
 * Only the broker keeps them, so the count starts from zero with the hub.
 */
export class RetainedShareBudget {
  private readonly orgs = new Map<number, { sizes: Map<string, number>; bytes: number }>();

  constructor(
    private readonly maxTopics: number,
    private readonly maxBytes: number,
  ) {}

  /**
   * A retained PUBLISH on a share topic: recorded and null when it fits the
   * organisation's budget, otherwise why it does not (nothing recorded).
   * A message replacing a retained one counts only its difference.
   */
  take(orgId: number, topic: string, payloadBytes: number): string | null {
    let org = this.orgs.get(orgId);
    if (!org) this.orgs.set(orgId, (org = { sizes: new Map(), bytes: 0 }));
    const old = org.sizes.get(topic) ?? 0;
    // MQTT-3.3.1-10: an empty retained message removes the retained one.
    if (payloadBytes === 0) {
      org.sizes.delete(topic);
      org.bytes -= old;
      return null;
    }
    const size = Buffer.byteLength(topic) + payloadBytes;
    if (!org.sizes.has(topic) && org.sizes.size >= this.maxTopics) {
      return `the organisation keeps ${this.maxTopics} retained share topics already, the most it may; clear one (an empty retained message) or publish without the retain flag`;
    }
    if (org.bytes - old + size > this.maxBytes) {
      return `retained share messages of the organisation would exceed ${this.maxBytes} bytes, the most it may keep; clear some (empty retained messages) or publish without the retain flag`;
    }
    org.sizes.set(topic, size);
    org.bytes += size - old;
    return null;
  }
}
