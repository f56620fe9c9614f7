// The ticket lifecycle, hand-computed on Performars (000: registered within 8 h, processed within
// 16/40 h, Madrid 08:00-18:00 Mon-Fri) and B2Bee (004: first response, Critical on its own calendar).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessTimeBetween } from '../../functions/domain/business-time.ts';
import { ValidationError } from '../../functions/domain/errors.ts';
import {
  decideTicket,
  nextDueAt,
  type OpenTicket,
  openTicket,
  pendingTimers,
  slaView,
  type Ticket,
  type TicketCommand,
  type TicketContext,
  type TicketResult,
} from '../../functions/domain/ticket.ts';
import { at, b2bee, calendars, HOUR, MINUTE, madrid, performars } from './sla-fixtures.ts';

const opening = (over: Partial<OpenTicket> = {}): OpenTicket => ({
  type: 'open',
  id: 't-1',
  reference: 'PF-1',
  accountId: 'acc-1',
  subject: 'Export fails',
  ...over,
});

function open(when: string, over: Partial<OpenTicket> = {}, context: TicketContext = performars): Ticket {
  return openTicket(opening(over), at(when), context).ticket;
}

function apply(ticket: Ticket, command: TicketCommand, when: string, context = performars): TicketResult {
  return decideTicket(ticket, [command], at(when), context);
}

/** Applies commands in order, returning the last result. */
function run(ticket: Ticket, steps: [TicketCommand, string][], context = performars): TicketResult {
  let result: TicketResult = { ticket, events: [], changed: false };
  for (const [command, when] of steps) result = apply(result.ticket, command, when, context);
  return result;
}

const triage = (severity?: string, kind?: 'incident' | 'request'): TicketCommand => ({
  type: 'triage',
  by: 'agent-1',
  ...(severity ? { severity } : {}),
  ...(kind ? { kind } : {}),
});
const agentReply: TicketCommand = { type: 'reply', author: 'agent', visibility: 'public', automatic: false };
const customerReply: TicketCommand = {
  type: 'reply',
  author: 'customer',
  visibility: 'public',
  automatic: false,
};
const status = (s: Ticket['status']): TicketCommand => ({ type: 'setStatus', status: s });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0].field;
    throw error;
  }
  return undefined;
}

// Friday 2026-10-23 17:00 CEST; the clocks move to CET on Sunday 25.
const FRIDAY_1700 = '2026-10-23T15:00:00Z';
// Monday 2026-11-02 09:00 CET.
const MONDAY_0900 = '2026-11-02T08:00:00Z';

