// Business-time arithmetic on a Calendar: when does a business-time target fall due, and how much
// business time lies between two instants. Semantics: DESIGN.md "Business time (contract)".
//
// Design: a calendar is compiled once (cached by object identity) and then, lazily per fixed
// stretch of UTC time (a "chunk"), into sorted, merged UTC business intervals with running sums of
// business milliseconds. Adding or measuring is a binary search in those sums, plus one step per
// chunk crossed, so the cost hardly grows with the duration. The zone is only consulted while
// building a chunk, for its offset transitions in the chunk; near a transition a local time is
// resolved by the 'compatible' rule, everywhere else it is the instant minus a fixed offset.
import { type Calendar, epochDayOf, minutesOf, parseCalendar, WEEKDAYS } from './calendar.ts';
import { compatibleInstant, nextTransition, offsetAt } from './zone.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Chunk length: shorter than the 366-day search limit, so a gap inside one chunk never exceeds it. */
const CHUNK = 364 * DAY;
/** With no business time this long after the point reached, a calendar is treated as closed for good. */
const SEARCH_LIMIT = 366 * DAY;
/** The latest instant a Date can hold. */
const MAX_INSTANT = 8.64e15;

/** Business intervals of one chunk: [starts[i], ends[i]) sorted and disjoint, cumEnd[i] = business ms up to ends[i]. */
interface Chunk {
  starts: Float64Array;
  ends: Float64Array;
  cumEnd: Float64Array;
  total: number;
}

/** A calendar reduced to numbers: window minute pairs per weekday (Monday = 0) and per epoch day. */
interface CompiledCalendar {
  timeZone: string;
  weekly: number[][];
  holidays: Set<number>;
  overrides: Map<number, number[]>;
  chunks: Map<number, Chunk>;
}

// Keyed by the calendar object: calendars are values, so one changed after its first use is not seen.
const compiled = new WeakMap<Calendar, CompiledCalendar>();

