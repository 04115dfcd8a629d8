/** Who made a delegated credential (an app or an API key). */
export type Creator = { kind: 'user'; id: number } | { kind: 'app'; id: number } | { kind: 'apikey'; id: number } | { kind: 'cli' } | { kind: 'legacy' };
export type CreatorKind = Creator['kind'];

/** The creator_kind / creator_id column pair of apps and api_keys. */
export function toCreator(kind: CreatorKind, id: number | null): Creator {
  if ((kind === 'user' || kind === 'app' || kind === 'apikey') && id !== null) return { kind, id };
  return kind === 'cli' ? { kind: 'cli' } : { kind: 'legacy' };
}

export function creatorId(c: Creator): number | null {
  return 'id' in c ? c.id : null;
}