describe('open', () => {
  it('a new ticket on the default severity with every clock of that severity running', () => {
    const result = openTicket(opening(), at(FRIDAY_1700), performars);
    expect(result.events).toEqual([
      {
        type: 'ticketOpened',
        at: '2026-10-23T15:00:00.000Z',
        severity: 'P3',
        kind: 'request',
        slaExempt: false,
        clocksStartAt: '2026-10-23T15:00:00.000Z',
      },
    ]);
    const ticket = result.ticket;
    expect(ticket).toMatchObject({
      status: 'new',
      severity: 'P3',
      kind: 'request',
      version: 1,
      severityConfirmed: false,
      slaExempt: false,
      reopenedCount: 0,
      createdAt: '2026-10-23T15:00:00.000Z',
      updatedAt: '2026-10-23T15:00:00.000Z',
    });
    expect(Object.keys(ticket.sla)).toEqual(['acknowledge', 'resolution']);
    // Acknowledge: 1 h Friday + 7 h Monday, 15:00 CET. Resolution 40 h: Thursday 17:00 CET.
    expect(pendingTimers(ticket)).toEqual([
      { metric: 'acknowledge', event: 'warning', at: '2026-10-26T12:24:00.000Z' },
      { metric: 'acknowledge', event: 'breach', at: '2026-10-26T14:00:00.000Z' },
      { metric: 'resolution', event: 'warning', at: '2026-10-29T08:00:00.000Z' },
      { metric: 'resolution', event: 'breach', at: '2026-10-29T16:00:00.000Z' },
    ]);
    expect(nextDueAt(ticket)).toBe('2026-10-26T12:24:00.000Z');
    expect(JSON.parse(JSON.stringify(ticket))).toEqual(ticket);
  });

  it('refuses a severity outside the plan and an empty subject', () => {
    expect(fieldOf(() => openTicket(opening({ severity: 'P9' }), at(FRIDAY_1700), performars))).toBe(
      'severity',
    );
    expect(fieldOf(() => openTicket(opening({ subject: ' ' }), at(FRIDAY_1700), performars))).toBe('subject');
  });

  it('an SLA-exempt ticket has no clocks and no timers, even after a severity change', () => {
    const ticket = open(FRIDAY_1700, { slaExempt: true });
    expect(ticket.sla).toEqual({});
    expect(pendingTimers(ticket)).toEqual([]);
    expect(apply(ticket, triage('P1'), MONDAY_0900).ticket.sla).toEqual({});
  });

  it("a deferred ticket's clocks start at startAt", () => {
    const ticket = open(FRIDAY_1700, { startAt: at('2026-10-26T07:00:00Z') }); // Monday 08:00 CET
    expect(ticket.clocksStartAt).toBe('2026-10-26T07:00:00.000Z');
    expect(ticket.sla.acknowledge?.dueAt).toBe('2026-10-26T15:00:00.000Z');
    expect(slaView(ticket, at('2026-10-23T15:50:00Z'), calendars).acknowledge).toMatchObject({
      elapsedMs: 0,
      remainingMs: 8 * HOUR,
    });
    // A start in the past is now.
    expect(open(FRIDAY_1700, { startAt: at('2026-10-20T00:00:00Z') }).clocksStartAt).toBe(
      '2026-10-23T15:00:00.000Z',
    );
  });
});

