// Delivers the transactional outbox: claims an item, applies the per-recipient limit on automatic
// mail (charged once per mail, never per attempt), sends it through the mail port and marks it sent.
// Fed by the table's stream (new outbox items) and by a sweep of the pending index (retries, and
// anything the stream missed). A failed send backs off exponentially with jitter: the item's
// next-attempt time moves, and only the sweep takes it again, once that time has come. Throttling
// (the mail service's sending rate) backs off the same way but never counts as an attempt; a
// rejected mail fails at once. A crash between sending and marking sends the item once more when
// its claim lapses. Locally the copy has the same Message-ID, which mail clients show once; SES
// gives every send a Message-ID of its own, so there a recipient may see the mail twice (both
// copies thread on the ticket by the token in References).
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AppContext } from '../app/context.ts';
import { MailRejectedError, type MailSender, MailThrottledError } from '../ports/mail.ts';
import { log } from '../shared/log.ts';
import { metrics } from '../shared/metrics.ts';
import {
  claimOutboxItem,
  finishOutboxItem,
  type OutboxRecord,
  pendingOutboxIds,
  retryOutboxItem,
  takeAutomaticAllowance,
} from '../store/outbox.ts';

/** When a failed send is tried again: `baseMs * 2^(n-1)`, at most `maxMs`, the upper half jittered. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * 30 s, 1, 2, 4, 8, 16 minutes, then every 30 (each between half and all of that): eight counted
 * attempts span about an hour and a half, and a throttled outbox drains as SES allows.
 */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 30 * 60_000 };

/** The wait before try `n + 1` after `n` failures (n >= 1); `random` in [0, 1). */
export function backoffMs(
  failures: number,
  backoff: Backoff = DEFAULT_BACKOFF,
  random = Math.random(),
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, failures - 1));
  // "Equal jitter": never sooner than half the ceiling, so retries of one item stay spaced, while
  // items that failed together (a throttled burst) spread over the other half.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** The one place mail that failed for good is reported: a log line the alarm's metric filter counts. */
export const MAIL_FAILED_MESSAGE = 'outbound mail failed for good';

export function mailFailedForGood(
  item: Pick<OutboxRecord, 'id' | 'kind' | 'ticketId'>,
  fields: Record<string, unknown>,
): void {
  metrics.count('MailsFailed');
  log('error', MAIL_FAILED_MESSAGE, {
    outboxId: item.id,
    kind: item.kind,
    ticketId: item.ticketId,
    ...fields,
  });
}

/**
 * Up to when the sweep takes unsent mail. A new item is due from its `createdAt`, dated by the desk's
 * clock; a retried one from its next attempt, dated by real time. The desk's clock only ever runs
 * ahead of real time (the local runtime moves it forward), so the later of the two covers both; a
 * retry not due in real time is still refused by its claim.
 */
export function outboxDueBy(deskNow: Date, wallNow: Date): Date {
  return new Date(Math.max(deskNow.getTime(), wallNow.getTime()));
}

export interface OutboxSenderDeps {
  context: () => AppContext;
  mail: MailSender;
  /** Automatic mails one address may receive per hour (loops and storms stop here). */
  automaticPerHour?: number;
  /** Counted (non-throttled) failed sends before an item is given up as failed. */
  maxAttempts?: number;
  /** How long a claim holds before another sender may take the item over. */
  claimMs?: number;
  backoff?: Backoff;
  /** Real time, for claims and next attempts (the desk's clock may be moved; leases are real). */
  wallClock?: () => Date;
  random?: () => number;
}

export type Delivery = 'sent' | 'suppressed' | 'failed' | 'retry' | 'throttled' | 'skipped';

export function outboxSender(deps: OutboxSenderDeps) {
  const perHour = deps.automaticPerHour ?? 10;
  const maxAttempts = deps.maxAttempts ?? 8;
  const claimMs = deps.claimMs ?? 60_000;
  const wall = deps.wallClock ?? (() => new Date());
  const random = deps.random ?? Math.random;

  /** Charges the allowance of every recipient; false when one has none left. */
  async function takeAllowance(ctx: AppContext, item: OutboxRecord, now: Date): Promise<boolean> {
    for (const to of item.mail.to)
      if (!(await takeAutomaticAllowance(ctx.store, to, now, perHour))) return false;
    return true;
  }

  async function deliver(id: string): Promise<Delivery> {
    const ctx = deps.context();
    const now = ctx.clock.now();
    const started = wall();
    const item = await claimOutboxItem(ctx.store, id, started, new Date(started.getTime() + claimMs));
    if (!item) return 'skipped';
    const attempts = item.attempts + 1;
    let allowanceTaken = item.allowanceTaken === true;
    if (item.automatic && !allowanceTaken) {
      if (!(await takeAllowance(ctx, item, now))) {
        await finishOutboxItem(ctx.store, id, 'suppressed', now, { attempts: item.attempts });
        log('warn', 'automatic mail suppressed: recipient limit', { outboxId: id, kind: item.kind });
        metrics.count('MailsSuppressed');
        return 'suppressed';
      }
      allowanceTaken = true;
    }
    try {
      await deps.mail.send(item.mail);
    } catch (error) {
      const name =
        error instanceof MailThrottledError || error instanceof MailRejectedError
          ? error.code
          : error instanceof Error
            ? error.name
            : 'unknown';
      const throttled = error instanceof MailThrottledError;
      const counted = throttled ? item.attempts : attempts;
      const fields = { outboxId: id, kind: item.kind, attempts: counted, error: name };
      if (error instanceof MailRejectedError || counted >= maxAttempts) {
        await finishOutboxItem(ctx.store, id, 'failed', now, {
          attempts: counted,
          allowanceTaken,
          lastError: name,
        });
        mailFailedForGood(item, { attempts: counted, error: name });
        return 'failed';
      }
      const throttledCount = (item.throttled ?? 0) + (throttled ? 1 : 0);
      const waitMs = backoffMs(counted + throttledCount, deps.backoff, random());
      await retryOutboxItem(ctx.store, item, {
        attempts: counted,
        throttled: throttledCount,
        nextAttemptAt: new Date(wall().getTime() + waitMs),
        allowanceTaken,
        lastError: name,
      });
      log('warn', throttled ? 'outbound mail throttled; will retry' : 'outbound mail failed; will retry', {
        ...fields,
        retryInMs: waitMs,
      });
      return throttled ? 'throttled' : 'retry';
    }
    await finishOutboxItem(ctx.store, id, 'sent', now, { attempts, allowanceTaken });
    metrics.count('MailsSent');
    log('info', 'outbound mail sent', { outboxId: id, kind: item.kind, ticketId: item.ticketId });
    return 'sent';
  }

  /** Sends everything pending whose time has come, from every shard (the sweep); returns how many were sent. */
  async function drain(limit = 500): Promise<number> {
    const ctx = deps.context();
    let sent = 0;
    const seen = new Set<string>();
    while (seen.size < limit) {
      const dueBy = outboxDueBy(ctx.clock.now(), wall());
      const ids = (await pendingOutboxIds(ctx.store, 100, dueBy)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        if ((await deliver(id)) === 'sent') sent += 1;
      }
    }
    return sent;
  }

  /**
   * Stream consumer: new outbox items are sent as they are written. A failed send is not handed back
   * to the stream (whose retries come within seconds): the item waits for its next attempt, which
   * the sweep makes. Only an error of the table itself fails the record.
   */
  async function onStream(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || image?.type?.S !== 'outbox' || !image.id?.S) continue;
      try {
        await deliver(image.id.S);
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
