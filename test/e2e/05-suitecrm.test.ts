// SuiteCRM dedicated support, 25 prepaid hours (seed 003), demo account demo-suitecrm: the response
// target counts London banking days, triage acknowledges, and once the hours are used new requests
// are refused with the seed's reason, by API and by mail.
// Timeline: the Monday after the anchor, 10:00-11:00 London (UTC+0).
import { describe, expect, test } from 'vitest';
import {
  call,
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

  test('with the hours used, a new request by API is refused with the seed’s reason', async () => {
    // "Max horas de soporte: SalesAgility no tiene la obligación de corregir errores una vez que se
    // hayan consumido las horas máximas de soporte."
    const refused = await call<{ type: string; status: number; detail: string }>(
      'POST',
      '/v1/tickets',
      customer,
      {
        subject: 'Reports are slow',
        body: 'The sales report takes minutes.',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.type).toMatch(/rejected$/);
    expect(refused.body.detail).toContain(REASON);
  });

  test('a new request by mail gets one answer with the reason and opens no ticket', async () => {
    const before = (await ticketsOf(account)).length;
    const messageId = await sendMail({
      from: 'crm@thames.example',
      subject: 'Dashboards are empty',
      text: 'No dashlet shows data.',
    });
    const answer = await mailOut('the refusal', (m) => m.headers['in-reply-to'] === messageId);
    expect(answer.headers.to).toBe('crm@thames.example');
    expect(answer.body.replace(/\s+/g, ' ')).toContain(REASON);
    expect(await ticketsOf(account)).toHaveLength(before);
  });
});