describe('triage', () => {
  it('meets acknowledge, moves new to acknowledged, and a second identical triage changes nothing', () => {
    const ticket = open(FRIDAY_1700);
    const result = apply(ticket, triage(), '2026-10-26T08:00:00Z');
    expect(result.events).toEqual([
      {
        type: 'slaMet',
        metric: 'acknowledge',
        at: '2026-10-26T08:00:00.000Z',
        breached: false,
        elapsedMs: 2 * HOUR,
      },
      { type: 'acknowledged', at: '2026-10-26T08:00:00.000Z', severity: 'P3', kind: 'request' },
      { type: 'statusChanged', at: '2026-10-26T08:00:00.000Z', from: 'new', to: 'acknowledged' },
    ]);
    expect(result.ticket).toMatchObject({
      status: 'acknowledged',
      severityConfirmed: true,
      acknowledgedAt: '2026-10-26T08:00:00.000Z',
      version: 2,
      updatedAt: '2026-10-26T08:00:00.000Z',
    });
    const again = apply(result.ticket, triage('P3'), '2026-10-26T09:00:00Z');
    expect(again).toEqual({ ticket: result.ticket, events: [], changed: false });
  });

  it('P3 to P1 after 10 business hours: resolution due 6 business hours later; a late acknowledge is a breach', () => {
    const ticket = open(MONDAY_0900);
    const result = apply(ticket, triage('P1', 'incident'), '2026-11-03T08:00:00Z'); // Tuesday 09:00 CET
    expect(result.events).toEqual([
      // Acknowledge was due Monday 17:00 CET; the settle before the command records it.
      { type: 'slaBreached', metric: 'acknowledge', at: '2026-11-02T16:00:00.000Z' },
      {
        type: 'slaMet',
        metric: 'acknowledge',
        at: '2026-11-03T08:00:00.000Z',
        breached: true,
        elapsedMs: 10 * HOUR,
      },
      { type: 'acknowledged', at: '2026-11-03T08:00:00.000Z', severity: 'P1', kind: 'incident' },
      { type: 'severityChanged', at: '2026-11-03T08:00:00.000Z', from: 'P3', to: 'P1' },
      {
        type: 'kindChanged',
        at: '2026-11-03T08:00:00.000Z',
        from: 'request',
        to: 'incident',
        severity: 'P1',
      },
      { type: 'statusChanged', at: '2026-11-03T08:00:00.000Z', from: 'new', to: 'acknowledged' },
    ]);
    expect(result.ticket.sla.resolution).toMatchObject({
      targetMs: 16 * HOUR,
      elapsedMs: 10 * HOUR,
      dueAt: '2026-11-03T14:00:00.000Z',
    });
    expect(slaView(result.ticket, at('2026-11-03T09:00:00Z'), calendars)).toMatchObject({
      acknowledge: { state: 'met', breached: true },
      resolution: { state: 'running', elapsedMs: 11 * HOUR, remainingMs: 5 * HOUR, breached: false },
    });
  });

  it('a severity change below the time already elapsed breaches at once', () => {
    const ticket = run(open(MONDAY_0900), [[triage(), '2026-11-02T09:00:00Z']]).ticket;
    const result = apply(ticket, triage('P1'), '2026-11-04T08:00:00Z'); // Wednesday 09:00 CET: 20 h elapsed
    expect(result.events).toContainEqual({
      type: 'slaBreached',
      metric: 'resolution',
      at: '2026-11-04T08:00:00.000Z',
    });
    expect(result.ticket.sla.resolution?.state).toBe('breached');
    expect(pendingTimers(result.ticket)).toEqual([]);
  });

  it('B2Bee: Minor to Critical moves first response onto the Critical calendar with its elapsed time', () => {
    const ticket = open('2026-11-06T16:30:00Z', { severity: 'minor' }, b2bee); // Friday 17:30 CET
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-11-09T14:30:00.000Z'); // Monday 15:30
    const result = apply(ticket, triage('critical'), '2026-11-06T22:00:00Z', b2bee); // Friday 23:00
    expect(result.ticket.sla.firstResponse).toMatchObject({
      calendarId: 'zagrebCritical',
      elapsedMs: 30 * MINUTE,
      dueAt: '2026-11-06T22:30:00.000Z',
    });
  });

  it('is refused on a closed ticket', () => {
    const closed = run(open(MONDAY_0900), [
      [status('resolved'), '2026-11-02T09:00:00Z'],
      [status('closed'), '2026-11-02T10:00:00Z'],
    ]).ticket;
    expect(fieldOf(() => apply(closed, triage('P1'), '2026-11-02T11:00:00Z'))).toBe('status');
    expect(fieldOf(() => apply(open(MONDAY_0900), triage('P7'), '2026-11-02T11:00:00Z'))).toBe('severity');
  });
});

