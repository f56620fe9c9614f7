// SLA alerts leave through the outbox, written by whichever change records the warning or breach:
// a reply or a severity change that finds a deadline passed before its timer fired alerts exactly
// once, and the timer then adds nothing; a duplicate firing (even a concurrent one) adds nothing; the
// customer hears of a breach only where the plan promises it and the ticket has a contact address;
// and a storm of breaches does not silence the agents (the per-recipient limit is the customer's).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  changeTicket,
  patchCommands,
  replyToTicket,
  type TicketRecord,
} from '../../functions/app/tickets.ts';
import { outboxSender } from '../../functions/email/outbox-sender.ts';
import type { OutboundMail } from '../../functions/ports/mail.ts';
import { desiredSchedules, type TicketImage } from '../../functions/sla/schedules.ts';
import { timerHandler } from '../../functions/sla/timer.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import {
  alertsOf,
  b2beeCatalog,
  type Desk,
  deskOn,
  frozenClock,
  outboxOf,
  type SlaTestTable,
  slaTestTable,
} from './helpers.ts';

const MINUTE = 60_000;
const ONCALL = 'oncall@vendor.test';
const clock = frozenClock();
let table: SlaTestTable;

beforeAll(async () => {
  table = await slaTestTable('alerts');
});
afterAll(() => {
  table?.store.doc.destroy();
});

const read = async (id: string) => (await getTicket(table.store, id)) as unknown as TicketRecord;
const fireOn = (desk: Desk) => timerHandler({ context: () => desk.ctx });
const schedulesOf = (ticket: TicketRecord) => desiredSchedules(ticket as unknown as TicketImage);
const summary = async (ticketId: string) =>
  (await alertsOf(table.store, ticketId)).map((a) => [a.kind, a.mail.to, a.automatic]);

describe('a change that records a breach before the timer fires', () => {
  test('an agent reply after the first-response deadline records the breach and one agent alert; the timers then add nothing', async () => {
    const desk = await deskOn(table.store, clock, b2beeCatalog());
    const ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
    const timers = schedulesOf(ticket);
    expect(timers.map((t) => t.payload.event)).toEqual(['warning', 'breach']);
    const breach = timers[1]!;
    clock.set(new Date(Date.parse(breach.at) + 5 * MINUTE));

    await replyToTicket(desk.ctx, undefined, ticket.id, {
      body: 'We are on it.',
      visibility: 'public',
      author: { type: 'agent', name: 'Ana' },
      channel: 'api',
    });
    const replied = (await read(ticket.id)).sla.firstResponse!;
    expect(replied.breachedAt).toBe(breach.at);
    expect(replied.metAt).toBe(clock.now().toISOString());
    expect(await summary(ticket.id)).toEqual([['slaBreached', [ONCALL], false]]);
    // The reply itself went out too, in the same transaction.
    expect((await outboxOf(table.store, ticket.id)).map((i) => i.kind).sort()).toEqual([
      'acknowledgement',
      'agentNewTicket',
      'agentReply',
      'slaBreached',
    ]);

    // The timers fire late (both were still scheduled): nothing is due, nothing more is written.
    const fire = fireOn(desk);
    for (const timer of timers)
      expect(await fire(timer.payload)).toEqual({ outcome: 'unchanged', recorded: [] });
    expect(await summary(ticket.id)).toEqual([['slaBreached', [ONCALL], false]]);
  });

  test('raising the severity past the elapsed time breaches now and alerts once; the old timers add nothing', async () => {
    const desk = await deskOn(table.store, clock, b2beeCatalog());
    const ticket = await desk.open({ severity: 'Minor' });
    const timers = schedulesOf(ticket);
    clock.advance(2 * 60 * MINUTE);
    // Minor has 4 hours; two have passed. Critical has one: the clock is breached at once.
    await changeTicket(desk.ctx, ticket.id, () => patchCommands({ severity: 'Critical' }, 'agent-key'));
    const clockNow = (await read(ticket.id)).sla.firstResponse!;
    expect(clockNow.state).toBe('breached');
    expect(clockNow.breachedAt).toBe(clock.now().toISOString());
    const alerts = await alertsOf(table.store, ticket.id);
    expect(alerts.map((a) => [a.kind, a.mail.to])).toEqual([['slaBreached', [ONCALL]]]);
    expect(alerts[0]!.mail.text).toContain('(severity Critical) missed its first response target');

    clock.advance(3 * 60 * MINUTE);
    const fire = fireOn(desk);
    for (const timer of timers) expect((await fire(timer.payload)).outcome).toBe('unchanged');
    expect(await alertsOf(table.store, ticket.id)).toHaveLength(1);
  });
});

