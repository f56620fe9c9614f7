// The AppContext handlers use, built once per container from the environment. The clock is the
// system clock in AWS; the local runtime swaps in its controllable clock before serving requests,
// so every handler, timer and month close sees the same (possibly moved) time.
import { settingsFrom } from '../settings.ts';
import { storeFromEnvironment } from '../store/context.ts';
import { type AppContext, appContext, type Clock, systemClock } from './context.ts';

let clock: Clock = systemClock;
let context: AppContext | undefined;

export function runtimeContext(): AppContext {
  context ??= appContext(storeFromEnvironment(), { now: () => clock.now() }, settingsFrom(process.env));
  return context;
}

/** Local runtime only: make every handler in this process use `next` as its clock. */
export function useClock(next: Clock): void {
  clock = next;
}
