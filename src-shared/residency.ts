import { z } from 'zod';

/**
 * A data-residency label (docs/STEWARDSHIP.md, "Residency"): where this hub's
 * data is meant to stay, as the operator names it (`EU`, `DE`, `US-EAST`).
 * Outpost does not know geography; it records the label, shows it and makes
 * an organisation hub refuse sites whose label differs from the one it requires.
 */
export const residencyLabelPattern = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
export const residencyLabelSchema = z
  .string()
  .regex(residencyLabelPattern, 'a residency label is 1-32 capital letters, digits or "-", starting with a letter or digit (e.g. EU)');

/** What a person types -> a label (case folded), null for `none`, or undefined when it is not a label. */
export function parseResidencyText(text: string): string | null | undefined {
  const t = text.trim().toUpperCase();
  if (t === 'NONE' || t === '-') return null;
  return residencyLabelPattern.test(t) ? t : undefined;
}
