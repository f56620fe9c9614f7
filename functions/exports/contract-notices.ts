// The contract-notice handler: EventBridge Scheduler invokes it once a day and it writes every
// notice that came due (a term that renews, or a contract that ends, within the plan's lead time).
// Idempotent: a notice already written is not written again, so retries and repeats send nothing new.
import { sendContractNotices } from '../app/contract-notices.ts';
import { runtimeContext } from '../app/runtime.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';

export const handler = observed(async (): Promise<{ sent: number }> => {
  const app = runtimeContext();
  const result = await sendContractNotices(app, app.clock.now());
  log('info', 'contract notice run', result);
  return result;
});