describe('declared and assessed', () => {
  const vendorB2bee: TicketContext = { ...b2bee, plan: { ...b2bee.plan, severityAssessedBy: 'vendor' } };

  it('a customer declaring an incident opens a request until an agent assesses it', () => {
    const result = openTicket(opening({ kind: 'incident', severity: 'P1' }), at(MONDAY_0900), performars);
    expect(result.ticket).toMatchObject({
      kind: 'request',
      severity: 'P1',
      declared: { kind: 'incident', severity: 'P1' },
      assessed: null,
    });
    expect(result.events[0]).toMatchObject({ type: 'ticketOpened', kind: 'request', severity: 'P1' });
  });

  it('where the vendor assesses severity, a customer ticket runs on the default severity until triage', () => {
    const ticket = open(MONDAY_0900, { severity: 'critical' }, vendorB2bee);
    expect(ticket).toMatchObject({ severity: 'minor', declared: { severity: 'critical', kind: 'request' } });
    // Minor: 8 hours of Zagreb working days, Monday 09:00 CET (08:00Z) to 17:00 CET.
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-11-02T16:00:00.000Z');
    // The first triage confirms the declaration: critical, with the 10 minutes elapsed kept.
    const triaged = apply(ticket, { type: 'triage', by: 'key-7' }, '2026-11-02T08:10:00Z', vendorB2bee);
    expect(triaged.ticket).toMatchObject({
      severity: 'critical',
      assessed: { kind: 'request', severity: 'critical', by: 'key-7', at: '2026-11-02T08:10:00.000Z' },
    });
    expect(triaged.ticket.sla.firstResponse?.dueAt).toBe('2026-11-02T09:00:00.000Z');
  });

  it('staff opening a ticket for a customer assess it with their key', () => {
    const opened = openTicket(
      opening({ kind: 'incident', severity: 'critical', openedBy: { role: 'staff', keyId: 'agent-key' } }),
      at(MONDAY_0900),
      vendorB2bee,
    ).ticket;
    expect(opened).toMatchObject({
      kind: 'incident',
      severity: 'critical',
      declared: { kind: 'incident', severity: 'critical' },
      assessed: { kind: 'incident', severity: 'critical', by: 'agent-key', at: '2026-11-02T08:00:00.000Z' },
      severityConfirmed: false,
    });
  });

  it('confirming the declared incident is a kind change the metering reverses; confirming again changes nothing', () => {
    const ticket = open(MONDAY_0900, { kind: 'incident' });
    const confirmed = apply(ticket, triage(), '2026-11-02T09:00:00Z');
    expect(confirmed.ticket).toMatchObject({
      kind: 'incident',
      assessed: { kind: 'incident', severity: 'P3', by: 'agent-1', at: '2026-11-02T09:00:00.000Z' },
    });
    expect(confirmed.events).toContainEqual({
      type: 'kindChanged',
      at: '2026-11-02T09:00:00.000Z',
      from: 'request',
      to: 'incident',
      severity: 'P3',
    });
    const again = decideTicket(
      confirmed.ticket,
      [{ type: 'triage', by: 'agent-2', kind: 'incident' }],
      at('2026-11-02T10:00:00Z'),
      performars,
    );
    expect(again.changed).toBe(false);
    expect(again.ticket.assessed?.by).toBe('agent-1');
  });

  it('an agent may assess a declared incident as a request: nothing changes but the assessment', () => {
    const ticket = open(MONDAY_0900, { kind: 'incident' });
    const result = apply(ticket, triage(undefined, 'request'), '2026-11-02T09:00:00Z');
    expect(result.ticket).toMatchObject({ kind: 'request', assessed: { kind: 'request' } });
    expect(result.events.some((e) => e.type === 'kindChanged')).toBe(false);
  });
});

describe('reply', () => {
  const ticket = open(MONDAY_0900, { severity: 'minor' }, b2bee); // first response 8 h, due 17:00 CET

  it('automatic, internal and customer replies do not meet first response', () => {
    for (const command of [
      { type: 'reply', author: 'agent', visibility: 'public', automatic: true },
      { type: 'reply', author: 'agent', visibility: 'internal', automatic: false },
      { type: 'reply', author: 'system', visibility: 'public', automatic: false },
      customerReply,
    ] as TicketCommand[]) {
      const result = apply(ticket, command, '2026-11-02T09:00:00Z', b2bee);
      expect(result.ticket.sla.firstResponse?.state).toBe('running');
      expect(result.ticket.firstResponseAt).toBeUndefined();
      expect(result.ticket.version).toBe(2);
    }
  });

  it('the first public agent reply meets first response; an untriaged ticket stays new until triage', () => {
    const replied = apply(ticket, agentReply, '2026-11-02T09:00:00Z', b2bee);
    expect(replied.events).toEqual([
      {
        type: 'slaMet',
        metric: 'firstResponse',
        at: '2026-11-02T09:00:00.000Z',
        breached: false,
        elapsedMs: HOUR,
      },
    ]);
    expect(replied.ticket).toMatchObject({ status: 'new', firstResponseAt: '2026-11-02T09:00:00.000Z' });
    const second = apply(replied.ticket, agentReply, '2026-11-02T10:00:00Z', b2bee);
    expect(second.ticket.firstResponseAt).toBe('2026-11-02T09:00:00.000Z');
    expect(second.events).toEqual([]);
    expect(apply(second.ticket, triage(), '2026-11-02T11:00:00Z', b2bee).ticket.status).toBe('in_progress');
  });

  it('a public agent reply moves an acknowledged ticket to in_progress', () => {
    const result = run(
      ticket,
      [
        [triage(), '2026-11-02T08:30:00Z'],
        [agentReply, '2026-11-02T09:00:00Z'],
      ],
      b2bee,
    );
    expect(result.ticket.status).toBe('in_progress');
    expect(result.events).toContainEqual({
      type: 'statusChanged',
      at: '2026-11-02T09:00:00.000Z',
      from: 'acknowledged',
      to: 'in_progress',
    });
  });
});