/** The earliest instant t >= start such that the business time in [start, t) equals durationMs. */
export function addBusinessTime(calendar: Calendar, start: Date, durationMs: number): Date {
  const t = instantOf(start, 'start');
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a non-negative integer, got ${durationMs}`);
  }
  if (durationMs === 0) return new Date(t);
  const cal = compile(calendar);
  let k = chunkIndex(t);
  let chunk = chunkOf(cal, k);
  const before = positionIn(chunk, t);
  let target = before + durationMs;
  // The end of the business time seen so far: a later gap longer than SEARCH_LIMIT means "never".
  let reached = t;
  if (chunk.total > before) reached = chunk.ends[chunk.ends.length - 1];
  while (target > chunk.total) {
    target -= chunk.total;
    k += 1;
    if (k * CHUNK >= MAX_INSTANT)
      throw new RangeError('business time runs past the latest representable date');
    chunk = chunkOf(cal, k);
    const next = chunk.total > 0 ? chunk.starts[0] : (k + 1) * CHUNK;
    if (next - reached > SEARCH_LIMIT) {
      throw new RangeError(
        `calendar has no business time within 366 days after ${new Date(reached).toISOString()}`,
      );
    }
    if (chunk.total > 0) reached = chunk.ends[chunk.ends.length - 1];
  }
  return new Date(instantAt(chunk, target));
}

/**
 * Business milliseconds in [from, to). When to < from the answer is negative, -between(to, from),
 * so between(a, b) + between(b, c) == between(a, c) holds for any order.
 */
export function businessTimeBetween(calendar: Calendar, from: Date, to: Date): number {
  const a = instantOf(from, 'from');
  const b = instantOf(to, 'to');
  if (b < a) return 0 - measure(compile(calendar), b, a);
  return measure(compile(calendar), a, b);
}

function measure(cal: CompiledCalendar, a: number, b: number): number {
  const ka = chunkIndex(a);
  const kb = chunkIndex(b);
  let sum = positionIn(chunkOf(cal, kb), b) - positionIn(chunkOf(cal, ka), a);
  for (let k = ka; k < kb; k++) sum += chunkOf(cal, k).total;
  return sum;
}

function instantOf(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

function chunkIndex(t: number): number {
  return Math.floor(t / CHUNK);
}

/** Business ms in [chunk start, t). */
function positionIn(chunk: Chunk, t: number): number {
  const { starts, ends, cumEnd } = chunk;
  // First interval that ends after t.
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  if (lo === ends.length) return chunk.total;
  const done = lo > 0 ? cumEnd[lo - 1] : 0;
  return t > starts[lo] ? done + t - starts[lo] : done;
}

/** The earliest instant with `position` business ms before it in the chunk (0 < position <= total). */
function instantAt(chunk: Chunk, position: number): number {
  const { ends, cumEnd } = chunk;
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumEnd[mid] >= position) hi = mid;
    else lo = mid + 1;
  }
  return ends[lo] - (cumEnd[lo] - position);
}

function compile(calendar: Calendar): CompiledCalendar {
  let cal = compiled.get(calendar);
  if (cal) return cal;
  // Validated here too: a calendar read from storage may bypass the API's parsing.
  const valid = parseCalendar(calendar);
  // holidayRegions are ignored here: they were expanded into `holidays` when the calendar was saved.
  const minutes = (windows: [string, string][] = []) =>
    windows.flatMap(([s, e]) => [minutesOf(s), minutesOf(e)]);
  cal = {
    timeZone: valid.timeZone,
    weekly: WEEKDAYS.map((d) => minutes(valid.weekly[d])),
    holidays: new Set((valid.holidays ?? []).map(epochDayOf)),
    overrides: new Map(
      Object.entries(valid.overrides ?? {}).map(([date, w]) => [epochDayOf(date), minutes(w)]),
    ),
    chunks: new Map(),
  };
  compiled.set(calendar, cal);
  return cal;
}

function chunkOf(cal: CompiledCalendar, k: number): Chunk {
  let chunk = cal.chunks.get(k);
  if (!chunk) {
    chunk = buildChunk(cal, k * CHUNK, (k + 1) * CHUNK);
    cal.chunks.set(k, chunk);
  }
  return chunk;
}

/** The business intervals within the UTC range [from, to). */
function buildChunk(cal: CompiledCalendar, from: number, to: number): Chunk {
  const zone = new ZoneOffsets(cal.timeZone, from - 7 * DAY, to + 7 * DAY);
  const raw: [number, number][] = [];
  // Local days a few days either side: offsets reach +-14 h and a DST gap may push a window a day on.
  for (let day = Math.floor(from / DAY) - 3; day <= Math.floor(to / DAY) + 3; day++) {
    const windows =
      cal.overrides.get(day) ?? (cal.holidays.has(day) ? [] : cal.weekly[(((day + 3) % 7) + 7) % 7]);
    for (let i = 0; i < windows.length; i += 2) {
      const start = Math.max(from, zone.instantOf(day * DAY + windows[i] * MINUTE));
      const end = Math.min(to, zone.instantOf(day * DAY + windows[i + 1] * MINUTE));
      // A window DST squeezes to nothing (or reverses, 02:30-03:00 on a spring-forward day) holds nothing.
      if (end > start) raw.push([start, end]);
    }
  }
  raw.sort((x, y) => x[0] - y[0]);
  // Merge touching and overlapping windows (a gap can map one window's end past the next one's start).
  const merged: [number, number][] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  const starts = new Float64Array(merged.length);
  const ends = new Float64Array(merged.length);
  const cumEnd = new Float64Array(merged.length);
  let total = 0;
  merged.forEach(([s, e], i) => {
    starts[i] = s;
    ends[i] = e;
    total += e - s;
    cumEnd[i] = total;
  });
  return { starts, ends, cumEnd, total };
}

/** Local wall-clock to instant for one zone over a UTC range, from its offset transitions in that range. */
class ZoneOffsets {
  /** Transition instants and the offset (ms) in force from each; offsets[0] holds before the first. */
  readonly transitions: number[] = [];
  readonly offsets: number[];
  private readonly offsetAtInstant = (at: number): number => {
    const { transitions } = this;
    let i = 0;
    while (i < transitions.length && transitions[i] <= at) i++;
    return this.offsets[i];
  };

  constructor(timeZone: string, from: number, to: number) {
    this.offsets = [offsetAt(timeZone, from)];
    for (
      let at = nextTransition(timeZone, from, to);
      at !== undefined;
      at = nextTransition(timeZone, at, to)
    ) {
      this.transitions.push(at);
      this.offsets.push(offsetAt(timeZone, at));
    }
  }

  /** The instant of local wall-clock `local` (ms since 1970-01-01T00:00 local), by the 'compatible' rule. */
  instantOf(local: number): number {
    let i = 0;
    for (const at of this.transitions) {
      // Within two days of a transition the wall clock may be skipped or repeated.
      if (Math.abs(at - local) < 2 * DAY) return compatibleInstant(local, this.offsetAtInstant);
      if (at <= local) i++;
    }
    return local - this.offsets[i];
  }
}
