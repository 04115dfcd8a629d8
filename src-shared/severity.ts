/**
 * Alarm severities, lowest first. Apart from alarm-rule.ts (which re-exports
 * them) so the console can list them without bundling zod.
 */
export const severities = ['warning', 'minor', 'major', 'critical'] as const;
export type Severity = (typeof severities)[number];
export const severityRank = (s: Severity): number => severities.indexOf(s);
