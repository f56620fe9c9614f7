// ISO 8601 durations (`PT16H`, `PT15M`) as the catalog writes them, and their fixed length in
// milliseconds where a rule needs one (SLA targets in business time, billing increments).
import * as z from 'zod/mini';
import { withMeta } from './zod-mini.ts';

// Days, weeks, months and years have no fixed length (DST days, month lengths), and "1 day" in
// a support policy usually means business hours (Performars: "8 hours (1 day)"); so targets and
// increments are written in hours, minutes and seconds only.
const AMBIGUOUS_UNITS = ['years', 'months', 'weeks', 'days'] as const;

/**
 * Any ISO 8601 duration, as Temporal reads one: a sign, P, then years, months, weeks and days in
 * that order, then T and hours, minutes and seconds; designators in either case; only the last
 * time unit may have a fraction (. or , and up to 9 digits), checked after matching. The lookaheads
 * demand a unit after P and after T.
 */
const ISO_DURATION =
  /^([+-])?P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)(?:[.,](\d{1,9}))?H)?(?:(\d+)(?:[.,](\d{1,9}))?M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** The written form the schema accepts (and publishes in the JSON Schema): PT, then H, M, S. */
const FIXED_DURATION = /^PT(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?$/;

/** Temporal's limits on a duration: years, months and weeks below 2^32, the rest below 2^53 seconds. */
const MAX_CALENDAR_UNITS = 2 ** 32;
const MAX_NANOSECONDS = 2n ** 53n * 1_000_000_000n;

interface ParsedDuration {
  negative: boolean;
  /** Years, months, weeks and days, as AMBIGUOUS_UNITS. */
  calendar: number[];
  /** Days, hours, minutes and seconds together, in nanoseconds (fractions truncated to whole ns). */
  nanoseconds: bigint;
}

/** `digits` units of `unitNs` nanoseconds plus a decimal `fraction` of one. */
function nanosecondsOf(digits: string | undefined, fraction: string | undefined, unitNs: bigint): bigint {
  const whole = BigInt(digits ?? 0) * unitNs;
  if (fraction === undefined) return whole;
  return whole + (BigInt(fraction) * unitNs) / 10n ** BigInt(fraction.length);
}

/** Any ISO 8601 duration Temporal reads, or undefined for one it refuses (malformed or out of range). */
function parseDuration(iso: string): ParsedDuration | undefined {
  const m = ISO_DURATION.exec(iso);
  if (!m) return undefined;
  const [
    ,
    sign,
    years,
    months,
    weeks,
    days,
    hours,
    hoursFraction,
    minutes,
    minutesFraction,
    seconds,
    secondsFraction,
  ] = m;
  // A fraction ends the duration: PT1.5H30M is not one.
  if (hoursFraction !== undefined && (minutes !== undefined || seconds !== undefined)) return undefined;
  if (minutesFraction !== undefined && seconds !== undefined) return undefined;
  const calendar = [years, months, weeks, days].map((digits) => Number(digits ?? 0));
  if (calendar.slice(0, 3).some((n) => n >= MAX_CALENDAR_UNITS)) return undefined;
  const nanoseconds =
    nanosecondsOf(days, undefined, 86_400_000_000_000n) +
    nanosecondsOf(hours, hoursFraction, 3_600_000_000_000n) +
    nanosecondsOf(minutes, minutesFraction, 60_000_000_000n) +
    nanosecondsOf(seconds, secondsFraction, 1_000_000_000n);
  if (nanoseconds >= MAX_NANOSECONDS) return undefined;
  return {
    negative: sign === '-' && (nanoseconds > 0n || calendar.some((n) => n !== 0)),
    calendar,
    nanoseconds,
  };
}

/** A fixed-length ISO 8601 duration read once: its length, or the reason it is not one. */
function readFixedDuration(iso: string): { problem: string } | { nanoseconds: bigint } {
  const parsed = parseDuration(iso);
  if (!parsed) return { problem: `must be an ISO 8601 duration such as PT16H or PT15M, got "${iso}"` };
  if (parsed.negative) return { problem: `must not be negative, got "${iso}"` };
  const ambiguous = AMBIGUOUS_UNITS.filter((_, i) => parsed.calendar[i] !== 0);
  if (ambiguous.length > 0) {
    return {
      problem: `"${iso}" uses ${ambiguous.join(', ')}, which have no fixed length; write hours instead (e.g. PT24H, or PT8H for one 8-hour business day)`,
    };
  }
  if (!FIXED_DURATION.test(iso))
    return { problem: `must be written as PT<hours>H<minutes>M<seconds>S, e.g. PT1H30M, got "${iso}"` };
  return { nanoseconds: parsed.nanoseconds };
}

/** Reason a string is not a fixed-length ISO 8601 duration, or undefined if it is one. */
export function fixedDurationProblem(iso: string): string | undefined {
  const read = readFixedDuration(iso);
  return 'problem' in read ? read.problem : undefined;
}

/** A non-negative ISO 8601 duration made of hours, minutes and seconds only, e.g. PT16H. */
export const durationSchema = withMeta(
  z.string().check(
    z.superRefine((value, ctx) => {
      const problem = fixedDurationProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  {
    id: 'Duration',
    description: 'ISO 8601 duration in hours, minutes and seconds only (PT16H, PT15M, PT1H30M)',
    pattern: FIXED_DURATION.source,
  },
);

type Duration = z.infer<typeof durationSchema>;

/** Milliseconds in a fixed-length ISO 8601 duration; throws RangeError naming the problem otherwise. */
export function durationToMs(iso: string): number {
  const read = readFixedDuration(iso);
  if ('problem' in read) throw new RangeError(`duration ${read.problem}`);
  // Exact in nanoseconds, then whole milliseconds (a fixed duration has at most 3 decimals of a second).
  return Number(read.nanoseconds / 1_000_000n);
}

/** Whole minutes in a fixed-length duration (billing works in minutes). */
export function durationToMinutes(iso: string): number {
  const ms = durationToMs(iso);
  if (ms % 60_000 !== 0) throw new RangeError(`duration "${iso}" is not a whole number of minutes`);
  return ms / 60_000;
}
