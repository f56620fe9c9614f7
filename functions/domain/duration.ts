// ISO 8601 durations (`PT16H`, `PT15M`) as the catalog writes them, and their fixed length in
// milliseconds where a rule needs one (SLA targets in business time, billing increments).
import { Temporal } from 'temporal-polyfill';
import * as z from 'zod';

// Days, weeks, months and years have no fixed length (DST days, month lengths), and "1 day" in
// a support policy usually means business hours (Performars: "8 hours (1 day)"); so targets and
// increments are written in hours, minutes and seconds only.
const AMBIGUOUS_UNITS = ['years', 'months', 'weeks', 'days'] as const;

/** The written form the schema accepts (and publishes in the JSON Schema): PT, then H, M, S. */
const FIXED_DURATION = /^PT(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?$/;

/** Reason a string is not a fixed-length ISO 8601 duration, or undefined if it is one. */
export function fixedDurationProblem(iso: string): string | undefined {
  let parsed: Temporal.Duration;
  try {
    parsed = Temporal.Duration.from(iso);
  } catch {
    return `must be an ISO 8601 duration such as PT16H or PT15M, got "${iso}"`;
  }
  if (parsed.sign < 0) return `must not be negative, got "${iso}"`;
  const ambiguous = AMBIGUOUS_UNITS.filter((unit) => parsed[unit] !== 0);
  if (ambiguous.length > 0) {
    return `"${iso}" uses ${ambiguous.join(', ')}, which have no fixed length; write hours instead (e.g. PT24H, or PT8H for one 8-hour business day)`;
  }
  if (!FIXED_DURATION.test(iso))
    return `must be written as PT<hours>H<minutes>M<seconds>S, e.g. PT1H30M, got "${iso}"`;
  return undefined;
}

/** A non-negative ISO 8601 duration made of hours, minutes and seconds only, e.g. PT16H. */
export const durationSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = fixedDurationProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    id: 'Duration',
    description: 'ISO 8601 duration in hours, minutes and seconds only (PT16H, PT15M, PT1H30M)',
    pattern: FIXED_DURATION.source,
  });

export type Duration = z.infer<typeof durationSchema>;

/** Milliseconds in a fixed-length ISO 8601 duration; throws RangeError naming the problem otherwise. */
export function durationToMs(iso: string): number {
  const problem = fixedDurationProblem(iso);
  if (problem) throw new RangeError(`duration ${problem}`);
  return Temporal.Duration.from(iso).total({ unit: 'milliseconds' });
}

/** Whole minutes in a fixed-length duration (billing works in minutes). */
export function durationToMinutes(iso: string): number {
  const ms = durationToMs(iso);
  if (ms % 60_000 !== 0) throw new RangeError(`duration "${iso}" is not a whole number of minutes`);
  return ms / 60_000;
}
