// SuiteCRM dedicated support, 25 prepaid hours (seed 003), demo account demo-suitecrm: the response
// target counts London banking days, triage acknowledges; once the hours are used agents still record
// their work (over the allowance, free of charge), and new requests are accepted without SLA clocks
// with the seed's reason in the acknowledgement, by API and by mail.
// Timeline: the Monday after the anchor, 10:00-11:00 London (UTC+0).
import { describe, expect, test } from 'vitest';
import {
  day,
  expectInstant,
  keys,
  local,
  mailOut,
  ok,
  sendMail,
  setClock,
  type Ticket,
  ticketsOf,
} from './desk.ts';

const LONDON = 'Europe/London';
const account = 'demo-suitecrm';
const customer = keys.customer[account]!;
const month = day(0).slice(0, 7);
const MONDAY = 7;
const REASON = 'no obligation to correct errors once the maximum support hours are consumed';

describe('SuiteCRM dedicated support, 25 hours (seed 003)', () => {
  let ticket: Ticket;

  test('the response target counts London banking days; triage meets it', async () => {
    // "Tiempo de respuesta: El tiempo que tarda SalesAgility en asignar un número de referencia de
    // caso a la falla, confirmar el nivel de Error y acusar recibo de la falla al cliente."
    await setClock(local(MONDAY, '10:00', LONDON));
    ticket = await ok(201, 'POST', '/v1/tickets', customer, {
      subject: 'Workflow emails are not sent',
      body: 'Since the upgrade no workflow email leaves SuiteCRM.',
    });
    expect(ticket.severity).toBe('S3');
    // S3: 8 business hours (placeholder) of 09:00-17:30: 7.5 on Monday, 0.5 on Tuesday.
    expectInstant(ticket.sla.acknowledge.dueAt, local(MONDAY + 1, '09:30', LONDON), 'acknowledge due');

    await setClock(local(MONDAY, '11:00', LONDON));
    const triaged = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${ticket.id}`, keys.agent, {
      severity: 'S3',
    });
    expect(triaged.sla.acknowledge.state).toBe('met');
    expectInstant(triaged.sla.acknowledge.metAt, local(MONDAY, '11:00', LONDON), 'acknowledged at');
  });

  test('time is drawn from the 25 prepaid hours until they are used; an overrun is not charged', async () => {
    const first = await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, {
      minutes: 1440,
      note: 'upgrade audit and mail queue repair',
    });
    expect(first.entry).toMatchObject({ countedMinutes: 1440, fromPool: 1440 });
    // 90 minutes: the last 60 of the 1500, and 30 recorded free of charge.
    const last = await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, {
      minutes: 90,
      note: 'verified with the customer',
    });
    expect(last.entry).toMatchObject({ countedMinutes: 90, fromPool: 60 });
    const usage = await ok(200, 'GET', `/v1/accounts/${account}/usage?month=${month}`, customer);
    expect(usage.pools).toEqual([
      expect.objectContaining({ poolId: 'prepaid-hours', allowance: 1500, used: 1500, remaining: 0 }),
    ]);
    // Prepaid hours are paid up front: nothing is charged, the overrun included.
    expect(usage.totals).toEqual({ GBP: 0 });
  });

  test('with the hours used, the agent still records work on the open ticket, over the allowance', async () => {
    // Recording work is never refused: 20 minutes count 30 (15-minute steps), all past the hours.
    const more = await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, {
      minutes: 20,
      note: 'checked the mail queue after the fix',
    });
    expect(more.entry).toMatchObject({ countedMinutes: 30, fromPool: 0, overAllowance: 30 });
    const usage = await ok(200, 'GET', `/v1/accounts/${account}/usage?month=${month}`, keys.agent);
    expect(usage.entries.at(-1)).toMatchObject({ kind: 'time_billed', quantity: 30, amount: 0 });
    expect(usage.entries.at(-1).reason).toContain('over the prepaid-hours allowance');
    expect(usage.totals).toEqual({ GBP: 0 });
  });

  test('a new request by API is accepted without SLA clocks', async () => {
    // "Max horas de soporte: SalesAgility no tiene la obligación de corregir errores una vez que se
    // hayan consumido las horas máximas de soporte": no obligation, not a refusal.
    const late = await ok<Ticket & { slaExempt: boolean }>(201, 'POST', '/v1/tickets', customer, {
      subject: 'Reports are slow',
      body: 'The sales report takes minutes.',
    });
    expect(late.slaExempt).toBe(true);
    expect(late.sla).toEqual({});
    expect(late.entitlement).toEqual({
      decision: 'overage',
      notes: [{ kind: 'withoutSla', because: 'hoursUsed' }],
    });
  });

  test('a new request by mail opens a ticket whose acknowledgement says why it has no SLA', async () => {
    const before = (await ticketsOf(account)).length;
    const messageId = await sendMail({
      from: 'crm@thames.example',
      subject: 'Dashboards are empty',
      text: 'No dashlet shows data.',
    });
    const ack = await mailOut('the acknowledgement', (m) => m.headers['in-reply-to'] === messageId);
    expect(ack.headers.to).toBe('crm@thames.example');
    const text = ack.body.replace(/\s+/g, ' ');
    expect(text).toContain(REASON);
    expect(text).toContain('without the response times of your plan');
    expect(text).not.toContain('What your plan promises');
    expect(await ticketsOf(account)).toHaveLength(before + 1);
  });
});
