// Benchmark of business-time arithmetic: addBusinessTime calls/s over mixed calendars, how much
// more 2,000 business hours cost than 8, and businessTimeBetween calls/s. Targets: DESIGN.md.
// Run alone with `node bench/business-time.ts`, or through bench/run.ts via run().
import { addBusinessTime, businessTimeBetween } from '../functions/domain/business-time.ts';
import { type Calendar, parseCalendar } from '../functions/domain/calendar.ts';

const H = 3_600_000;
const M = 60_000;
const TARGET_ADDS_PER_SECOND = 250_000;
const TARGET_RATIO = 3;

const weekdays = (windows: [string, string][]) => ({
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
});
const everyDay = (windows: [string, string][]) => ({ ...weekdays(windows), sat: windows, sun: windows });

function calendars(): Calendar[] {
  const spanish = ['01-01', '01-06', '05-01', '08-15', '10-12', '11-01', '12-06', '12-08', '12-25'];
  return [
    {
      timeZone: 'Europe/Madrid',
      weekly: weekdays([['08:00', '18:00']]),
      holidays: [2026, 2027, 2028, 2029].flatMap((y) => spanish.map((d) => `${y}-${d}`)),
      overrides: { '2026-12-24': [['08:00', '13:00']] },
    },
    {
      timeZone: 'Europe/London',
      weekly: weekdays([['09:00', '17:30']]),
      holidays: ['2026-12-25', '2026-12-28', '2027-12-27', '2027-12-28', '2028-12-25', '2028-12-26'],
    },
    { timeZone: 'America/New_York', weekly: weekdays([['09:00', '17:00']]) },
    { timeZone: 'Australia/Lord_Howe', weekly: everyDay([['08:00', '20:00']]) },
    {
      timeZone: 'America/Sao_Paulo',
      weekly: { ...weekdays([['00:00', '06:00']]), sat: [['22:00', '24:00']], sun: [['00:00', '24:00']] },
    },
    { timeZone: 'UTC', weekly: everyDay([['00:00', '24:00']]) },
    {
      timeZone: 'Asia/Seoul',
      weekly: weekdays([
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ]),
    },
  ].map(parseCalendar);
}

/** mulberry32: a small fixed-seed generator, so every run measures the same inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Case {
  calendar: Calendar;
  start: Date;
  end: Date;
  durationMs: number;
}

function cases(count: number): Case[] {
  const next = random(20260101);
  const cals = calendars();
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2029, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const start = from + Math.floor(next() * (to - from));
    // Log-uniform from 1 minute to 2,000 hours, whole minutes.
    const durationMs = Math.round(Math.exp(Math.log(M) + next() * Math.log((2_000 * H) / M)) / M) * M;
    return {
      calendar: cals[i % cals.length],
      start: new Date(start),
      end: new Date(start + Math.floor(next() * 90 * 24 * H)),
      durationMs,
    };
  });
}

/** Calls per second of `call` over `inputs`, after a warm-up pass (which also compiles the calendars). */
function callsPerSecond<T>(inputs: T[], call: (input: T) => unknown, seconds = 1): number {
  for (const input of inputs) call(input);
  let calls = 0;
  const began = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const input of inputs) call(input);
    calls += inputs.length;
    elapsed = performance.now() - began;
  }
  return (calls / elapsed) * 1000;
}

export async function run(): Promise<Record<string, number>> {
  const mixed = cases(10_000);
  const addPerSecond = callsPerSecond(mixed, (c) => addBusinessTime(c.calendar, c.start, c.durationMs));
  const add8h = callsPerSecond(mixed, (c) => addBusinessTime(c.calendar, c.start, 8 * H));
  const add2000h = callsPerSecond(mixed, (c) => addBusinessTime(c.calendar, c.start, 2_000 * H));
  const betweenPerSecond = callsPerSecond(mixed, (c) => businessTimeBetween(c.calendar, c.start, c.end));
  // A fresh calendar object: parsing, compiling and building its first chunk, as in a cold Lambda.
  const cold = calendars();
  const coldStart = performance.now();
  for (const calendar of cold) addBusinessTime(calendar, new Date(Date.UTC(2027, 5, 1)), 8 * H);
  const coldFirstCallMs = (performance.now() - coldStart) / cold.length;
  const ratio = add8h / add2000h;
  return {
    addPerSecond: Math.round(addPerSecond),
    add8hPerSecond: Math.round(add8h),
    add2000hPerSecond: Math.round(add2000h),
    cost2000hOver8h: Number(ratio.toFixed(2)),
    betweenPerSecond: Math.round(betweenPerSecond),
    coldFirstCallMs: Number(coldFirstCallMs.toFixed(2)),
    targetsMet: addPerSecond >= TARGET_ADDS_PER_SECOND && ratio <= TARGET_RATIO ? 1 : 0,
  };
}

if (import.meta.main) {
  const figures = await run();
  console.table(figures);
  console.log(
    `addBusinessTime >= ${TARGET_ADDS_PER_SECOND.toLocaleString('en')}/s: ${figures.addPerSecond >= TARGET_ADDS_PER_SECOND ? 'met' : 'NOT met'}; ` +
      `2,000 h cost <= ${TARGET_RATIO}x 8 h: ${figures.cost2000hOver8h <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
}
