// The SLA sweeper on DynamoDB Local: a ticket whose schedules were never created (no reconciler runs
// on this table) gets its overdue warning and breach recorded by the sweep, exactly once, with one
// alert each; a second sweep, and a late timer, change nothing; a deadline inside the grace is left
// to its timer; what the sweep caught is reported once, by ids only.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { desiredSchedules, type TicketImage } from '../../functions/sla/schedules.ts';
import { SWEEP_GRACE_MS, SWEEPER_CAUGHT_MESSAGE, sweeperHandler } from '../../functions/sla/sweeper.ts';
import { timerHandler } from '../../functions/sla/timer.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import { alertsOf, b2beeCatalog, deskOn, frozenClock, type SlaTestTable, slaTestTable } from './helpers.ts';

const MINUTE = 60_000;
let table: SlaTestTable;

beforeAll(async () => {
  table = await slaTestTable('sweeper');
});
afterAll(() => table?.store.doc.destroy());
afterEach(() => vi.restoreAllMocks());

describe('the SLA sweeper', () => {
  test('records the breach of a ticket that never had a schedule exactly once, and says what it caught', async () => {
    const clock = frozenClock();
    const desk = await deskOn(table.store, clock, b2beeCatalog());
    const sweep = sweeperHandler({ context: () => desk.ctx });
    const ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
    const [warning, breach] = desiredSchedules(ticket as unknown as TicketImage);
    expect([warning?.payload.event, breach?.payload.event]).toEqual(['warning', 'breach']);

    // Inside the grace after the warning: the timer's turn, not the sweeper's.
    clock.set(new Date(Date.parse(warning!.at) + SWEEP_GRACE_MS - MINUTE));
    expect(await sweep()).toEqual({ tickets: 0, caught: 0 });

    const warnings = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    clock.set(new Date(Date.parse(breach!.at) + SWEEP_GRACE_MS + MINUTE));
    const first = await sweep();
    expect(first.caught).toBe(1);
    const stored = (await getTicket(table.store, ticket.id))!;
    expect(stored.sla.firstResponse).toMatchObject({ state: 'breached', breachedAt: breach!.at });
    expect((await alertsOf(table.store, ticket.id)).map((a) => a.kind)).toEqual(['slaBreached']);
    const reports = warnings.mock.calls
      .map(([l]) => String(l))
      .filter((l) => l.includes(SWEEPER_CAUGHT_MESSAGE));
    expect(reports).toHaveLength(1);
    expect(JSON.parse(reports[0]!)).toMatchObject({ level: 'WARN', caught: 1, tickets: [ticket.id] });
    expect(reports[0]).not.toContain('Checkout');

    // Again, and the schedule that finally fires late: nothing more.
    expect((await sweep()).caught).toBe(0);
    expect((await timerHandler({ context: () => desk.ctx })(breach!.payload)).outcome).toBe('unchanged');
    expect((await alertsOf(table.store, ticket.id)).map((a) => a.kind)).toEqual(['slaBreached']);
  });

  test('a warning whose timer was lost is caught with its breach: the sweep reads the overdue head of the queue', async () => {
    const clock = frozenClock();
    const desk = await deskOn(table.store, clock, b2beeCatalog());
    const sweep = sweeperHandler({ context: () => desk.ctx });
    const ticket = await desk.open({ severity: 'Critical' });
    const [warning, breach] = desiredSchedules(ticket as unknown as TicketImage);
    // Past the warning, before the breach: the queue ranks the ticket by its deadline, still ahead.
    const between = Date.parse(warning!.at) + SWEEP_GRACE_MS + MINUTE;
    expect(between).toBeLessThan(Date.parse(breach!.at));
    clock.set(new Date(between));
    expect(await sweep()).toEqual({ tickets: 0, caught: 0 });
    // Past the breach: the breach is recorded once, with its alert (a warning and its breach due
    // together record the breach alone).
    clock.set(new Date(Date.parse(breach!.at) + SWEEP_GRACE_MS + MINUTE));
    expect(await sweep()).toMatchObject({ caught: 1 });
    expect((await alertsOf(table.store, ticket.id)).map((a) => a.kind)).toEqual(['slaBreached']);
    const stored = (await getTicket(table.store, ticket.id))!;
    expect(stored.sla.firstResponse?.state).toBe('breached');
    expect((await sweep()).caught).toBe(0);
  });

  test('a ticket whose timers fired on time is read but changes nothing', async () => {
    // A table of its own: the other tests leave deadlines for a sweep to catch.
    const own = await slaTestTable('sweeper-on-time');
    const clock = frozenClock();
    const desk = await deskOn(own.store, clock, b2beeCatalog());
    const ticket = await desk.open({ severity: 'Critical' });
    const fire = timerHandler({ context: () => desk.ctx });
    for (const schedule of desiredSchedules(ticket as unknown as TicketImage)) {
      clock.set(new Date(schedule.at));
      expect((await fire(schedule.payload)).outcome).toBe('recorded');
    }
    clock.advance(SWEEP_GRACE_MS + 10 * MINUTE);
    expect(await sweeperHandler({ context: () => desk.ctx })()).toEqual({ tickets: 0, caught: 0 });
    own.store.doc.destroy();
  });
});
