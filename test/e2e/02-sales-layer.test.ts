// Sales Layer, Premium plan (seed 002), demo account demo-sales-layer: first response in business
// hours of Madrid without national holidays, the 15-minute minimum per conversation, incidents not
// deducted once support confirms them (a customer's "incident" is a request until then), and the
// clock paused while waiting on the customer, resumed by the customer's mail.
// Timeline: the anchor Monday 10:00 Madrid (UTC+1) to two working days later.
import { describe, expect, test } from 'vitest';
import {
  day,
  desk,
  expectDuration,
  expectInstant,
  HOUR,
  keys,
  local,
  messageContaining,
  ok,
  outbox,
  sendMail,
  setClock,
  type Ticket,
} from './desk.ts';

const MADRID = 'Europe/Madrid';
const account = 'demo-sales-layer';
const customer = keys.customer[account]!;
const month = day(0).slice(0, 7);
/** The working day after the anchor Monday: Wednesday when Tuesday is a Spanish holiday (8 Dec 2026). */
const nextWorkingDay = desk.madridTuesdayHoliday ? 2 : 1;

describe('Sales Layer Premium (seed 002)', () => {
  let question: Ticket;

  test('first response is due after 12 business hours of 08:00-18:00 Madrid, skipping national holidays', async () => {
    // "Premium accounts: The general first non-automatic response time is 12 hours";
    // "Business hours ... between 08:00 AM - 06:00 PM CET", "excluding national holidays".
    await setClock(local(0, '10:00', MADRID));
    question = await ok(201, 'POST', '/v1/tickets', customer, {
      subject: 'Channel export drops the EAN column',
      body: 'The Amazon channel export has no EAN since yesterday.',
    });
    expect(question.sla.firstResponse.calendarId).toBe('madrid-business');
    expect(question.sla.firstResponse.targetMs).toBe(12 * HOUR);
    // Monday 10:00-18:00 is 8 hours; the other 4 end at 12:00 on the next working day.
    expectInstant(question.sla.firstResponse.dueAt, local(nextWorkingDay, '12:00', MADRID), 'due');
  });

  test('a 5-minute conversation deducts 15 minutes of the annual support hours', async () => {
    // "Opening of conversation: a minimum of 15 minutes will be deducted."
    const { entry } = await ok(201, 'POST', `/v1/tickets/${question.id}/time-entries`, keys.agent, {
      minutes: 5,
      conversationId: 'chat-1',
      note: 'pointed to the channel mapping article',
    });
    expect(entry).toMatchObject({ minutes: 5, countedMinutes: 15, fromPool: 15 });
    // "in the most favorable way": 7 more minutes in the same chat stay inside the 15 deducted.
    const more = await ok(201, 'POST', `/v1/tickets/${question.id}/time-entries`, keys.agent, {
      minutes: 7,
      conversationId: 'chat-1',
      note: 'followed up in the same chat',
    });
    expect(more.entry).toMatchObject({ minutes: 7, countedMinutes: 0, fromPool: 0 });
  });

  test('time on an incident is not deducted from the support hours, once support confirms it is one', async () => {
    // "Incidents are not counted as support hours. Therefore, they are not deducted from the
    // contracted support hours." "If the concern is identified as an incident, the customer will be
    // informed accordingly": the customer declares, support assesses.
    const declared = await ok<Ticket>(201, 'POST', '/v1/tickets', customer, {
      subject: 'Products vanish from the feed',
      body: 'About 300 products disappeared from the published feed.',
      severity: 'Major',
      kind: 'incident',
    });
    expect(declared).toMatchObject({
      kind: 'request',
      severity: 'Minor',
      declared: { kind: 'incident', severity: 'Major' },
      assessed: null,
    });
    const incident = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${declared.id}`, keys.agent, {
      kind: 'incident',
    });
    expect(incident).toMatchObject({ kind: 'incident', severity: 'Major', assessed: { kind: 'incident' } });
    const { entry } = await ok(201, 'POST', `/v1/tickets/${incident.id}/time-entries`, keys.agent, {
      minutes: 30,
      note: 'diagnosed the feed publisher',
    });
    expect(entry).toMatchObject({ minutes: 30, fromPool: 0, decision: 'exempt' });
    const usage = await ok(200, 'GET', `/v1/accounts/${account}/usage?month=${month}`, customer);
    // 50 hours a contract year (the catalog's placeholder) = 3000 minutes; only the 15 are gone.
    expect(usage.pools).toEqual([
      expect.objectContaining({
        poolId: 'support-hours',
        unit: 'minute',
        allowance: 3000,
        used: 15,
        remaining: 2985,
      }),
    ]);
  });

  test('waiting on the customer pauses the clock: past the original due time it is paused, not breached', async () => {
    await setClock(local(0, '12:00', MADRID));
    const waiting = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${question.id}`, keys.agent, {
      status: 'waiting_on_customer',
    });
    expect(waiting.sla.firstResponse.state).toBe('paused');

    await setClock(local(nextWorkingDay, '14:00', MADRID));
    const later = await ok<Ticket>(200, 'GET', `/v1/tickets/${question.id}`, keys.agent);
    expect(later.sla.firstResponse).toMatchObject({ state: 'paused', paused: true, breached: false });
    expectDuration(later.sla.firstResponse.elapsedMs, 2 * HOUR, 'elapsed before the pause');
    expect(outbox().some((mail) => mail.headers.subject?.startsWith(`[${question.reference}] SLA`))).toBe(
      false,
    );
  });

  test('the customer answers by mail: the clock resumes with the elapsed time kept', async () => {
    await sendMail({
      from: 'pim@modaiberia.example',
      subject: `Re: [${question.reference}] Channel export drops the EAN column`,
      text: 'Steps: open the Amazon channel, export, the EAN column is missing. Expected: EAN filled.',
    });
    const reply = await messageContaining(question.id, 'the EAN column is missing');
    expect(reply.channel).toBe('email');
    const resumed = await ok<Ticket>(200, 'GET', `/v1/tickets/${question.id}`, keys.agent);
    expect(resumed.status).not.toBe('waiting_on_customer');
    expect(resumed.sla.firstResponse.state).toBe('running');
    expectDuration(resumed.sla.firstResponse.elapsedMs, 2 * HOUR, 'elapsed kept');
    // 10 hours left from 14:00: 4 that day, 6 from 08:00 on the next working day.
    expectInstant(
      resumed.sla.firstResponse.dueAt,
      local(nextWorkingDay + 1, '14:00', MADRID),
      'due after resume',
    );

    const { ticket } = await ok(201, 'POST', `/v1/tickets/${question.id}/messages`, keys.agent, {
      body: 'Reproduced: the EAN field lost its channel mapping. Fixed; please export again.',
    });
    expect(ticket.sla.firstResponse.state).toBe('met');
  });
});
