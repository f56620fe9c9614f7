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

  it('sends no customer mail for a ticket without a contact address', () => {
    expect(ticketMail(change({ ticket, events: [opened, resolved], message: agentPublic }), setup())).toEqual(
      [],
    );
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
