// IANA time zones from the platform's own zone data (Intl): the UTC offset in force at an instant,
// the transitions between offsets, and local wall-clock times as instants by Temporal's
// 'compatible' rule. Times are epoch milliseconds; a "local" time is wall-clock milliseconds since
// 1970-01-01T00:00 local, so its UTC getters read the wall-clock fields.

const SECOND = 1_000;
const DAY = 86_400_000;
/**
 * Offsets are probed this far apart when looking for a transition. Real transitions are days apart
 * (the closest since 1970: about a week, Brazil in 2000), and offsets are under a day, so a day
 * also brackets every wall-clock time's candidate offsets.
 */
const PROBE_STEP = DAY;

/** "GMT", "GMT+05:30" or, before standard time, "GMT-00:14:44": the offset a longOffset name ends with. */
const LONG_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

// One formatter per zone: creating one costs far more than formatting with it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // Throws a RangeError for a zone the platform does not know.
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The UTC offset (ms, east positive) of `timeZone` at instant `at`. */
export function offsetAt(timeZone: string, at: number): number {
  const text = formatterOf(timeZone).format(at);
  const m = LONG_OFFSET.exec(text);
  if (!m) throw new RangeError(`cannot read the UTC offset of ${timeZone} from "${text}"`);
  if (m[1] === undefined) return 0;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * SECOND;
  return m[1] === '-' ? -ms : ms;
}

/** Wall-clock milliseconds of instant `at` in `timeZone`. */
export function localTimeOf(timeZone: string, at: number): number {
  return at + offsetAt(timeZone, at);
}

/** The local date and time fields of instant `at` in `timeZone` (month 1-12). */
/** @internal tested against Temporal by itself */
export function localFieldsOf(
  timeZone: string,
  at: number,
): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
} {
  const d = new Date(localTimeOf(timeZone, at));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/**
 * The first instant after `after`, and no later than `until`, at which the offset of `timeZone`
 * changes; undefined when it does not change in that range.
 */
export function nextTransition(timeZone: string, after: number, until: number): number | undefined {
  const offset = offsetAt(timeZone, after);
  for (let lo = after; lo < until; ) {
    const hi = Math.min(lo + PROBE_STEP, until);
    if (offsetAt(timeZone, hi) !== offset) return firstChange(timeZone, lo, hi, offset);
    lo = hi;
  }
  return undefined;
}

/**
 * The transition in (lo, hi], given the offset at lo is `offset` and at hi is not. Transitions fall
 * on whole seconds (whole minutes since standard time), so the search runs over seconds.
 */
function firstChange(timeZone: string, lo: number, hi: number, offset: number): number {
  // Seconds a and b: the offset at a * SECOND is `offset` (the second holding lo), at b * SECOND it is not.
  let a = Math.floor(lo / SECOND);
  let b = Math.floor(hi / SECOND);
  while (b - a > 1) {
    const mid = a + Math.floor((b - a) / 2);
    if (offsetAt(timeZone, mid * SECOND) === offset) a = mid;
    else b = mid;
  }
  return b * SECOND;
}

/**
 * The instants at which the wall clock reads `local`, from an offset lookup: none in a gap (spring
 * forward), two in an overlap (fall back, earlier first), else one. Temporal's algorithm: the
 * offsets a day either side bracket the candidates.
 */
export function possibleInstants(local: number, offsetAtInstant: (at: number) => number): number[] {
  const before = offsetAtInstant(local - DAY);
  const after = offsetAtInstant(local + DAY);
  if (before === after) return [local - before];
  const early = local - before;
  const late = local - after;
  const offsetEarly = offsetAtInstant(early);
  if (offsetEarly === offsetAtInstant(late)) return [local - offsetEarly];
  return before > after ? [early, late] : [];
}

/**
 * The instant of wall-clock `local` by the 'compatible' rule: in an overlap the earlier instant; in a
 * gap the instant as if the offset before the gap still held (the wall clock moved on by the gap).
 */
export function compatibleInstant(local: number, offsetAtInstant: (at: number) => number): number {
  const possible = possibleInstants(local, offsetAtInstant);
  if (possible.length > 0) return possible[0];
  const gap = offsetAtInstant(local + DAY) - offsetAtInstant(local - DAY);
  const shifted = possibleInstants(local + gap, offsetAtInstant);
  return shifted[shifted.length - 1];
}

/** The instant wall-clock `local` denotes in `timeZone`, by the 'compatible' rule. */
/** @internal tested against Temporal by itself */
export function instantOfLocal(timeZone: string, local: number): number {
  return compatibleInstant(local, (at) => offsetAt(timeZone, at));
}

/** The first instant of the local day starting at wall-clock `localMidnight` (a gap may skip midnight). */
export function startOfLocalDay(timeZone: string, localMidnight: number): number {
  const possible = possibleInstants(localMidnight, (at) => offsetAt(timeZone, at));
  if (possible.length > 0) return possible[0];
  // Midnight is skipped: the day starts when the gap ends, at the transition that made it.
  const transition = nextTransition(timeZone, localMidnight - DAY, localMidnight + DAY);
  if (transition === undefined)
    throw new RangeError(`no transition around a skipped midnight in ${timeZone}`);
  return transition;
}
