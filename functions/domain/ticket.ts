// The ticket lifecycle as pure functions: (ticket, commands, now, plan context) -> (ticket, events).
// The use cases (functions/app/tickets/) load the ticket, call `decideTicket`, turn the events into
// metering and mail, and save it all at the next version. Nothing here reads a clock or a store.
//
// Interpretations (see DESIGN.md "Support policies"):
// - Kind and severity are declared by whoever opens the ticket and assessed by staff. A customer's
//   ticket runs as a request (and, where the plan says the vendor assesses severity, on the plan's
//   default severity) until an agent triages it: a customer cannot declare their way out of metering.
//   Triage records the assessment (`assessed`: values, staff key, instant); a first triage confirms
//   the declaration for whatever the agent does not change. A ticket staff open for a customer counts
//   as assessed by that staff key at once (they speak for the vendor); it is still acknowledged by triage.
// - `acknowledge` is met by triage (the agent confirms severity and kind: 003's "reference assigned,
//   severity confirmed, receipt acknowledged"), measured against the severity the ticket had until then.
// - `firstResponse` is met by the first public, non-automatic agent reply (002, 004).
// - Resolving meets the resolution clock. A clock whose own event never happened (no triage, no public
//   agent reply) stops without being met (`stopped`): the ticket no longer needs it, and reporting it
//   met would claim an answer nobody gave.
// - Status is the furthest stage reached: triage moves `new` to `acknowledged`, a public agent reply
//   moves `acknowledged` to `in_progress`; an untriaged ticket stays `new` (the triage queue) even after
//   a reply, and goes straight to `in_progress` when triaged.
// - `closed` is final and only follows `resolved`. A customer reply on a resolved ticket within the
//   policy's reopen window reopens it (the resolution clock resumes with its elapsed time); later, or
//   on a closed ticket, the ticket is left alone and a `newTicketRequired` event asks for a linked one.
// - A decision that changes the ticket bumps `version` once (however many commands it took) and sets
//   `updatedAt`; one that changes nothing (a stale or duplicate timer, a status set to itself) returns
//   the ticket as it was, `changed: false`.
import { ConflictError, ValidationError } from './errors.ts';
import type { Calendars, PendingTimer, SlaClockEvent, SlaClockView } from './sla-clock.ts';
import { reopenClock } from './sla-clock.ts';
import { reopenWindowMs, type SlaMetric, type SlaPolicy } from './sla-policy.ts';
import {
  type ClocksStep,
  clocksTimers,
  clocksView,
  eachClock,
  meetClocks,
  pauseClocks,
  resumeClocks,
  retargetClocks,
  settleClocks,
  startClocks,
  stopClocks,
  type TicketClocks,
} from './ticket-clocks.ts';

