// Delivers the transactional outbox: claims an item, applies the per-recipient limit on automatic
// mail, sends it through the mail port and marks it sent. Fed by the table's stream (new outbox
// items) and by a sweep of the pending index (retries, anything the stream missed). A crash between
// sending and marking sends the item once more when its claim lapses. Locally the copy has the same
// Message-ID, which mail clients show once; SES gives every send a Message-ID of its own, so there a
// recipient may see the mail twice (both copies thread on the ticket by the token in References).
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AppContext } from '../app/context.ts';
import type { MailSender } from '../ports/mail.ts';
import { log } from '../shared/log.ts';
import {
  claimOutboxItem,
  finishOutboxItem,
  pendingOutboxIds,
  retryOutboxItem,
  takeAutomaticAllowance,
} from '../store/outbox.ts';

export interface OutboxSenderDeps {
  context: () => AppContext;
  mail: MailSender;
  /** Automatic mails one address may receive per hour (loops and storms stop here). */
  automaticPerHour?: number;
  /** Attempts before an item is given up as failed (logged). */
  maxAttempts?: number;
  /** How long a claim holds before another sender may take the item over. */
  claimMs?: number;
}

export type Delivery = 'sent' | 'suppressed' | 'failed' | 'retry' | 'skipped';

export function outboxSender(deps: OutboxSenderDeps) {
  const perHour = deps.automaticPerHour ?? 10;
  const maxAttempts = deps.maxAttempts ?? 5;
  const claimMs = deps.claimMs ?? 60_000;

  async function deliver(id: string): Promise<Delivery> {
    const ctx = deps.context();
    const now = ctx.clock.now();
    // Claims use the wall clock: the runtime's clock may be moved, leases are about real time.
    const item = await claimOutboxItem(ctx.store, id, new Date(), new Date(Date.now() + claimMs));
    if (!item) return 'skipped';
    const attempts = item.attempts + 1;
    if (item.automatic) {
      for (const to of item.mail.to) {
        if (!(await takeAutomaticAllowance(ctx.store, to, now, perHour))) {
          await finishOutboxItem(ctx.store, id, 'suppressed', now, attempts);
          log('warn', 'automatic mail suppressed: recipient limit', { outboxId: id, kind: item.kind });
          return 'suppressed';
        }
      }
    }
    try {
      await deps.mail.send(item.mail);
    } catch (error) {
      const fields = {
        outboxId: id,
        kind: item.kind,
        attempts,
        error: error instanceof Error ? error.name : 'unknown',
      };
      if (attempts >= maxAttempts) {
        await finishOutboxItem(ctx.store, id, 'failed', now, attempts);
        log('error', 'outbound mail failed for good', fields);
        return 'failed';
      }
      await retryOutboxItem(ctx.store, id, attempts);
      log('warn', 'outbound mail failed; will retry', fields);
      return 'retry';
    }
    await finishOutboxItem(ctx.store, id, 'sent', now, attempts);
    log('info', 'outbound mail sent', { outboxId: id, kind: item.kind, ticketId: item.ticketId });
    return 'sent';
  }

  /** Sends everything pending (the sweep); returns how many were sent. */
  async function drain(limit = 500): Promise<number> {
    const ctx = deps.context();
    let sent = 0;
    const seen = new Set<string>();
    while (seen.size < limit) {
      const ids = (await pendingOutboxIds(ctx.store, 100)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        if ((await deliver(id)) === 'sent') sent += 1;
      }
    }
    return sent;
  }

  /** Stream consumer: new outbox items are sent as they are written; failures are retried by the stream. */
  async function onStream(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || image?.type?.S !== 'outbox' || !image.id?.S) continue;
      try {
        if ((await deliver(image.id.S)) === 'retry') throw new Error('send failed');
      } catch {
        failures.push({ itemIdentifier: record.dynamodb!.SequenceNumber! });
        // Records after a failure are retried with it (Lambda's bisect-on-error keeps order).
        break;
      }
    }
    return { batchItemFailures: failures };
  }

  return { deliver, drain, onStream };
}