describe('waiting on the customer', () => {
  it('pauses the clocks Friday 17:30; the customer answers Monday 10:00: 30 minutes kept, deadlines moved', () => {
    const waiting = apply(open(FRIDAY_1700), status('waiting_on_customer'), '2026-10-23T15:30:00Z');
    expect(waiting.ticket.sla.acknowledge).toMatchObject({ state: 'paused', elapsedMs: 30 * MINUTE });
    expect(pendingTimers(waiting.ticket)).toEqual([]);
    expect(slaView(waiting.ticket, at('2026-10-26T08:00:00Z'), calendars).acknowledge).toMatchObject({
      state: 'paused',
      paused: true,
      elapsedMs: 30 * MINUTE,
      remainingMs: 7.5 * HOUR,
    });

    const back = apply(waiting.ticket, customerReply, '2026-10-26T09:00:00Z');
    // Not triaged yet: back to new.
    expect(back.ticket.status).toBe('new');
    expect(back.ticket.sla.acknowledge).toMatchObject({
      state: 'running',
      dueAt: '2026-10-26T16:30:00.000Z',
    });
    // Resolution: 39.5 h left from Monday 10:00 CET, Friday 09:30 CET.
    expect(back.ticket.sla.resolution?.dueAt).toBe('2026-10-30T08:30:00.000Z');
  });

  it('a triaged ticket goes back to in_progress on the customer reply or by the agent', () => {
    const waiting = run(open(MONDAY_0900), [
      [triage(), '2026-11-02T09:00:00Z'],
      [status('waiting_on_customer'), '2026-11-02T10:00:00Z'],
    ]).ticket;
    expect(apply(waiting, customerReply, '2026-11-03T10:00:00Z').ticket.status).toBe('in_progress');
    const resumed = apply(waiting, status('in_progress'), '2026-11-03T10:00:00Z').ticket;
    expect(resumed.status).toBe('in_progress');
    expect(resumed.sla.resolution?.state).toBe('running');
  });

  it('a policy without pauses keeps counting while waiting', () => {
    const noPause: TicketContext = {
      ...performars,
      plan: { ...performars.plan, sla: { ...performars.plan.sla, pauseWhile: [] } },
    };
    const waiting = apply(
      open(MONDAY_0900, {}, noPause),
      status('waiting_on_customer'),
      '2026-11-02T09:00:00Z',
      noPause,
    );
    expect(waiting.ticket.sla.resolution?.state).toBe('running');
  });
});

describe('timerFired', () => {
  const ticket = open(FRIDAY_1700);
  const warning: TicketCommand = {
    type: 'timerFired',
    metric: 'acknowledge',
    event: 'warning',
    dueAt: '2026-10-26T12:24:00.000Z',
  };
  const breach: TicketCommand = {
    type: 'timerFired',
    metric: 'acknowledge',
    event: 'breach',
    dueAt: '2026-10-26T14:00:00.000Z',
  };

  it('an early firing changes nothing', () => {
    expect(apply(ticket, warning, '2026-10-26T12:23:00Z')).toEqual({ ticket, events: [], changed: false });
  });

  it('a firing on time records the event once; the duplicate is a no-op', () => {
    const fired = apply(ticket, warning, '2026-10-26T12:24:00Z');
    expect(fired.events).toEqual([
      {
        type: 'slaWarning',
        metric: 'acknowledge',
        at: '2026-10-26T12:24:00.000Z',
        dueAt: '2026-10-26T14:00:00.000Z',
      },
    ]);
    expect(fired.ticket.version).toBe(2);
    expect(apply(fired.ticket, warning, '2026-10-26T12:24:05Z')).toEqual({
      ticket: fired.ticket,
      events: [],
      changed: false,
    });
    const breached = apply(fired.ticket, breach, '2026-10-26T14:00:01Z');
    expect(breached.events).toEqual([
      { type: 'slaBreached', metric: 'acknowledge', at: '2026-10-26T14:00:00.000Z' },
    ]);
    expect(apply(breached.ticket, breach, '2026-10-26T14:01:00Z').changed).toBe(false);
  });

  it('stale firings after a pause or after the goal was met change nothing', () => {
    const paused = apply(ticket, status('waiting_on_customer'), '2026-10-26T09:00:00Z').ticket;
    expect(apply(paused, warning, '2026-10-26T12:24:00Z').changed).toBe(false);
    expect(apply(paused, breach, '2026-10-26T14:00:00Z').changed).toBe(false);
    const acknowledged = apply(ticket, triage(), '2026-10-26T09:00:00Z').ticket;
    expect(apply(acknowledged, breach, '2026-10-26T14:00:00Z')).toMatchObject({ events: [], changed: false });
  });
});