export const TICKET_STATUSES = [
  'new',
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_KINDS = ['incident', 'request'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** Kind and severity as someone stated them. */
export interface Classification {
  kind: TicketKind;
  severity: string;
}

/** Kind and severity as staff assessed them: who (API key id) and when. */
export interface Assessment extends Classification {
  by: string;
  at: string;
}

/** Who opens a ticket: a customer declares; staff opening for a customer assess as they open it. */
export type Opener = { role: 'customer' } | { role: 'staff'; keyId: string };

export interface Ticket {
  id: string;
  reference: string;
  accountId: string;
  subject: string;
  /** The severity in effect (clocks, rates): the assessed one, else what the plan lets the declaration set. */
  severity: string;
  /** The kind in effect (metering): the assessed one, else `request`. */
  kind: TicketKind;
  /** What the opener stated. */
  declared: Classification;
  /** What staff assessed, or null while nobody has. */
  assessed: Assessment | null;
  status: TicketStatus;
  version: number;
  /** Per metric clock; empty for an SLA-exempt ticket or a severity without targets. */
  sla: TicketClocks;
  /** True once an agent confirmed severity and kind (triage). */
  severityConfirmed: boolean;
  /** Accepted "without SLA" by the entitlement decision: no clock ever runs. */
  slaExempt: boolean;
  /** When the clocks start counting: the opening time, or later for a deferred ticket. */
  clocksStartAt: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  reopenedCount: number;
  assignee?: string;
}

/** What the lifecycle needs of the account's plan. */
export interface TicketPlan {
  /** The plan's severity scale, in its order. */
  severities: readonly string[];
  defaultSeverity: string;
  sla: SlaPolicy;
  /** Who sets the severity before triage: the customer's declaration, or the vendor (default severity). */
  severityAssessedBy?: 'customer' | 'vendor';
}

export interface TicketContext {
  plan: TicketPlan;
  /** The catalog's calendars by id (at least those the plan's SLA names). */
  calendars: Calendars;
}

export interface OpenTicket {
  type: 'open';
  id: string;
  reference: string;
  accountId: string;
  subject: string;
  /** Declared severity; default: the plan's default severity. */
  severity?: string;
  /** Declared kind; default: 'request'. */
  kind?: TicketKind;
  /** Default: a customer. */
  openedBy?: Opener;
  /** Clocks start at max(now, startAt): a deferred ticket (e.g. past a daily credit cap). */
  startAt?: Date;
  slaExempt?: boolean;
  assignee?: string;
}

export type TicketCommand =
  /** The agent (API key `by`) confirms severity and kind, changing them if needed. */
  | { type: 'triage'; by: string; severity?: string; kind?: TicketKind }
  | {
      type: 'reply';
      author: 'agent' | 'customer' | 'system';
      visibility: 'public' | 'internal';
      /** Auto-replies and other machine-sent mail never count as a response. */
      automatic: boolean;
    }
  | { type: 'setStatus'; status: TicketStatus }
  | { type: 'reopen' }
  | { type: 'assign'; assignee: string | null }
  /** An agent takes an open ticket nobody has: a ConflictError if someone else has it. */
  | { type: 'claim'; assignee: string }
  /** An SLA timer fired; acts only if the clock says the event is due at `now`. */
  | { type: 'timerFired'; metric: SlaMetric; event: 'warning' | 'breach'; dueAt: string };

export type TicketEvent =
  | SlaClockEvent
  | {
      type: 'ticketOpened';
      at: string;
      severity: string;
      kind: TicketKind;
      slaExempt: boolean;
      clocksStartAt: string;
    }
  | { type: 'acknowledged'; at: string; severity: string; kind: TicketKind }
  | { type: 'severityChanged'; at: string; from: string; to: string }
  /** A request reclassified as an incident (or back): entitlements may reverse or take a consumption. */
  | { type: 'kindChanged'; at: string; from: TicketKind; to: TicketKind; severity: string }
  | { type: 'statusChanged'; at: string; from: TicketStatus; to: TicketStatus }
  /** `reopenedCount` > 0 means this ticket was resolved before: consume on resolution only once. */
  | { type: 'resolved'; at: string; severity: string; kind: TicketKind; reopenedCount: number }
  | { type: 'reopened'; at: string; by: 'agent' | 'customer'; reopenedCount: number }
  | { type: 'assigned'; at: string; from?: string; to?: string }
  /** A customer wrote on a closed ticket or after the reopen window: open a new ticket linked to this one. */
  | {
      type: 'newTicketRequired';
      at: string;
      reason: 'closed' | 'reopenWindowPassed';
      relatedTicketId: string;
      relatedReference: string;
    };

export interface TicketResult {
  ticket: Ticket;
  events: TicketEvent[];
  /** False when nothing changed: the ticket is returned as it was and need not be saved. */
  changed: boolean;
}

const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer'];

const iso = (d: Date) => d.toISOString();

function assertValidDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw ValidationError.field(field, 'must be a valid instant');
  }
}

function assertSeverity(plan: TicketPlan, severity: string): void {
  if (!plan.severities.includes(severity)) {
    throw ValidationError.field(
      'severity',
      `unknown severity "${severity}"; this plan's scale is ${plan.severities.join(', ')}`,
    );
  }
}

