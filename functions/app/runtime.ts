// The composition root of a Lambda container: the one place that reads the environment, through the
// settings schema (functions/settings.ts), once per container, and builds the AppContext every
// handler of the container uses. The local runtime builds its own AppContext from the same settings.
import { settingsFrom } from '../settings.ts';
import { createStoreContext } from '../store/context.ts';
import { cursorSecretFrom } from '../store/cursor-secret.ts';
import { type AppContext, appContext, systemClock } from './context.ts';

let context: AppContext | undefined;

export function runtimeContext(): AppContext {
  if (!context) {
    const settings = settingsFrom(process.env);
    if (!settings.tableName) throw new Error('TABLE_NAME is not set');
    const store = createStoreContext(
      settings.tableName,
      settings.dynamodbEndpoint ? { endpoint: settings.dynamodbEndpoint } : {},
      { cursorSecret: cursorSecretFrom(settings.cursorSecret) },
    );
    context = appContext(store, systemClock, settings);
  }
  return context;
}
