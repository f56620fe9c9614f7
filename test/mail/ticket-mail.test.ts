// The mail policy of ticket changes, pure: which events and messages send what, to whom, in which
// thread, and when the thread must be read first.
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../functions/domain/ticket.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import {
  agentReplyMessageId,
  needsThread,
  type TicketChange,
  ticketMail,
} from '../../functions/mail/ticket-mail.ts';

const at = '2026-12-01T09:00:00.000Z';
const ticket = { id: 't-1', reference: 'ACME-7', subject: 'Orders stuck', severity: 'Minor' };
const contact = { ...ticket, contactEmail: 'ana@acme.test' };
const opened: TicketEvent = {
  type: 'ticketOpened',
  at,
  severity: 'Minor',
  kind: 'request',
  slaExempt: false,
  clocksStartAt: at,
};
const resolved: TicketEvent = { type: 'resolved', at, severity: 'Minor', kind: 'request', reopenedCount: 0 };
const breached: TicketEvent = { type: 'slaBreached', at, metric: 'firstResponse' } as TicketEvent;
const agentPublic = {
  author: { type: 'agent' as const },
  visibility: 'public' as const,
  automatic: false,
  body: 'Fixed it.',
};

function setup(thread: string[] = []) {
  let n = 0;
  return {
    settings: mailSettings('support@desk.test'),
    alerts: { agents: ['oncall@desk.test'] },
    thread,
    newId: () => `m${++n}`,
  };
}
const change = (over: Partial<TicketChange>): TicketChange => ({
  ticket: contact,
  events: [],
  policy: {},
  ...over,
});

const customerMessage = {
  author: { type: 'customer' as const },
  visibility: 'public' as const,
  automatic: false,
  body: 'Nothing syncs since 9:00.',
};

describe('agent notifications', () => {
  const running = {
    state: 'running' as const,
    metric: 'firstResponse' as const,
    dueAt: at,
    remainingMs: 90 * 60_000,
  };

  it('tells the agents of a new ticket, with who wrote, the SLA state and the message, in the ticket thread', () => {
    const drafts = ticketMail(
      change({
        events: [opened],
        message: customerMessage,
        queue: running,
        ticket: { ...contact, accountId: 'acme' },
      }),
      setup(),
    );
    expect(drafts.map((d) => d.composed.kind)).toEqual(['acknowledgement', 'agentNewTicket']);
    const note = drafts[1]!.composed;
    expect(note.mail.to).toEqual(['oncall@desk.test']);
    expect(note.mail.subject).toBe('[ACME-7] New ticket: Orders stuck');
    expect(note.mail.text).toContain('New ticket ACME-7 from ana@acme.test (account acme), severity Minor.');
    expect(note.mail.text).toContain(
      `SLA: running, first response due ${at} (1 h 30 min of business time left)`,
    );
    expect(note.mail.text).toContain('Nothing syncs since 9:00.');
    expect(note.mail.text).toContain('#note');
    // The ticket's thread token leads a reply back to the ticket.
    expect(note.mail.headers?.References).toBe('<desk.t-1.thread@desk.test>');
    expect(note.mail.headers?.['Auto-Submitted']).toBe('auto-generated');
    expect(note.automatic).toBe(false);
  });

  it('tells them of a customer reply, not of an agent reply or an internal note', () => {
    const drafts = ticketMail(change({ message: customerMessage, queue: running }), setup());
    expect(drafts.map((d) => d.composed.kind)).toEqual(['agentCustomerReply']);
    expect(drafts[0]!.composed.mail.subject).toBe('[ACME-7] Customer reply: Orders stuck');
    expect(ticketMail(change({ message: { ...agentPublic, visibility: 'internal' } }), setup())).toEqual([]);
    expect(ticketMail(change({ message: { ...customerMessage, automatic: true } }), setup())).toEqual([]);
  });

  it('a late customer reply that moves to a new ticket is told once, as the new ticket', () => {
    const moved: TicketEvent = {
      type: 'newTicketRequired',
      at,
      reason: 'closed',
      relatedTicketId: 't-1',
      relatedReference: 'ACME-7',
    };
    expect(ticketMail(change({ events: [moved], message: customerMessage }), setup())).toEqual([]);
  });

  it('says a breach in the SLA line, and mails nobody when no agent address is known', () => {
    const breachedNow = {
      state: 'breached' as const,
      metric: 'firstResponse' as const,
      dueAt: at,
      remainingMs: 0,
    };
    const [alert] = ticketMail(change({ events: [breached], queue: breachedNow }), setup());
    expect(alert!.composed.mail.text).toContain(`SLA: BREACHED, first response was due ${at}`);
    const none = { ...setup(), alerts: { agents: [] } };
    expect(
      ticketMail(change({ events: [opened], message: customerMessage }), none).map((d) => d.composed.kind),
    ).toEqual(['acknowledgement']);
  });
});