function assertKind(kind: string): asserts kind is TicketKind {
  if (!(TICKET_KINDS as readonly string[]).includes(kind)) {
    throw ValidationError.field('kind', `must be one of ${TICKET_KINDS.join(', ')}`);
  }
}

const pausesIn = (plan: TicketPlan, status: TicketStatus) =>
  (plan.sla.pauseWhile as readonly string[]).includes(status);

/**
 * The values a new ticket runs on: staff's declaration stands as their assessment; a customer's ticket
 * is a request, on the declared severity unless the plan leaves severity to the vendor (then its
 * default), until an agent triages it.
 */
export function classifyOpening(
  plan: TicketPlan,
  declared: { kind?: TicketKind; severity?: string },
  openedBy: Opener,
  now: Date,
): { kind: TicketKind; severity: string; declared: Classification; assessed: Assessment | null } {
  const severity = declared.severity ?? plan.defaultSeverity;
  assertSeverity(plan, severity);
  const kind = declared.kind ?? 'request';
  assertKind(kind);
  if (openedBy.role === 'staff') {
    return {
      kind,
      severity,
      declared: { kind, severity },
      assessed: { kind, severity, by: openedBy.keyId, at: iso(now) },
    };
  }
  return {
    kind: 'request',
    severity: plan.severityAssessedBy === 'vendor' ? plan.defaultSeverity : severity,
    declared: { kind, severity },
    assessed: null,
  };
}

/** A new ticket: status `new`, clocks for every metric the plan sets for its severity. */
export function openTicket(command: OpenTicket, now: Date, context: TicketContext): TicketResult {
  assertValidDate(now, 'now');
  const { plan, calendars } = context;
  const { kind, severity, declared, assessed } = classifyOpening(
    plan,
    {
      ...(command.kind ? { kind: command.kind } : {}),
      ...(command.severity ? { severity: command.severity } : {}),
    },
    command.openedBy ?? { role: 'customer' },
    now,
  );
  if (command.startAt !== undefined) assertValidDate(command.startAt, 'startAt');
  if (command.subject.trim() === '') throw ValidationError.field('subject', 'must not be empty');
  const slaExempt = command.slaExempt ?? false;
  const start =
    command.startAt !== undefined && command.startAt.getTime() > now.getTime() ? command.startAt : now;
  const ticket: Ticket = {
    id: command.id,
    reference: command.reference,
    accountId: command.accountId,
    subject: command.subject,
    severity,
    kind,
    declared,
    assessed,
    status: 'new',
    version: 1,
    sla: slaExempt ? {} : startClocks(plan.sla, severity, calendars, start),
    severityConfirmed: false,
    slaExempt,
    clocksStartAt: iso(start),
    createdAt: iso(now),
    updatedAt: iso(now),
    reopenedCount: 0,
    ...(command.assignee === undefined ? {} : { assignee: command.assignee }),
  };
  return {
    ticket,
    events: [
      {
        type: 'ticketOpened',
        at: ticket.createdAt,
        severity,
        kind,
        slaExempt,
        clocksStartAt: ticket.clocksStartAt,
      },
    ],
    changed: true,
  };
}

/** Work in progress of one command: the draft ticket and the events so far. */
interface Draft {
  ticket: Ticket;
  events: TicketEvent[];
  /** Set when the command itself changed nothing (the settled clocks may still have). */
  noop?: boolean;
}

function withClocks(draft: Draft, step: ClocksStep): Draft {
  return { ticket: { ...draft.ticket, sla: step.clocks }, events: [...draft.events, ...step.events] };
}

function moveTo(draft: Draft, status: TicketStatus, at: string): Draft {
  const from = draft.ticket.status;
  if (from === status) return draft;
  return {
    ...draft,
    ticket: { ...draft.ticket, status },
    events: [...draft.events, { type: 'statusChanged', at, from, to: status }],
  };
}

