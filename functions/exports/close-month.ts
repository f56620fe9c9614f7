// The month-close handler: EventBridge Scheduler invokes it at 01:00 on the 1st (the export zone)
// and it closes every month that is due, normally just the previous one. Idempotent: a second
// firing, a retry or a concurrent run finds the month closed (or held) and writes nothing.
import { runtimeContext } from '../app/runtime.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';
import { exportBlobsOf } from './export-blobs.ts';
import { closeDueMonths } from './monthly-export.ts';

export const handler = observed(async (): Promise<{ closed: { month: string; outcome: string }[] }> => {
  const app = runtimeContext();
  const results = await closeDueMonths(
    { store: app.store, blobs: exportBlobsOf(app.settings), exportTimeZone: app.settings.exportTimeZone },
    app.clock.now(),
  );
  log('info', 'month close run', { results });
  return { closed: results };
});
