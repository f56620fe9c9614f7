// The agents' queue across accounts, and working a ticket by mail: a B2Bee contact's mail triaged
// Critical breaches its 1-hour first response and sits above a Sales Layer ticket due tomorrow; the
// demo agent claims it and answers from the breach notification; the customer gets the answer in
// their thread. Timeline: the Monday after the anchor, 12:10-13:30 in Zagreb and Madrid (UTC+1),
// after the SuiteCRM story.
import { describe, expect, test } from 'vitest';
import {
  call,
  desk,
  expectInstant,
  keys,
  local,
  mailOut,
  messageContaining,
  ok,
  outbox,
  sendMail,
  setClock,
  type Ticket,
  ticketBySubject,
} from './desk.ts';

const CET = 'Europe/Zagreb';
const MADRID = 'Europe/Madrid';
const MONDAY = 7;
const TUESDAY = 8;
const contact = 'marko@jadran.example';
const subject = 'Webshop checkout fails';
const AGENTS = 'agents@support-desk.localhost';

interface QueueItem extends Ticket {
  assignee: string | null;
  queue: { state: string; metric: string | null; dueAt: string | null; remainingMs: number | null };
}

async function wholeQueue(query = ''): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok<{ items: QueueItem[]; nextCursor?: string }>(
      200,
      'GET',
      `/v1/queue?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
      keys.agent,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('the agents’ queue and agents by mail', () => {
  let checkout: Ticket;
  let feed: Ticket;
  let acknowledgement: { messageId: string; references: string };
  /** The customer's first mail, which their thread starts with. */
  const opening = '';

  test('a B2Bee contact’s mail opens a ticket; the agents are told at their shared address (nobody has it yet)', async () => {
    await setClock(local(MONDAY, '12:10', CET));
    const sent = await sendMail({
      from: contact,
      subject,
      text: 'Customers get an error on the payment step.',
    });
    checkout = await ticketBySubject('demo-b2bee', subject);
    const ack = await mailOut('the acknowledgement', (m) => m.headers['in-reply-to'] === sent);
    acknowledgement = { messageId: ack.headers['message-id']!, references: ack.headers.references! };
    const told = await mailOut(
      'the new-ticket notification',
      (m) => m.headers.subject === `[${checkout.reference}] New ticket: ${subject}`,
    );
    expect(told.headers.to).toBe(AGENTS);
    expect(told.body).toContain(`New ticket ${checkout.reference} from ${contact} (account demo-b2bee)`);
    expect(told.body).toContain('Customers get an error on the payment step.');
    expect(told.body).toContain('SLA: running, first response due');
  });

  test('triaged Critical (1 hour, 08:00-24:00 every day); a Sales Layer ticket is due tomorrow', async () => {
    const triaged = await ok(200, 'PATCH', `/v1/tickets/${checkout.id}`, keys.agent, {
      severity: 'Critical',
    });
    expectInstant(triaged.sla.firstResponse.dueAt, local(MONDAY, '13:10', CET), 'Critical due');
    // Sales Layer Premium: 12 business hours of 08:00-18:00 Madrid, 5 h 50 min today, the rest tomorrow.
    feed = await ok(201, 'POST', '/v1/tickets', keys.customer['demo-sales-layer']!, {
      subject: 'Product feed stopped at noon',
      body: 'No products were published after 12:00.',
    });
    expectInstant(feed.sla.firstResponse.dueAt, local(TUESDAY, '14:10', MADRID), 'Sales Layer due');
  });

  test('past its deadline, the B2Bee ticket is breached and sits above the Sales Layer ticket due tomorrow', async () => {
    await setClock(local(MONDAY, '13:20', CET));
    await mailOut(
      'the breach alert',
      (m) => m.headers.subject === `[${checkout.reference}] SLA breached: first response`,
    );
    const queue = await wholeQueue();
    const b2bee = queue.findIndex((item) => item.id === checkout.id);
    const salesLayer = queue.findIndex((item) => item.id === feed.id);
    expect(b2bee).toBeGreaterThanOrEqual(0);
    expect(b2bee).toBeLessThan(salesLayer);
    expect(queue[b2bee]!.queue).toMatchObject({ state: 'breached', metric: 'firstResponse', remainingMs: 0 });
    expect(queue[salesLayer]!.queue).toMatchObject({ state: 'running', metric: 'firstResponse' });
    expectInstant(queue[salesLayer]!.queue.dueAt, local(TUESDAY, '14:10', MADRID), 'queue due');
    // Every breached ticket comes before every running one, whatever its account.
    const states = queue.map((item) => item.queue.state);
    expect(states.lastIndexOf('breached')).toBeLessThan(states.indexOf('running'));
    // Narrowed: B2Bee's breached tickets; the summary counts them.
    const breached = await wholeQueue('&state=breached&accountId=demo-b2bee');
    expect(breached.map((item) => item.id)).toContain(checkout.id);
    const summary = await ok(200, 'GET', '/v1/queue/summary?accountId=demo-b2bee', keys.agent);
    expect(summary.states.breached).toBe(breached.length);
    // A filter value the queue does not know is a problem naming it.
    const bad = await call('GET', '/v1/queue?state=overdue', keys.agent);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('query.state');
  });

  test('the agent claims it; a second claim is a 409', async () => {
    const claimed = await ok(200, 'POST', `/v1/tickets/${checkout.id}/claim`, keys.agent);
    expect(claimed.assignee).toMatch(/^[0-9a-f]{16}$/);
    const mine = await wholeQueue('&assignee=me');
    expect(mine.map((item) => item.id)).toEqual([checkout.id]);
    expect((await call('POST', `/v1/tickets/${checkout.id}/claim`, keys.admin)).status).toBe(409);
  });

  test('the customer writes again: the notification now goes to the assignee’s own address', async () => {
    await sendMail({
      from: contact,
      subject: `Re: [${checkout.reference}] ${subject}`,
      text: 'It fails for card payments only.',
      inReplyTo: acknowledgement.messageId,
      references: `${acknowledgement.references} ${acknowledgement.messageId}`,
    });
    const told = await mailOut('the customer-reply notification', (m) =>
      m.body.includes('It fails for card payments only.'),
    );
    expect(told.headers.to).toBe(desk.agentAddress);
    expect(told.headers.subject).toBe(`[${checkout.reference}] Customer reply: ${subject}`);
    expect(told.body).toContain('SLA: BREACHED, first response was due');
  });

  test('the agent replies by mail to the breach notification; the customer receives it in their thread', async () => {
    const alert = outbox().find(
      (m) => m.headers.subject === `[${checkout.reference}] SLA breached: first response`,
    )!;
    await sendMail({
      from: desk.agentAddress,
      subject: `Re: ${alert.headers.subject}`,
      text: 'We rolled back the payment module; card payments work again.\n\n> Ticket breached',
      inReplyTo: alert.headers['message-id']!,
      references: `${alert.headers.references} ${alert.headers['message-id']}`,
    });
    const posted = await messageContaining(checkout.id, 'We rolled back the payment module');
    expect(posted).toMatchObject({ channel: 'email', visibility: 'public', author: { type: 'agent' } });
    const reply = await mailOut(
      'the agent reply to the customer',
      (m) => m.headers.to === contact && m.body.includes('We rolled back the payment module'),
    );
    expect(reply.headers.subject).toBe(`[${checkout.reference}] ${subject}`);
    expect(reply.headers['auto-submitted']).toBeUndefined();
    // In the customer's thread: it answers their last mail, after the ticket's thread token and
    // their first mail; nothing of the agents' notification thread shows.
    expect(reply.headers['in-reply-to']).toBeDefined();
    expect(reply.headers.references).toContain(`<desk.${checkout.id}.thread@`);
    expect(reply.headers.references).toContain(opening);
    expect(reply.headers.references).not.toContain(alert.headers['message-id']);
    expect(reply.body).not.toContain('> Ticket breached');
    const ticket = await ok(200, 'GET', `/v1/tickets/${checkout.id}`, keys.agent);
    expect(ticket.sla.firstResponse).toMatchObject({ state: 'met', breached: true });
    expect(ticket.status).toBe('in_progress');
  });

  test('a #note reply stays internal; the customer gets nothing more', async () => {
    const alert = outbox().find(
      (m) => m.headers.subject === `[${checkout.reference}] SLA breached: first response`,
    )!;
    const before = outbox().filter((m) => m.headers.to === contact).length;
    await sendMail({
      from: desk.agentAddress,
      subject: `Re: ${alert.headers.subject}`,
      text: '#note\nRoot cause: the payment provider rotated its keys.',
      inReplyTo: alert.headers['message-id']!,
      references: `${alert.headers.references} ${alert.headers['message-id']}`,
    });
    const note = await messageContaining(checkout.id, 'Root cause: the payment provider');
    expect(note.visibility).toBe('internal');
    const customerView = await ok(
      200,
      'GET',
      `/v1/tickets/${checkout.id}/messages?limit=100`,
      keys.customer['demo-b2bee']!,
    );
    expect(JSON.stringify(customerView)).not.toContain('Root cause');
    expect(outbox().filter((m) => m.headers.to === contact)).toHaveLength(before);
  });
});