function invalidStatus(ticket: Ticket, message: string): ValidationError {
  return ValidationError.field('status', `ticket is ${ticket.status}: ${message}`);
}

/**
 * Decides a list of commands at `now`, in order: each sees the ticket the previous one left. Every
 * clock first records the warnings and breaches due by `now`, so a late timer never loses an event.
 * The version advances once for the whole list, and only if something changed. Throws
 * ValidationError (field `status`, `severity`, `kind`) for an invalid transition or value.
 */
export function decideTicket(
  ticket: Ticket,
  commands: readonly TicketCommand[],
  now: Date,
  context: TicketContext,
): TicketResult {
  assertValidDate(now, 'now');
  let current = ticket;
  let changed = false;
  const events: TicketEvent[] = [];
  for (const command of commands) {
    const settled = withClocks({ ticket: current, events: [] }, settleClocks(current.sla, now));
    const draft = decide(settled, command, now, context);
    events.push(...draft.events);
    // A command that changed nothing leaves the ticket as it was, unless settling the clocks recorded
    // something; its own events (e.g. newTicketRequired) still go out.
    if (draft.noop && settled.events.length === 0) continue;
    current = draft.ticket;
    changed = true;
  }
  if (!changed) return { ticket, events, changed: false };
  return { ticket: { ...current, version: ticket.version + 1, updatedAt: iso(now) }, events, changed: true };
}

function decide(draft: Draft, command: TicketCommand, now: Date, context: TicketContext): Draft {
  switch (command.type) {
    case 'triage':
      return triage(draft, command, now, context);
    case 'reply':
      return reply(draft, command, now, context);
    case 'setStatus':
      return setStatus(draft, command.status, now, context);
    case 'reopen':
      return reopen(draft, 'agent', now, context);
    case 'assign':
      return assign(draft, command.assignee ?? undefined, now);
    case 'claim':
      return claim(draft, command.assignee, now);
    case 'timerFired':
      // The settled clocks already hold whatever was due; a stale or early firing finds nothing.
      return { ...draft, noop: true };
  }
}

function triage(
  draft: Draft,
  command: { by: string; severity?: string; kind?: TicketKind },
  now: Date,
  { plan, calendars }: TicketContext,
): Draft {
  const before = draft.ticket;
  if (before.status === 'closed') throw invalidStatus(before, 'a closed ticket cannot be triaged');
  // The first assessment confirms the declaration for what the agent leaves out; later ones start
  // from the ticket as it is.
  const base = before.assessed ?? before.declared;
  const severity = command.severity ?? base.severity;
  const kind = command.kind ?? base.kind;
  assertSeverity(plan, severity);
  assertKind(kind);
  if (
    before.severityConfirmed &&
    before.assessed !== null &&
    severity === before.severity &&
    kind === before.kind
  ) {
    return { ...draft, noop: true };
  }
  const at = iso(now);
  let next: Draft = {
    ...draft,
    ticket: { ...draft.ticket, assessed: { kind, severity, by: command.by, at } },
  };
  if (!before.severityConfirmed) {
    // Acknowledge is measured against the severity the ticket had until the agent confirmed it.
    next = withClocks(
      next,
      meetClocks(next.ticket.sla, calendars, now, (m) => m === 'acknowledge'),
    );
    next = {
      ticket: { ...next.ticket, severityConfirmed: true, acknowledgedAt: at },
      events: [...next.events, { type: 'acknowledged', at, severity, kind }],
    };
  }
  if (severity !== before.severity) {
    // Met clocks keep their record; a resolved ticket has no clock left to move.
    const moves = !before.slaExempt && OPEN_STATUSES.includes(before.status);
    const step = moves
      ? retargetClocks(
          next.ticket.sla,
          plan.sla,
          severity,
          calendars,
          now,
          laterOf(now, new Date(before.clocksStartAt)),
          pausesIn(plan, before.status),
        )
      : { clocks: next.ticket.sla, events: [] };
    next = withClocks(next, step);
    next = {
      ticket: { ...next.ticket, severity },
      events: [...next.events, { type: 'severityChanged', at, from: before.severity, to: severity }],
    };
  }
  if (kind !== before.kind) {
    next = {
      ticket: { ...next.ticket, kind },
      events: [...next.events, { type: 'kindChanged', at, from: before.kind, to: kind, severity }],
    };
  }
  if (before.status === 'new') {
    next = moveTo(next, next.ticket.firstResponseAt === undefined ? 'acknowledged' : 'in_progress', at);
  }
  return next;
}

