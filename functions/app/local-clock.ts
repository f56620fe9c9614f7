// A clock that runs in real time from a movable origin: `set` jumps to an instant, `advance` moves
// forward by a duration. The local runtime uses it so demos and end-to-end tests can reach an SLA
// breach or a month close without waiting.
import type { Clock } from './context.ts';

export class MovableClock implements Clock {
  private offsetMs = 0;
  private readonly realNow: () => number;

  constructor(realNow: () => number = Date.now) {
    this.realNow = realNow;
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** Jumps to `instant`; refuses to go back in time (timers already fired would be wrong). */
  set(instant: Date): Date {
    if (Number.isNaN(instant.getTime())) throw new RangeError('not a valid instant');
    if (instant.getTime() < this.now().getTime()) throw new RangeError('the clock only moves forward');
    this.offsetMs = instant.getTime() - this.realNow();
    return this.now();
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance by a positive duration');
    this.offsetMs += ms;
    return this.now();
  }

  /** Persistable state: the offset, so a restart keeps the moved time. */
  get offset(): number {
    return this.offsetMs;
  }

  restore(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
