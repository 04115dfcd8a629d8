/** List columns are stored as JSON text; these are the only two directions. */
export function toJsonList(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}

export function fromJsonList<T extends string | number>(text: string | null): T[] {
  if (text === null) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}
