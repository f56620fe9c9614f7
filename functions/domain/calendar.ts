// A business calendar: the weekly opening windows of a support team in one IANA time zone, with
// holidays and per-date overrides, and the public-holiday regions (with their corrections) that
// the holidays are expanded from. Plain JSON, validated here once; business-time.ts computes on it.
import * as z from 'zod/mini';
import { parseWith } from './validation.ts';
import { withMeta } from './zod-mini.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSING = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight of an "HH:MM" (or "24:00") wall-clock time. */
export function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/** Days since 1970-01-01 of a valid "YYYY-MM-DD", or NaN when the date does not exist (2026-02-30). */
export function epochDayOf(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 02-30 over into March; a real date survives the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return Number.NaN;
  return ms / 86_400_000;
}

function isTimeZone(zone: string): boolean {
  // Fixed offsets ("+01:00") are not IANA zones: a calendar must follow its region's DST rules.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const openingTime = z.string().check(
  z.regex(CLOCK, {
    error: (iss) =>
      iss.input === '24:00' ? '24:00 may only end a window' : 'must be "HH:MM" from 00:00 to 23:59',
  }),
);
const closingTime = z.string().check(z.regex(CLOSING, { error: 'must be "HH:MM" from 00:01 to 24:00' }));

/** A half-open local window [opens, closes); "24:00" may only close one. */
export const windowSchema = z.tuple([openingTime, closingTime]).check(
  z.refine(
    ([opens, closes]) => !CLOCK.test(opens) || !CLOSING.test(closes) || minutesOf(opens) < minutesOf(closes),
    {
      error: 'window must end after it starts',
    },
  ),
);
type Window = z.infer<typeof windowSchema>;

/** The windows of one day, which must not overlap (touching is fine: 08:00-12:00 + 12:00-18:00). */
export const dayWindowsSchema = z.array(windowSchema).check(
  z.superRefine((windows, ctx) => {
    const order = windows
      .map((_, i) => i)
      .sort((a, b) => minutesOf(windows[a][0]) - minutesOf(windows[b][0]));
    for (let k = 1; k < order.length; k++) {
      const prev = windows[order[k - 1]];
      const cur = windows[order[k]];
      if (minutesOf(cur[0]) < minutesOf(prev[1])) {
        ctx.addIssue({
          code: 'custom',
          path: [order[k]],
          message: `overlaps window ${prev[0]}-${prev[1]}`,
        });
      }
    }
  }),
);

export const isoDateSchema = z.string().check(
  z.regex(ISO_DATE, { error: 'must be a date "YYYY-MM-DD"' }),
  z.refine((s) => !Number.isNaN(epochDayOf(s)), { error: 'must be an existing date "YYYY-MM-DD"' }),
);

const weeklySchema = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.optional(dayWindowsSchema)])) as {
    [D in Weekday]: z.ZodMiniOptional<typeof dayWindowsSchema>;
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown weekday ${iss.keys.join(', ')} (use ${WEEKDAYS.join(', ')})`
        : undefined,
  },
);

const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const regionSchema = z
  .string()
  .check(z.regex(REGION, { error: 'must be a region code like "ES" or "GB-ENG"' }));

/** Each date listed once; the issue names the repeat. */
function uniqueDates() {
  return z.superRefine((entries: readonly { date: string }[], ctx) => {
    const seen = new Set<string>();
    entries.forEach(({ date }, i) => {
      if (seen.has(date))
        ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `duplicate date ${date}` });
      seen.add(date);
    });
  });
}

const note = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(200));

/**
 * How one region's holidays differ from the library's rules: days it lacks (an election, a new
 * holiday, a lunar date it gets wrong) and days it has that the official list does not.
 */
const holidayCorrectionSchema = z
  .strictObject(
    {
      add: z.optional(z.array(z.strictObject({ date: isoDateSchema, name: note })).check(uniqueDates())),
      remove: z.optional(z.array(z.strictObject({ date: isoDateSchema, reason: note })).check(uniqueDates())),
    },
    {
      error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${iss.keys.join(', ')}` : undefined),
    },
  )
  .check(
    z.superRefine(({ add = [], remove = [] }, ctx) => {
      const added = new Set(add.map((a) => a.date));
      remove.forEach(({ date }, i) => {
        if (added.has(date))
          ctx.addIssue({ code: 'custom', path: ['remove', i, 'date'], message: `${date} is also added` });
      });
    }),
  );

export const calendarSchema = z
  .strictObject(
    {
      timeZone: z
        .string()
        .check(z.refine(isTimeZone, { error: 'must be an IANA time zone such as "Europe/Madrid"' })),
      weekly: weeklySchema,
      holidays: z.optional(
        z.array(isoDateSchema).check(
          z.superRefine((dates, ctx) => {
            const seen = new Set<string>();
            dates.forEach((d, i) => {
              if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate holiday ${d}` });
              seen.add(d);
            });
          }),
        ),
      ),
      overrides: z.optional(
        z.record(isoDateSchema, dayWindowsSchema, {
          error: (iss) => (iss.code === 'invalid_key' ? 'must be an existing date "YYYY-MM-DD"' : undefined),
        }),
      ),
      /** Public-holiday regions (ISO 3166 "ES", "GB-ENG"), expanded into `holidays` when saved. */
      holidayRegions: z.optional(
        z.array(regionSchema).check(
          z.superRefine((codes, ctx) => {
            codes.forEach((c, i) => {
              if (codes.indexOf(c) !== i)
                ctx.addIssue({ code: 'custom', path: [i], message: `duplicate region ${c}` });
            });
          }),
        ),
      ),
      holidayCorrections: withMeta(
        z.optional(
          z.record(regionSchema, holidayCorrectionSchema, {
            error: (iss) =>
              iss.code === 'invalid_key' ? 'must be a region code like "ES" or "GB-ENG"' : undefined,
          }),
        ),
        {
          description:
            'Per region of holidayRegions, dates added to and removed from what the holiday library ' +
            'gives, applied for each expanded year (docs/policies.md, Holiday corrections)',
        },
      ),
      /** Years whose holidays of `holidayRegions` are already in `holidays`. */
      expandedYears: z.optional(z.array(z.int().check(z.minimum(1900), z.maximum(2200)))),
    },
    {
      error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${iss.keys.join(', ')}` : undefined),
    },
  )
  .check(
    z.superRefine(({ holidayRegions = [], holidayCorrections = {} }, ctx) => {
      for (const region of Object.keys(holidayCorrections)) {
        if (!holidayRegions.includes(region))
          ctx.addIssue({
            code: 'custom',
            path: ['holidayCorrections', region],
            message: `corrects ${region}, which is not in holidayRegions`,
          });
      }
    }),
  );

export type Calendar = z.infer<typeof calendarSchema>;

/** Validates a calendar, throwing a ValidationError that names each bad field (`weekly.tue[1]`). */
export function parseCalendar(input: unknown): Calendar {
  return parseWith(calendarSchema, input);
}
