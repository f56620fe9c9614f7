// Business-time arithmetic on a Calendar: when does a business-time target fall due, and how much
// business time lies between two instants. Semantics: DESIGN.md "Business time (contract)".
import type { Calendar } from './calendar.ts';

/** The earliest instant t >= start such that the business time in [start, t) equals durationMs. */
export function addBusinessTime(_calendar: Calendar, _start: Date, _durationMs: number): Date {
  throw new Error('not implemented yet');
}

/** Business milliseconds in [from, to); negative (-between(to, from)) when to < from. */
export function businessTimeBetween(_calendar: Calendar, _from: Date, _to: Date): number {
  throw new Error('not implemented yet');
}
