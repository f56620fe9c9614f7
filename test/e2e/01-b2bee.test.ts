// B2Bee, Standard plan (seed 004), demo account demo-b2bee: mail in, an acknowledgement that says what
// the plan promises and what the request used, a declared severity B2Bee assesses, triage to Critical,
// warning, first response met, a breach, the daily credit cap, a reply by mail, a resolution with no
// answer that does not count as one.
// Timeline: the anchor Monday, 08:10-09:15 in Zagreb (UTC+1 in winter).
import { describe, expect, test } from 'vitest';
import {
  expectDuration,
  expectInstant,
  HOUR,
  keys,
  local,
  MINUTE,
  mailOut,
  messageContaining,
  ok,
  outbox,
  sendMail,
  setClock,
  type Ticket,
  ticketBySubject,
  ticketsOf,
} from './desk.ts';

const ZAGREB = 'Europe/Zagreb';
const account = 'demo-b2bee';
const customer = keys.customer[account]!;
const contact = 'ivana@jadran.example';

describe('B2Bee Standard (seed 004)', () => {
  let mailed: Ticket;
  let acknowledgement: { messageId: string; references: string; subject: string };
  let unanswered: Ticket;

  test('a registered contact mails support: a ticket with a reference, and an acknowledgement threaded to the mail', async () => {
    await setClock(local(0, '08:10', ZAGREB));
    const messageId = await sendMail({
      from: contact,
      subject: 'Orders do not reach the warehouse',
      text: 'Since 8:00 no order is synced. The service is not available for our sales reps.',
    });
    mailed = await ticketBySubject(account, 'Orders do not reach the warehouse');
    expect(mailed.reference).toMatch(/^B2B-\d+$/);
    expect(mailed.channel).toBe('email');
    // Opened by mail, it is a declaration like any customer's, waiting for B2Bee to assess it.
    expect(mailed).toMatchObject({ declared: { kind: 'request', severity: 'Minor' }, assessed: null });
    // "The Credit represents each separate request sent to technical support": Standard has 5 a month.
    expect(mailed.entitlement.decision).toBe('consume');
    expect(mailed.entitlement.reason).toContain('1 of 5');

    const ack = await mailOut('the acknowledgement', (m) => m.headers['in-reply-to'] === messageId);
    expect(ack.headers.to).toBe(contact);
    expect(ack.headers.subject).toBe(`[${mailed.reference}] Orders do not reach the warehouse`);
    expect(ack.headers['auto-submitted']).toBe('auto-replied');
    expect(ack.headers.references).toContain(messageId);
    expect(ack.body).toContain(mailed.reference);
    // What the customer reads: the plan's promise for the severity in Zagreb time (Minor until triage:
    // 8 hours of 08:00-17:00 working days, 16:10), and the credit in plain words, never the ledger's.
    const text = ack.body.replace(/\s+/g, ' ');
    expect(text).toContain('What your plan promises for severity Minor business impact (Minor):');
    expect(text).toContain('You will have a first answer from our team by Monday');
    expect(text).toContain('16:10 (Europe/Zagreb)');
    expect(text).toContain('This request uses 1 of your 5 monthly credits.');
    expect(text).not.toContain(mailed.entitlement.reason);
    expect(text).not.toMatch(/in credits for the period|counts no requests/);
    acknowledgement = {
      messageId: ack.headers['message-id']!,
      references: ack.headers.references!,
      subject: ack.headers.subject!,
    };
  });

  test('triaged Critical: first response is due 1 hour later on the 8-24 every-day window', async () => {
    // "Critical business impact ... First response time 1h, availability from 8-24:00" (Standard).
    const triaged = await ok(200, 'PATCH', `/v1/tickets/${mailed.id}`, keys.agent, {
      severity: 'Critical',
      status: 'in_progress',
    });
    const clock = triaged.sla.firstResponse;
    expect(clock.calendarId).toBe('every-day-8-24');
    expect(clock.targetMs).toBe(HOUR);
    expect(clock.state).toBe('running');
    // Opened at 08:10 Zagreb, inside the window: due at 09:10.
    expectInstant(clock.dueAt, local(0, '09:10', ZAGREB), 'first response due');
    expect(triaged.severityConfirmed).toBe(true);

    // "B2Bee reserves the exclusive right to assess the degree of seriousness": the customer's
    // Critical is a declaration; the ticket runs on Minor, using a credit, until an agent assesses it.
    const declared = await ok<Ticket>(201, 'POST', '/v1/tickets', customer, {
      subject: 'Invoices cannot be printed',
      body: 'Printing fails for every invoice.',
      severity: 'Critical',
    });
    expect(declared).toMatchObject({
      severity: 'Minor',
      declared: { kind: 'request', severity: 'Critical' },
      assessed: null,
      entitlement: { notes: [{ kind: 'consumed', used: 2, allowance: 5, period: 'month' }] },
    });
    // Customers read what the request used, not metering's reasons.
    expect(declared.entitlement.reason).toBeUndefined();
    unanswered = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${declared.id}`, keys.agent, {
      severity: 'Critical',
    });
    expect(unanswered.assessed).toMatchObject({ kind: 'request', severity: 'Critical' });
    expectInstant(unanswered.sla.firstResponse.dueAt, local(0, '09:10', ZAGREB), 'second ticket due');
    expect(unanswered.entitlement.reason).toContain('2 of 5');
  });

  test('45 minutes in, the clock runs with 15 minutes left and no warning yet', async () => {
    await setClock(local(0, '08:55', ZAGREB));
    const ticket = await ok<Ticket>(200, 'GET', `/v1/tickets/${mailed.id}`, keys.agent);
    expect(ticket.sla.firstResponse).toMatchObject({ state: 'running', breached: false });
    expectDuration(ticket.sla.firstResponse.remainingMs, 15 * MINUTE, 'remaining');
    // The default warning threshold is 80% of the target: 48 minutes of the hour.
    expectInstant(ticket.sla.firstResponse.warnAt, local(0, '08:58', ZAGREB), 'warning at');
    expect(outbox().some((mail) => mail.headers.subject?.includes('SLA warning'))).toBe(false);
  });

  test('50 minutes in, the warning is recorded and mailed to agents; the clock is not breached', async () => {
    await setClock(local(0, '09:00', ZAGREB));
    const warning = await mailOut(
      'the SLA warning',
      (m) => m.headers.subject === `[${mailed.reference}] SLA warning: first response`,
    );
    expect(warning.headers.to).toBe('agents@support-desk.localhost');
    expect(warning.headers['auto-submitted']).toBe('auto-generated');
    const ticket = await ok(200, 'GET', `/v1/tickets/${mailed.id}`, keys.agent);
    expect(ticket.sla.firstResponse).toMatchObject({ state: 'running', breached: false });
    expectDuration(ticket.sla.firstResponse.remainingMs, 10 * MINUTE, 'remaining');
  });

  test('the first public agent reply meets first response and is mailed in the thread', async () => {
    // "First response time": the first non-automatic answer to the customer.
    const { ticket } = await ok(201, 'POST', `/v1/tickets/${mailed.id}/messages`, keys.agent, {
      body: 'We restarted the sync worker; orders flow again. We keep watching.',
    });
    expect(ticket.sla.firstResponse.state).toBe('met');
    expectInstant(ticket.sla.firstResponse.metAt, local(0, '09:00', ZAGREB), 'met at');
    const reply = await mailOut('the agent reply', (m) => m.body.includes('restarted the sync worker'));
    expect(reply.headers.to).toBe(contact);
    expect(reply.headers.subject).toBe(`[${mailed.reference}] Orders do not reach the warehouse`);
    expect(reply.headers['auto-submitted']).toBeUndefined();
  });

  test('the Critical ticket left unanswered breaches at 09:10 and agents are told', async () => {
    await setClock(local(0, '09:15', ZAGREB));
    const ticket = await ok(200, 'GET', `/v1/tickets/${unanswered.id}`, keys.agent);
    expect(ticket.sla.firstResponse).toMatchObject({ state: 'breached', breached: true });
    expect(ticket.sla.firstResponse.breachedAt).toBe(unanswered.sla.firstResponse.dueAt);
    expectDuration(ticket.sla.firstResponse.overdueMs, 5 * MINUTE, 'overdue');
    const isAlert = (m: { headers: Record<string, string> }) =>
      m.headers.subject === `[${unanswered.reference}] SLA breached: first response`;
    const alert = await mailOut('the breach alert', isAlert);
    // To the agents (SLA_ALERTS_TO, default agents@support-desk.localhost), once, marked automatic.
    expect(alert.headers.to).toBe('agents@support-desk.localhost');
    expect(alert.headers['auto-submitted']).toBe('auto-generated');
    expect(outbox().filter(isAlert)).toHaveLength(1);
  });

  test('a third credit on the same day is deferred to the next day', async () => {
    // "No more than two Credits can be used per day."
    const third = await ok(201, 'POST', '/v1/tickets', customer, {
      subject: 'How do I add a price list?',
      body: 'Where is the setting?',
    });
    expect(third.entitlement.decision).toBe('defer');
    expect(third.entitlement.notes).toEqual([
      {
        kind: 'deferred',
        until: new Date(local(1, '00:00', ZAGREB)).toISOString(),
        cap: 2,
        used: 3,
        allowance: 5,
        period: 'month',
      },
    ]);
    // Counted on, and handled from, Tuesday 00:00 in Zagreb; Minor: 8 hours of 08:00-17:00 working days.
    expectInstant(third.clocksStartAt, local(1, '00:00', ZAGREB), 'clocks start');
    expect(third.sla.firstResponse.calendarId).toBe('wd-8-17');
    expect(third.sla.firstResponse.dueAt).toBe(new Date(local(1, '16:00', ZAGREB)).toISOString());
  });

  test('resolved with no agent reply, the deferred question’s first response is stopped, not met', async () => {
    const third = (await ticketsOf(account)).find((t) => t.subject === 'How do I add a price list?')!;
    const resolved = await ok<Ticket>(200, 'PATCH', `/v1/tickets/${third.id}`, keys.agent, {
      status: 'resolved',
    });
    expect(resolved.firstResponseAt).toBeNull();
    expect(resolved.sla.firstResponse).toMatchObject({ state: 'stopped', met: false, breached: false });
    expect(resolved.sla.firstResponse.metAt).toBeUndefined();
  });

  test('the customer answers the acknowledgement by mail: the reply joins the same ticket', async () => {
    const before = (await ticketsOf(account)).length;
    await sendMail({
      from: contact,
      subject: `Re: ${acknowledgement.subject}`,
      text: 'Thanks, it works again.\n\nOn Monday Support Desk wrote:\n> We have received your request',
      inReplyTo: acknowledgement.messageId,
      references: `${acknowledgement.references} ${acknowledgement.messageId}`,
    });
    const reply = await messageContaining(mailed.id, 'Thanks, it works again.');
    expect(reply.author).toMatchObject({ type: 'customer', email: contact });
    expect(reply.channel).toBe('email');
    // The quoted acknowledgement is stripped; no new ticket was opened.
    expect(reply.body).not.toContain('We have received your request');
    expect(await ticketsOf(account)).toHaveLength(before);
  });
});
