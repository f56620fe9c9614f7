// The composition root of a Lambda container: the one place that reads the environment, through the
// settings schema (functions/settings.ts), once per container, and builds the AppContext every
// handler of the container uses. The local runtime builds its own AppContext from the same settings.
import { settingsFrom } from '../settings.ts';
import { createStoreContext } from '../store/context.ts';
import { type AppContext, appContext, type Clock, systemClock } from './context.ts';

let clock: Clock = systemClock;
let context: AppContext | undefined;

export function runtimeContext(): AppContext {
  if (!context) {
    const settings = settingsFrom(process.env);
    if (!settings.tableName) throw new Error('TABLE_NAME is not set');
    const store = createStoreContext(
      settings.tableName,
      settings.dynamodbEndpoint ? { endpoint: settings.dynamodbEndpoint } : {},
    );
    context = appContext(store, { now: () => clock.now() }, settings);
  }
  return context;
}

/** Local runtime only: make every handler in this process use `next` as its clock. */
export function useClock(next: Clock): void {
  clock = next;
}