describe('resolve, close, reopen', () => {
  // P1: resolution 16 h. Triaged 09:30 CET, answered 10:00, resolved 13:00: 4 business hours.
  const resolved = run(open(MONDAY_0900, { severity: 'P1' }), [
    [triage(), '2026-11-02T08:30:00Z'],
    [agentReply, '2026-11-02T09:00:00Z'],
    [status('resolved'), '2026-11-02T12:00:00Z'],
  ]);

  it('resolving meets the resolution clock and says so', () => {
    expect(resolved.events).toEqual([
      {
        type: 'slaMet',
        metric: 'resolution',
        at: '2026-11-02T12:00:00.000Z',
        breached: false,
        elapsedMs: 4 * HOUR,
      },
      { type: 'statusChanged', at: '2026-11-02T12:00:00.000Z', from: 'in_progress', to: 'resolved' },
      { type: 'resolved', at: '2026-11-02T12:00:00.000Z', severity: 'P1', kind: 'request', reopenedCount: 0 },
    ]);
    expect(resolved.ticket).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-02T12:00:00.000Z',
      version: 4,
    });
    expect(pendingTimers(resolved.ticket)).toEqual([]);
  });

  it('resolving an untriaged ticket meets resolution and stops acknowledge without meeting it', () => {
    const result = apply(open(MONDAY_0900), status('resolved'), '2026-11-02T09:00:00Z');
    expect(result.ticket.sla.acknowledge).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-11-02T09:00:00.000Z',
      elapsedMs: HOUR,
    });
    expect(result.ticket.sla.acknowledge?.metAt).toBeUndefined();
    expect(result.ticket.sla.resolution?.state).toBe('met');
    expect(result.events).toContainEqual({
      type: 'slaStopped',
      metric: 'acknowledge',
      at: '2026-11-02T09:00:00.000Z',
      breached: false,
      elapsedMs: HOUR,
    });
    const view = slaView(result.ticket, at('2026-11-03T09:00:00Z'), calendars);
    expect(view.acknowledge).toMatchObject({ state: 'stopped', met: false, paused: false, elapsedMs: HOUR });
    expect(view.resolution).toMatchObject({ state: 'met', met: true });
    // Nothing left to schedule.
    expect(pendingTimers(result.ticket)).toEqual([]);
  });

  it('resolved before any agent reply: first response stops unmet, and resumes when the ticket reopens', () => {
    const ticket = open(MONDAY_0900, { severity: 'minor' }, b2bee); // first response 8 h, due 17:00 CET
    const resolved = apply(ticket, status('resolved'), '2026-11-02T10:00:00Z', b2bee); // 11:00 CET: 2 h
    expect(resolved.ticket.firstResponseAt).toBeUndefined();
    expect(resolved.ticket.sla.firstResponse).toMatchObject({ state: 'stopped', elapsedMs: 2 * HOUR });
    expect(slaView(resolved.ticket, at('2026-11-02T11:00:00Z'), calendars).firstResponse).toMatchObject({
      state: 'stopped',
      met: false,
      breached: false,
    });
    // The customer says it is not solved: the answer is still owed, with 6 hours left.
    const reopened = apply(resolved.ticket, customerReply, '2026-11-03T08:00:00Z', b2bee); // Tue 09:00 CET
    expect(reopened.ticket.sla.firstResponse).toMatchObject({
      state: 'running',
      elapsedMs: 2 * HOUR,
      dueAt: '2026-11-03T14:00:00.000Z',
    });
    expect(reopened.ticket.sla.firstResponse?.stoppedAt).toBeUndefined();
    const answered = apply(reopened.ticket, agentReply, '2026-11-03T09:00:00Z', b2bee);
    expect(answered.ticket.sla.firstResponse).toMatchObject({ state: 'met', elapsedMs: 3 * HOUR });
  });

  it('a breached first response stopped by the resolution stays breached on record', () => {
    const ticket = open(MONDAY_0900, { severity: 'minor' }, b2bee);
    const resolved = apply(ticket, status('resolved'), '2026-11-03T08:00:00Z', b2bee); // after 17:00 Monday
    expect(resolved.ticket.sla.firstResponse).toMatchObject({
      state: 'stopped',
      breachedAt: '2026-11-02T16:00:00.000Z',
    });
    expect(slaView(resolved.ticket, at('2026-11-03T09:00:00Z'), calendars).firstResponse).toMatchObject({
      met: false,
      breached: true,
    });
  });

  it('a customer reply within the reopen window reopens it; resolution resumes with its 4 hours', () => {
    const result = apply(resolved.ticket, customerReply, '2026-11-04T08:00:00Z'); // Wednesday 09:00 CET
    expect(result.events).toEqual([
      { type: 'statusChanged', at: '2026-11-04T08:00:00.000Z', from: 'resolved', to: 'in_progress' },
      { type: 'reopened', at: '2026-11-04T08:00:00.000Z', by: 'customer', reopenedCount: 1 },
    ]);
    expect(result.ticket).toMatchObject({ status: 'in_progress', reopenedCount: 1 });
    expect(result.ticket.resolvedAt).toBeUndefined();
    // 12 h left from Wednesday 09:00 CET: Thursday 11:00 CET.
    expect(result.ticket.sla.resolution).toMatchObject({
      state: 'running',
      elapsedMs: 4 * HOUR,
      dueAt: '2026-11-05T10:00:00.000Z',
    });
    expect(result.ticket.sla.acknowledge?.state).toBe('met');
    const again = apply(result.ticket, status('resolved'), '2026-11-04T09:00:00Z');
    expect(again.events).toContainEqual({
      type: 'resolved',
      at: '2026-11-04T09:00:00.000Z',
      severity: 'P1',
      kind: 'request',
      reopenedCount: 1,
    });
  });

  it('the agent may reopen a resolved ticket', () => {
    const result = apply(resolved.ticket, { type: 'reopen' }, '2026-11-20T08:00:00Z');
    expect(result.events).toContainEqual({
      type: 'reopened',
      at: '2026-11-20T08:00:00.000Z',
      by: 'agent',
      reopenedCount: 1,
    });
  });

  it('after the window, or once closed, a customer reply asks for a new linked ticket and changes nothing', () => {
    const late = apply(resolved.ticket, customerReply, '2026-11-09T12:00:01Z');
    expect(late).toEqual({
      ticket: resolved.ticket,
      changed: false,
      events: [
        {
          type: 'newTicketRequired',
          at: '2026-11-09T12:00:01.000Z',
          reason: 'reopenWindowPassed',
          relatedTicketId: 't-1',
          relatedReference: 'PF-1',
        },
      ],
    });
    expect(apply(resolved.ticket, customerReply, '2026-11-09T12:00:00Z').ticket.status).toBe('in_progress');
    const closed = apply(resolved.ticket, status('closed'), '2026-11-03T12:00:00Z').ticket;
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-11-03T12:00:00.000Z' });
    expect(apply(closed, customerReply, '2026-11-03T13:00:00Z').events).toMatchObject([
      { type: 'newTicketRequired', reason: 'closed' },
    ]);
  });

  it('refuses invalid transitions, naming status', () => {
    const closed = apply(resolved.ticket, status('closed'), '2026-11-03T12:00:00Z').ticket;
    const fresh = open(MONDAY_0900);
    const cases: [Ticket, TicketCommand][] = [
      [closed, status('resolved')],
      [closed, { type: 'reopen' }],
      [closed, status('in_progress')],
      [resolved.ticket, status('in_progress')],
      [resolved.ticket, status('waiting_on_customer')],
      [fresh, status('closed')],
      [fresh, status('acknowledged')],
      [fresh, { type: 'reopen' }],
    ];
    for (const [ticket, command] of cases) {
      expect(fieldOf(() => apply(ticket, command, '2026-11-10T10:00:00Z'))).toBe('status');
    }
    expect(apply(fresh, status('new'), '2026-11-02T09:00:00Z').changed).toBe(false);
  });
});

