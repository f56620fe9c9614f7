// Outbound mail on one machine: the same outbox sender as in AWS, writing .eml files to
// `<DATA_DIR>/outbox/` instead of calling SES. A stream poller hands it new outbox items as they are
// written (what the stream's event source mapping does in AWS); a sweep every few seconds retries
// failures and sends anything written while the runtime was down. SLA alerts travel this way too.
import { join } from 'node:path';
import { localMailSender } from '../functions/adapters/mail-local.ts';
import type { AppContext } from '../functions/app/context.ts';
import { outboxSender } from '../functions/email/outbox-sender.ts';
import type { MailSender } from '../functions/ports/mail.ts';
import { log } from '../functions/shared/log.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface OutboxDeliveryOptions {
  endpoint: string;
  tableName: string;
  dataDir: string;
  /** The store and clock items are read and dated with; the handlers' (from the environment) by default. */
  context: () => AppContext;
  /** Where mail goes; the .eml writer by default. */
  mail?: MailSender;
  sweepMs?: number;
  pollMs?: number;
}

export interface OutboxDelivery {
  /** Waits until everything written so far has been sent (tests, scripts). */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOutboxDelivery(options: OutboxDeliveryOptions): Promise<OutboxDelivery> {
  const { context } = options;
  const sender = outboxSender({
    context,
    mail: options.mail ?? localMailSender(join(options.dataDir, 'outbox'), () => context().clock.now()),
  });
  // Whatever was left unsent before a restart goes first.
  await sender.drain();
  const poller: StreamPoller = await startStreamPoller({
    endpoint: options.endpoint,
    tableName: options.tableName,
    start: 'LATEST',
    intervalMs: options.pollMs ?? 200,
    handle: sender.onStream,
  });
  const sweep = setInterval(() => {
    sender
      .drain()
      .catch((error: unknown) =>
        log('warn', 'local outbox sweep failed', { error: error instanceof Error ? error.name : 'unknown' }),
      );
  }, options.sweepMs ?? 5_000);
  return {
    async flush() {
      await poller.caughtUp();
      return sender.drain();
    },
    async stop() {
      clearInterval(sweep);
      await poller.stop();
    },
  };
}