describe('ticketMail', () => {
  it('acknowledges a new ticket to its contact, answering the mail that opened it', () => {
    const [ack, ...rest] = ticketMail(
      change({ events: [opened], inboundMessageId: 'in-1@acme.test' }),
      setup(),
    );
    expect(rest).toEqual([]);
    expect(ack?.composed.kind).toBe('acknowledgement');
    expect(ack?.composed.mail.to).toEqual(['ana@acme.test']);
    expect(ack?.composed.mail.headers?.['In-Reply-To']).toBe('<in-1@acme.test>');
  });

  it('sends no customer mail for a ticket without a contact address (the agents still hear of it)', () => {
    const drafts = ticketMail(change({ ticket, events: [opened, resolved], message: agentPublic }), setup());
    expect(drafts.map((d) => [d.composed.kind, d.composed.mail.to])).toEqual([
      ['agentNewTicket', ['oncall@desk.test']],
    ]);
  });

  it('mails an agent’s public reply in the thread and reports its Message-ID; internal notes stay inside', () => {
    const drafts = ticketMail(
      change({ message: agentPublic }),
      setup(['in-1@acme.test', 'desk.t-1.x@desk.test']),
    );
    expect(drafts.map((d) => d.composed.kind)).toEqual(['agentReply']);
    expect(drafts[0]?.composed.mail.headers?.['In-Reply-To']).toBe('<desk.t-1.x@desk.test>');
    expect(agentReplyMessageId(drafts)).toBe('desk.t-1.m1@desk.test');
    expect(ticketMail(change({ message: { ...agentPublic, visibility: 'internal' } }), setup())).toEqual([]);
    expect(ticketMail(change({ message: { ...agentPublic, automatic: true } }), setup())).toEqual([]);
  });

  it('sends the resolution notice, and alerts the agents of a breach (the customer only where promised)', () => {
    expect(ticketMail(change({ events: [resolved] }), setup()).map((d) => d.composed.kind)).toEqual([
      'resolution',
    ]);
    const silent = ticketMail(change({ events: [breached] }), setup());
    expect(silent.map((d) => d.composed.mail.to)).toEqual([['oncall@desk.test']]);
    const promised = ticketMail(
      change({ events: [breached], policy: { notify: { customerOnBreach: true } } }),
      setup(),
    );
    expect(promised.map((d) => d.composed.mail.to)).toEqual([['oncall@desk.test'], ['ana@acme.test']]);
  });

  it('asks for the thread only when a customer mail continues it', () => {
    expect(needsThread(change({ events: [opened] }))).toBe(false);
    expect(needsThread(change({ events: [breached] }))).toBe(false);
    expect(needsThread(change({ events: [breached], policy: { notify: { customerOnBreach: true } } }))).toBe(
      true,
    );
    expect(needsThread(change({ events: [resolved] }))).toBe(true);
    expect(needsThread(change({ message: agentPublic }))).toBe(true);
    expect(needsThread(change({ ticket, message: agentPublic }))).toBe(false);
  });
});