describe('assign', () => {
  it('records the assignee and clears it', () => {
    const assigned = apply(open(MONDAY_0900), { type: 'assign', assignee: 'ana' }, '2026-11-02T09:00:00Z');
    expect(assigned.ticket.assignee).toBe('ana');
    expect(assigned.events).toEqual([{ type: 'assigned', at: '2026-11-02T09:00:00.000Z', to: 'ana' }]);
    expect(apply(assigned.ticket, { type: 'assign', assignee: 'ana' }, '2026-11-02T09:10:00Z').changed).toBe(
      false,
    );
    const cleared = apply(assigned.ticket, { type: 'assign', assignee: null }, '2026-11-02T10:00:00Z');
    expect(cleared.ticket.assignee).toBeUndefined();
  });
});

describe('a decision of several commands', () => {
  const opened = () => open('2026-03-02T09:00:00+01:00');

  it('applies them in order and advances the version once', () => {
    const result = decideTicket(
      opened(),
      [triage('P2', 'incident'), { type: 'assign', assignee: 'agent-1' }, status('waiting_on_customer')],
      at('2026-03-02T10:00:00+01:00'),
      performars,
    );
    expect(result.changed).toBe(true);
    expect(result.ticket.version).toBe(2);
    expect(result.ticket).toMatchObject({ severity: 'P2', kind: 'incident', assignee: 'agent-1' });
    expect(result.ticket.status).toBe('waiting_on_customer');
    expect(result.events.map((e) => e.type)).toEqual([
      'slaMet',
      'acknowledged',
      'severityChanged',
      'kindChanged',
      'statusChanged',
      'assigned',
      'statusChanged',
    ]);
  });

  it('changes nothing, version included, when no command does', () => {
    const assigned = decideTicket(
      opened(),
      [{ type: 'assign', assignee: 'a' }],
      at('2026-03-02T10:00:00+01:00'),
      performars,
    ).ticket;
    const again = decideTicket(
      assigned,
      [
        { type: 'assign', assignee: 'a' },
        { type: 'assign', assignee: 'a' },
      ],
      at('2026-03-02T10:05:00+01:00'),
      performars,
    );
    expect(again).toEqual({ ticket: assigned, events: [], changed: false });
  });
});

describe('property: pauses while waiting on the customer', () => {
  it('resolution elapsed at resolving == business time summed over the stretches not waiting', () => {
    const start = Date.parse(MONDAY_0900);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { maxLength: 10 }), (gaps) => {
        let now = new Date(start);
        let ticket = openTicket(opening({ severity: 'P1' }), now, performars).ticket;
        ticket = decideTicket(ticket, [triage()], now, performars).ticket;
        let counting = true;
        let since = now;
        let expected = 0;
        for (const gap of gaps) {
          now = new Date(now.getTime() + gap * MINUTE);
          if (counting) expected += businessTimeBetween(madrid, since, now);
          else since = now;
          const command = counting ? status('waiting_on_customer') : status('in_progress');
          ticket = decideTicket(ticket, [command], now, performars).ticket;
          counting = !counting;
        }
        now = new Date(now.getTime() + 45 * MINUTE);
        if (counting) expected += businessTimeBetween(madrid, since, now);
        const resolved = decideTicket(ticket, [status('resolved')], now, performars).ticket;
        expect(resolved.sla.resolution?.elapsedMs).toBe(expected);
        expect(resolved.version).toBe(gaps.length + 3);
      }),
      { numRuns: 150 },
    );
  });
});