function reply(
  draft: Draft,
  command: { author: 'agent' | 'customer' | 'system'; visibility: 'public' | 'internal'; automatic: boolean },
  now: Date,
  context: TicketContext,
): Draft {
  const ticket = draft.ticket;
  const at = iso(now);
  if (command.author === 'customer') {
    if (ticket.status === 'waiting_on_customer') {
      return leaveWaiting(draft, ticket.severityConfirmed ? 'in_progress' : 'new', now, context);
    }
    if (ticket.status === 'resolved') {
      const resolvedAt = Date.parse(ticket.resolvedAt ?? ticket.updatedAt);
      if (now.getTime() - resolvedAt <= reopenWindowMs(context.plan.sla)) {
        return reopen(draft, 'customer', now, context);
      }
      return newTicketRequired(draft, 'reopenWindowPassed', at);
    }
    if (ticket.status === 'closed') return newTicketRequired(draft, 'closed', at);
    return draft;
  }
  const answers = command.author === 'agent' && command.visibility === 'public' && !command.automatic;
  if (!answers) return draft;
  let next = draft;
  if (ticket.firstResponseAt === undefined) {
    next = withClocks(
      next,
      meetClocks(ticket.sla, context.calendars, now, (m) => m === 'firstResponse'),
    );
    next = { ...next, ticket: { ...next.ticket, firstResponseAt: at } };
  }
  return ticket.status === 'acknowledged' ? moveTo(next, 'in_progress', at) : next;
}

function newTicketRequired(draft: Draft, reason: 'closed' | 'reopenWindowPassed', at: string): Draft {
  // The ticket itself does not change: the message belongs to the new, linked ticket.
  return {
    ...draft,
    noop: true,
    events: [
      ...draft.events,
      {
        type: 'newTicketRequired',
        at,
        reason,
        relatedTicketId: draft.ticket.id,
        relatedReference: draft.ticket.reference,
      },
    ],
  };
}

function leaveWaiting(draft: Draft, status: TicketStatus, now: Date, context: TicketContext): Draft {
  const resumed = withClocks(draft, resumeClocks(draft.ticket.sla, context.calendars, now));
  return moveTo(resumed, status, iso(now));
}

function setStatus(draft: Draft, status: TicketStatus, now: Date, context: TicketContext): Draft {
  const ticket = draft.ticket;
  const at = iso(now);
  if (!(TICKET_STATUSES as readonly string[]).includes(status)) {
    throw ValidationError.field('status', `must be one of ${TICKET_STATUSES.join(', ')}`);
  }
  if (status === ticket.status) return { ...draft, noop: true };
  switch (status) {
    case 'new':
    case 'acknowledged':
      throw invalidStatus(ticket, `${status} is set by opening and triage, not directly`);
    case 'waiting_on_customer': {
      if (!OPEN_STATUSES.includes(ticket.status)) {
        throw invalidStatus(ticket, 'reopen it before waiting on the customer');
      }
      const next = pausesIn(context.plan, status)
        ? withClocks(draft, pauseClocks(ticket.sla, context.calendars, now))
        : draft;
      return moveTo(next, status, at);
    }
    case 'in_progress':
      if (ticket.status === 'resolved') throw invalidStatus(ticket, 'use reopen to work on it again');
      if (ticket.status === 'closed') throw invalidStatus(ticket, 'a closed ticket is final; open a new one');
      return ticket.status === 'waiting_on_customer'
        ? leaveWaiting(draft, status, now, context)
        : moveTo(draft, status, at);
    case 'resolved': {
      if (ticket.status === 'closed') throw invalidStatus(ticket, 'a closed ticket cannot be resolved');
      // Resolution is met; a clock whose own event never happened stops without being met.
      const unmet = (m: SlaMetric) =>
        (m === 'acknowledge' && !ticket.severityConfirmed) ||
        (m === 'firstResponse' && ticket.firstResponseAt === undefined);
      const stopped = withClocks(draft, stopClocks(ticket.sla, context.calendars, now, unmet));
      const met = withClocks(stopped, meetClocks(stopped.ticket.sla, context.calendars, now));
      const next = moveTo({ ...met, ticket: { ...met.ticket, resolvedAt: at } }, status, at);
      return {
        ...next,
        events: [
          ...next.events,
          {
            type: 'resolved',
            at,
            severity: ticket.severity,
            kind: ticket.kind,
            reopenedCount: ticket.reopenedCount,
          },
        ],
      };
    }
    case 'closed': {
      if (ticket.status !== 'resolved') throw invalidStatus(ticket, 'only a resolved ticket can be closed');
      return moveTo({ ...draft, ticket: { ...ticket, closedAt: at } }, status, at);
    }
  }
}

