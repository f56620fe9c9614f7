// SaaSTech, Managed Workplace with monthly billing on the 12-hour credit tier (seed 001), demo account
// demo-saastech: P1 time rounded to 15 minutes, 3 included hours a month, the rest billed at $150/h.
// Timeline: the anchor Friday 09:30 New York (UTC-5).
import { describe, expect, test } from 'vitest';
import { day, expectInstant, keys, local, ok, setClock, type Ticket } from './desk.ts';

const NEW_YORK = 'America/New_York';
const account = 'demo-saastech';
const month = day(0).slice(0, 7);

describe('SaaSTech Managed Workplace, 12-hour credit tier (seed 001)', () => {
  let urgent: Ticket;

  test('an URGENT (P1) ticket asks for a response within the hour, around the clock', async () => {
    // "URGENT Priority Tasks: A support request is needed within 1 hour of response".
    await setClock(local(4, '09:30', NEW_YORK));
    urgent = await ok(201, 'POST', '/v1/tickets', keys.customer[account], {
      subject: 'Mail server down',
      body: 'Nobody in the office can send mail.',
      severity: 'P1',
    });
    expect(urgent.sla.firstResponse.calendarId).toBe('always');
    expectInstant(urgent.sla.firstResponse.dueAt, local(4, '10:30', NEW_YORK), 'response due');
  });

  test('50 minutes of P1 work count as 60, drawn from the 3 included hours', async () => {
    // "$150 $37.50/15 min" (URGENT - P1, 12 hour CREDIT): time is sold in 15-minute steps.
    const { entry } = await ok(201, 'POST', `/v1/tickets/${urgent.id}/time-entries`, keys.agent, {
      minutes: 50,
      note: 'remote session: mail queue',
    });
    expect(entry).toMatchObject({ minutes: 50, countedMinutes: 60, fromPool: 60 });
  });

  test('past the 3 included hours, P1 time is billed at $150/h', async () => {
    // "3 Hours of Client Success Services are included in Managed Workplace Plans that expire each
    // year or month depending on the billing term selected."
    // 140 minutes count 150: 120 finish the included hours, 30 are billed (30 x $150/h = $75.00).
    const split = await ok(201, 'POST', `/v1/tickets/${urgent.id}/time-entries`, keys.agent, {
      minutes: 140,
      note: 'rebuilt the mail store',
    });
    expect(split.entry).toMatchObject({ countedMinutes: 150, fromPool: 120, decision: 'billed' });
    // 50 more minutes count 60, all billed: $150.00.
    const billed = await ok(201, 'POST', `/v1/tickets/${urgent.id}/time-entries`, keys.agent, {
      minutes: 50,
      note: 'restored the archive',
    });
    expect(billed.entry).toMatchObject({ countedMinutes: 60, fromPool: 0, decision: 'billed' });

    const usage = await ok(200, 'GET', `/v1/accounts/${account}/usage?month=${month}`, keys.finance);
    expect(usage.pools).toEqual([
      expect.objectContaining({ poolId: 'included-hours', allowance: 180, used: 180, remaining: 0 }),
    ]);
    // $75.00 + $150.00.
    expect(usage.totals).toEqual({ USD: 22_500 });
  });
});
