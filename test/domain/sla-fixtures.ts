// Calendars and SLA policies shared by the SLA clock and ticket tests, modelled on the seeds:
// Performars (000) on a Madrid office calendar, B2Bee (004) with Critical on its own calendar.
import type { Calendar } from '../../functions/domain/calendar.ts';
import type { Calendars } from '../../functions/domain/sla-clock.ts';
import { type SlaPolicy, slaPolicySchema } from '../../functions/domain/sla-policy.ts';
import type { TicketContext } from '../../functions/domain/ticket.ts';

const office = [['08:00', '18:00']] as [string, string][];

/** Europe/Madrid 08:00-18:00 Monday to Friday. */
export const madrid: Calendar = {
  timeZone: 'Europe/Madrid',
  weekly: { mon: office, tue: office, wed: office, thu: office, fri: office },
  holidays: [],
  overrides: {},
};

/** B2Bee Standard: Critical is served 08:00-24:00 every day. */
export const zagrebCritical: Calendar = {
  timeZone: 'Europe/Zagreb',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '24:00']]]),
  ),
  holidays: [],
  overrides: {},
};

/** B2Bee Standard: every other severity on working days 08:00-18:00. */
export const zagrebWorkdays: Calendar = { ...madrid, timeZone: 'Europe/Zagreb' };

export const calendars: Calendars = { madrid, zagrebCritical, zagrebWorkdays };

/** Performars Professional: registered within 8 h, processed within 16/24/40 h by level. */
export const performarsSla: SlaPolicy = slaPolicySchema.parse({
  calendar: 'madrid',
  targets: {
    P1: { acknowledge: { within: 'PT8H' }, resolution: { within: 'PT16H' } },
    P2: { acknowledge: { within: 'PT8H' }, resolution: { within: 'PT24H' } },
    P3: { acknowledge: { within: 'PT8H' }, resolution: { within: 'PT40H' } },
  },
});

export const performars: TicketContext = {
  plan: { severities: ['P1', 'P2', 'P3'], defaultSeverity: 'P3', sla: performarsSla },
  calendars,
};

/** B2Bee Standard: first response 1/2/8/24 h; Critical on its own calendar. */
export const b2beeSla: SlaPolicy = slaPolicySchema.parse({
  calendar: 'zagrebWorkdays',
  targets: {
    critical: { firstResponse: { within: 'PT1H', calendar: 'zagrebCritical' } },
    significant: { firstResponse: { within: 'PT2H' } },
    minor: { firstResponse: { within: 'PT8H' } },
    none: { firstResponse: { within: 'PT24H' } },
  },
});

export const b2bee: TicketContext = {
  plan: { severities: ['critical', 'significant', 'minor', 'none'], defaultSeverity: 'minor', sla: b2beeSla },
  calendars,
};

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const at = (isoInstant: string) => new Date(isoInstant);