function reopen(draft: Draft, by: 'agent' | 'customer', now: Date, context: TicketContext): Draft {
  const ticket = draft.ticket;
  if (ticket.status === 'closed') throw invalidStatus(ticket, 'a closed ticket is final; open a new one');
  if (ticket.status !== 'resolved') throw invalidStatus(ticket, 'only a resolved ticket can be reopened');
  const at = iso(now);
  // The resolution counts again, and so does a clock stopped unmet at the resolution (a response
  // still owed); clocks met before stay met.
  const again = (m: SlaMetric) => m === 'resolution' || ticket.sla[m]?.state === 'stopped';
  let next = withClocks(
    draft,
    eachClock(ticket.sla, (clock) => reopenClock(clock, context.calendars, now), again),
  );
  const { resolvedAt: _resolvedAt, ...reopened } = next.ticket;
  const reopenedCount = ticket.reopenedCount + 1;
  next = moveTo({ ...next, ticket: { ...reopened, reopenedCount } }, 'in_progress', at);
  return { ...next, events: [...next.events, { type: 'reopened', at, by, reopenedCount }] };
}

function assign(draft: Draft, assignee: string | undefined, now: Date): Draft {
  const { assignee: from, ...rest } = draft.ticket;
  if (from === assignee) return { ...draft, noop: true };
  return {
    ticket: assignee === undefined ? rest : { ...rest, assignee },
    events: [
      ...draft.events,
      {
        type: 'assigned',
        at: iso(now),
        ...(from === undefined ? {} : { from }),
        ...(assignee === undefined ? {} : { to: assignee }),
      },
    ],
  };
}

function claim(draft: Draft, assignee: string, now: Date): Draft {
  const ticket = draft.ticket;
  if (!OPEN_STATUSES.includes(ticket.status)) {
    throw invalidStatus(ticket, 'only open tickets are claimed; reopen it first');
  }
  if (ticket.assignee !== undefined && ticket.assignee !== assignee) {
    throw new ConflictError(`ticket ${ticket.reference} is assigned to ${ticket.assignee} already`);
  }
  return assign(draft, assignee, now);
}

function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** The warning and breach timers the ticket should have scheduled now, earliest first. */
export function pendingTimers(ticket: Ticket): PendingTimer[] {
  return clocksTimers(ticket.sla);
}

/** The earliest pending SLA deadline (for a due-time index), if any. */
export function nextDueAt(ticket: Ticket): string | undefined {
  return pendingTimers(ticket)[0]?.at;
}

/** The SLA clocks as the API shows them at `now`. */
export function slaView(
  ticket: Ticket,
  now: Date,
  calendars: Calendars,
): Partial<Record<SlaMetric, SlaClockView>> {
  return clocksView(ticket.sla, calendars, now);
}
