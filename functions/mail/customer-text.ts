// What a customer reads about a new ticket, in plain language: what the plan promises for its
// severity (due times in the zone of the calendar each target runs on) and what the request used
// ("This request uses 1 of your 5 monthly credits."). Built from metering's structured notes, never
// from the internal reasons agents and the ledger read; a plan may word each note itself
// (`customerText` in the catalog). Pure.
import type { CustomerNote } from '../domain/entitlements.ts';
import type { Money } from '../domain/money.ts';
import type { CustomerText, CustomerTextTemplate } from '../domain/plan.ts';
import type { Calendars } from '../domain/sla-clock.ts';
import type { SlaMetric } from '../domain/sla-policy.ts';
import type { TicketClocks } from '../domain/ticket-clocks.ts';

/** One target the plan promises for the ticket: when, and in which zone the customer reads it. */
export interface SlaPromise {
  metric: SlaMetric;
  dueAt: string;
  timeZone: string;
}

/** What the acknowledgement says beyond the reference: promises, usage, the declared severity. */
export interface AcknowledgementFacts {
  severity: { id: string; name: string };
  /** The severity the customer declared, when the ticket runs on another until staff assess it. */
  declaredSeverity?: { id: string; name: string };
  promises: SlaPromise[];
  notes: readonly CustomerNote[];
  wording?: CustomerText;
  /** Zone for dates outside the SLA (a deferral): the first target's, else the billing zone. */
  timeZone: string;
}

/** The running targets of a new ticket's clocks, each in its calendar's zone. */
export function promisesOf(clocks: TicketClocks, calendars: Calendars): SlaPromise[] {
  const order: SlaMetric[] = ['acknowledge', 'firstResponse', 'resolution'];
  return order.flatMap((metric) => {
    const clock = clocks[metric];
    const calendar = clock ? calendars[clock.calendarId] : undefined;
    if (!clock?.dueAt || !calendar) return [];
    return [{ metric, dueAt: clock.dueAt, timeZone: calendar.timeZone }];
  });
}

/**
 * "Tuesday 8 December 2026, 16:00 (Europe/Zagreb)"; with `dayAtMidnight`, a local midnight is the
 * day alone (a deferral counts from the start of a day).
 */
export function formatInstant(instant: string, timeZone: string, dayAtMidnight = false): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  const day = `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
  const time = `${parts.hour}:${parts.minute}`;
  return dayAtMidnight && time === '00:00' ? day : `${day}, ${time} (${timeZone})`;
}

/** "EUR 50.00": the code rather than a symbol, which is ambiguous across currencies. */
export function formatMoney(money: Money): string {
  const format = new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency: money.currency,
    currencyDisplay: 'code',
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits).replace(/\s/g, ' ');
}

/** "12 hours 30 minutes". */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = hours === 0 ? '' : `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  const m = rest === 0 ? '' : `${rest} ${rest === 1 ? 'minute' : 'minutes'}`;
  return [h, m].filter(Boolean).join(' ') || '0 minutes';
}

const PERIOD = { month: 'this month', contractYear: 'this contract year' } as const;

const DEFAULTS: Record<CustomerTextTemplate, string> = {
  consumed: 'This request uses {used} of your {allowance} {unit} {period}.',
  deferred:
    'Your plan allows at most {cap} {unit} a day, so this request is counted on {until} and handled from then ({used} of your {allowance} {unit} {period}).',
  overage:
    'The {unit} your plan includes for this period are used up, so this request is charged at {price}.',
  withoutSla:
    'The support your plan includes for this period is used up. We have registered your request and will handle it on a best-effort basis, without the response times of your plan.',
  noContract: '{reason}',
  countedOnResolution: 'This request counts as one of your {unit} {period} when it is resolved.',
  fee: 'This request is charged {price} {when}.',
  hours: 'Time our team spends on it is drawn from your support hours: {remaining} left {period}.',
  notCounted: 'This request does not draw on the allowance of your plan.',
};

const PROMISES: Record<SlaMetric, string> = {
  acknowledge: 'We confirm its severity and register it by',
  firstResponse: 'You will have a first answer from our team by',
  resolution: 'We aim to resolve it by',
};

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The sentence for one note, in the plan's words where it has them. */
export function describeNote(
  note: CustomerNote,
  wording: CustomerText | undefined,
  timeZone: string,
): string {
  const unit = wording?.requestUnit ?? { one: 'request', other: 'requests' };
  const units = (n: number) => (n === 1 ? unit.one : unit.other);
  const text = wording?.[note.kind] ?? DEFAULTS[note.kind];
  switch (note.kind) {
    case 'consumed':
      return fill(text, {
        used: String(note.used),
        allowance: String(note.allowance),
        unit: units(note.allowance),
        period: PERIOD[note.period],
      });
    case 'deferred':
      return fill(text, {
        until: formatInstant(note.until, timeZone, true),
        cap: String(note.cap),
        used: String(note.used),
        allowance: String(note.allowance),
        unit: units(note.cap),
        period: PERIOD[note.period],
      });
    case 'overage':
      return fill(text, { price: formatMoney(note.price), unit: unit.other });
    case 'countedOnResolution':
      return fill(text, { unit: unit.other, period: PERIOD[note.period] });
    case 'noContract':
      return fill(text, { reason: note.reason });
    case 'fee':
      return fill(text, {
        price: formatMoney(note.price),
        when: note.on === 'resolution' ? 'when it is resolved' : 'now',
      });
    case 'hours':
      return fill(text, { remaining: formatMinutes(note.remainingMinutes), period: PERIOD[note.period] });
    case 'withoutSla':
    case 'notCounted':
      return text;
  }
}

/** The acknowledgement's lines about severity, promises and usage. */
export function acknowledgementLines(facts: AcknowledgementFacts): string[] {
  const lines: string[] = [];
  const severity = `${facts.severity.name} (${facts.severity.id})`;
  if (facts.declaredSeverity) {
    lines.push(
      `You reported it as ${facts.declaredSeverity.name}. Until our team confirms the severity, it is handled as ${severity}.`,
    );
  }
  if (facts.promises.length > 0) {
    lines.push(`What your plan promises for severity ${severity}:`);
    for (const promise of facts.promises) {
      lines.push(`- ${PROMISES[promise.metric]} ${formatInstant(promise.dueAt, promise.timeZone)}.`);
    }
  }
  const usage = facts.notes.map((note) => describeNote(note, facts.wording, facts.timeZone));
  return [...lines, ...(lines.length > 0 && usage.length > 0 ? [''] : []), ...usage];
}