describe('duplicate firings', () => {
  test('the same timer fired twice, one after the other and at the same time, leaves one alert', async () => {
    const desk = await deskOn(table.store, clock, b2beeCatalog());
    const fire = fireOn(desk);
    const first = await desk.open({ severity: 'Critical' });
    const second = await desk.open({ severity: 'Critical' });
    const breachOf = (ticket: TicketRecord) => schedulesOf(ticket)[1]!;
    clock.set(new Date(Date.parse(breachOf(first).at) + MINUTE));

    expect((await fire(breachOf(first).payload)).outcome).toBe('recorded');
    expect((await fire(breachOf(first).payload)).outcome).toBe('unchanged');
    expect(await summary(first.id)).toEqual([['slaBreached', [ONCALL], false]]);

    const both = await Promise.all([fire(breachOf(second).payload), fire(breachOf(second).payload)]);
    expect(both.map((r) => r.outcome).sort()).toEqual(['recorded', 'unchanged']);
    expect(await summary(second.id)).toEqual([['slaBreached', [ONCALL], false]]);
  });
});

describe("the customer's breach notice", () => {
  test('sent only where the plan promises it and the ticket has a contact address, in the ticket thread', async () => {
    const promising = await deskOn(table.store, clock, b2beeCatalog({ customerOnBreach: true }));
    const silent = await deskOn(table.store, clock, b2beeCatalog());
    const withContact = await promising.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
    // The customer wrote again by mail: the notice answers that message.
    await replyToTicket(promising.ctx, undefined, withContact.id, {
      body: 'Still down.',
      visibility: 'public',
      author: { type: 'customer', email: 'cto@acme.test' },
      channel: 'email',
      messageId: 'still-down@acme.test',
    });
    const noContact = await promising.open({ severity: 'Critical' });
    const notPromised = await silent.open({ severity: 'Critical', contactEmail: 'cio@acme.test' });
    clock.set(new Date(Date.parse(schedulesOf(withContact)[1]!.at) + MINUTE));
    for (const [desk, ticket] of [
      [promising, withContact],
      [promising, noContact],
      [silent, notPromised],
    ] as const) {
      const [warning, breach] = schedulesOf(ticket);
      expect((await fireOn(desk)(breach!.payload)).recorded).toEqual(['slaBreached']);
      expect((await fireOn(desk)(warning!.payload)).outcome).toBe('unchanged');
    }

    expect(await summary(withContact.id)).toEqual([
      ['slaBreached', [ONCALL], false],
      ['slaBreached', ['cto@acme.test'], true],
    ]);
    expect(await summary(noContact.id)).toEqual([['slaBreached', [ONCALL], false]]);
    expect(await summary(notPromised.id)).toEqual([['slaBreached', [ONCALL], false]]);

    const notice = (await alertsOf(table.store, withContact.id))[1]!;
    expect(notice.mail.subject).toBe(`[${withContact.reference}] Checkout is down`);
    expect(notice.mail.text).toContain(`We have not met the first response time your support plan promises`);
    expect(notice.mail.headers).toMatchObject({
      'Message-ID': `<${notice.messageId}>`,
      'In-Reply-To': '<still-down@acme.test>',
      References: `<desk.${withContact.id}.thread@desk.localhost> <still-down@acme.test>`,
      'Auto-Submitted': 'auto-generated',
      'X-Support-Desk-Ticket': withContact.reference,
    });
    expect(notice.messageId).toBe(`desk.${withContact.id}.${notice.id}@desk.localhost`);
  });

  test('without agent addresses configured, only the promised customer notice is written', async () => {
    const desk = await deskOn(table.store, clock, b2beeCatalog({ customerOnBreach: true }), 'premium', []);
    const ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
    clock.set(new Date(Date.parse(schedulesOf(ticket)[1]!.at) + MINUTE));
    expect((await fireOn(desk)(schedulesOf(ticket)[1]!.payload)).outcome).toBe('recorded');
    expect(await summary(ticket.id)).toEqual([['slaBreached', ['cto@acme.test'], true]]);
  });
});

describe('a breach storm', () => {
  test('15 breaches in an hour: every agent alert is sent; the customer gets the hourly limit of notices', async () => {
    const desk = await deskOn(table.store, clock, b2beeCatalog({ customerOnBreach: true }));
    const contact = 'storm@acme.test';
    const tickets: TicketRecord[] = [];
    for (let i = 0; i < 15; i++)
      tickets.push(await desk.open({ severity: 'Critical', contactEmail: contact }));
    clock.set(new Date(Date.parse(schedulesOf(tickets[0]!)[1]!.at) + MINUTE));
    const fire = fireOn(desk);
    for (const ticket of tickets)
      expect((await fire(schedulesOf(ticket)[1]!.payload)).outcome).toBe('recorded');

    const sent: OutboundMail[] = [];
    const sender = outboxSender({
      context: () => desk.ctx,
      mail: { send: async (mail) => void sent.push(mail) },
      automaticPerHour: 10,
    });
    const deliveries: Record<string, string[]> = { agents: [], customer: [] };
    for (const ticket of tickets) {
      for (const alert of await alertsOf(table.store, ticket.id)) {
        deliveries[alert.automatic ? 'customer' : 'agents']!.push(await sender.deliver(alert.id));
      }
    }
    expect(deliveries.agents).toEqual(Array(15).fill('sent'));
    expect(deliveries.customer).toEqual([...Array(10).fill('sent'), ...Array(5).fill('suppressed')]);
    expect(sent.filter((m) => m.to.includes(ONCALL))).toHaveLength(15);
    expect(new Set(sent.filter((m) => m.to.includes(ONCALL)).map((m) => m.subject)).size).toBe(15);
  });
});
