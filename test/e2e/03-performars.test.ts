// Performars (seed 000): the Business package (demo-performars: 72 tickets a year, registered within
// 8 and processed within 24 business hours) and a customer without a contract (demo-performars-ppu:
// USD 70 per ticket, charged when processed). Business hours: Mon-Fri 09:00-18:00 KST with a
// 12:00-13:00 lunch break (the catalog's reading of "8 hours (1 day)").
// Timeline: the anchor Thursday 10:00 Seoul (UTC+9) to the Friday 17:00.
import { describe, expect, test } from 'vitest';
import { day, expectDuration, expectInstant, HOUR, keys, local, ok, setClock, type Ticket } from './desk.ts';

const SEOUL = 'Asia/Seoul';
const month = day(0).slice(0, 7);
const THURSDAY = 3;
const FRIDAY = 4;

describe('Performars Business and pay per use (seed 000)', () => {
  let packaged: Ticket;
  let perUse: Ticket;

  test('a Business ticket is registered within 8 and processed within 24 business hours (3 days)', async () => {
    // Business Plan: "No. of ticket: 72/year"; "Issue to be registered within 8 hours of receipt
    // (1 day), processing within 24 hours (3 days)".
    await setClock(local(THURSDAY, '10:00', SEOUL));
    packaged = await ok(201, 'POST', '/v1/tickets', keys.customer['demo-performars'], {
      subject: 'Campaign audience sync fails',
      body: 'The CRM audience stopped syncing to the ad platform.',
      severity: 'Level2',
    });
    expect(packaged.entitlement).toEqual({
      decision: 'consume',
      notes: [{ kind: 'consumed', used: 1, allowance: 72, period: 'contractYear' }],
    });
    // Thursday 10:00-12:00 and 13:00-18:00 is 7 hours: registered by Friday 10:00.
    expectInstant(packaged.sla.acknowledge.dueAt, local(FRIDAY, '10:00', SEOUL), 'registered by');
    // 7 (Thu) + 8 (Fri) + 8 (Mon) + 1 (Tue): processed by the Tuesday after, 10:00.
    expectInstant(packaged.sla.resolution.dueAt, local(8, '10:00', SEOUL), 'processed by');
  });

  test('without a contract, a Level 1 ticket is processed within 16 business hours and nothing is charged yet', async () => {
    // "Level1 ... processing within 16 hours (2 days)"; "a fee of USD 70 per ticket service processed".
    perUse = await ok(201, 'POST', '/v1/tickets', keys.customer['demo-performars-ppu'], {
      subject: 'Coupon report is empty',
      body: 'The weekly coupon report has no rows.',
    });
    expect(perUse.severity).toBe('Level1');
    // 7 (Thu) + 8 (Fri) + 1 (Mon): Monday 10:00.
    expectInstant(perUse.sla.resolution.dueAt, local(7, '10:00', SEOUL), 'processed by');
    const usage = await ok(200, 'GET', `/v1/accounts/demo-performars-ppu/usage?month=${month}`, keys.finance);
    expect(usage.entries).toEqual([]);
  });

  test('triage registers both tickets within target', async () => {
    await setClock(local(THURSDAY, '11:00', SEOUL));
    for (const ticket of [packaged, perUse]) {
      const triaged = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${ticket.id}`, keys.agent, {
        severity: ticket.severity,
        status: 'in_progress',
      });
      expect(triaged.sla.acknowledge.state).toBe('met');
      expectInstant(triaged.acknowledgedAt, local(THURSDAY, '11:00', SEOUL), 'registered at');
    }
  });

  test('the lunch hour does not count: at 14:00 three business hours have passed', async () => {
    await setClock(local(THURSDAY, '14:00', SEOUL));
    const ticket = await ok<Ticket>(200, 'GET', `/v1/tickets/${packaged.id}`, keys.agent);
    expect(ticket.sla.resolution.state).toBe('running');
    expectDuration(ticket.sla.resolution.elapsedMs, 3 * HOUR, 'elapsed 10:00-12:00 and 13:00-14:00');
  });

  test('the pay-per-use ticket processed the same day is met and charged USD 70', async () => {
    await setClock(local(THURSDAY, '17:00', SEOUL));
    const resolved = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${perUse.id}`, keys.agent, {
      status: 'resolved',
    });
    expect(resolved.sla.resolution.state).toBe('met');
    const usage = await ok(200, 'GET', `/v1/accounts/demo-performars-ppu/usage?month=${month}`, keys.finance);
    expect(usage.entries).toEqual([
      expect.objectContaining({ kind: 'ticket_fee', quantity: 1, amount: 7000, currency: 'USD' }),
    ]);
    expect(usage.totals).toEqual({ USD: 7000 });
  });

  test('the Business ticket processed on Friday is met after 14 business hours', async () => {
    await setClock(local(FRIDAY, '17:00', SEOUL));
    const resolved = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${packaged.id}`, keys.agent, {
      status: 'resolved',
    });
    expect(resolved.sla.resolution.state).toBe('met');
    expectDuration(resolved.sla.resolution.elapsedMs, 14 * HOUR, 'Thursday 7 + Friday 7');
  });
});
