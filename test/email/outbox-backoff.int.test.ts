// The outbox under a failing or throttled mail service, on DynamoDB Local: a failed send waits for
// its next-attempt time (exponential, jittered) and only then is swept again; throttling never counts
// as an attempt; the recipient's automatic-mail allowance is charged once per mail, not per try; a
// mail that fails for good says so and leaves the index; finished mail expires; unsent mail is
// spread over the index's shards and the sweep reads them all.
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AppContext } from '../../functions/app/context.ts';
import type { MovableClock } from '../../functions/app/local-clock.ts';
import {
  backoffMs,
  DEFAULT_BACKOFF,
  MAIL_FAILED_MESSAGE,
  outboxDueBy,
  outboxSender,
} from '../../functions/email/outbox-sender.ts';
import { MailRejectedError, MailThrottledError, type OutboundMail } from '../../functions/ports/mail.ts';
import { keys, OUTBOX_SHARDS } from '../../functions/store/keys.ts';
import {
  getOutboxItem,
  OUTBOX_RETENTION_DAYS,
  outboxOp,
  pendingOutboxIds,
} from '../../functions/store/outbox.ts';
import { commit } from '../../functions/store/transact.ts';
import { deskContext } from '../api/harness.ts';
import { uniqueAddress } from './helpers.ts';

const T0 = new Date('2026-12-02T10:00:00Z');
const SECOND = 1000;

/** A wall clock the test moves. */
function wallAt(start: Date) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    to(at: string) {
      now = Date.parse(at);
    },
  };
}

async function queued(ctx: AppContext, automatic = false, to = uniqueAddress('ivana')): Promise<string> {
  const id = randomUUID();
  await commit(ctx.store, [
    outboxOp(ctx.store, {
      id,
      kind: automatic ? 'acknowledgement' : 'agentReply',
      messageId: `${id}@desk.localhost`,
      automatic,
      mail: {
        from: 'support@desk.localhost',
        to: [to],
        subject: 'Orders stuck',
        text: 'On it.',
        headers: {},
      },
      status: 'pending',
      attempts: 0,
      createdAt: T0.toISOString(),
    }),
  ]);
  return id;
}

/** A mail port that fails with the given errors in turn, then sends. */
function failing(...errors: Error[]) {
  const sent: OutboundMail[] = [];
  return {
    sent,
    send: async (mail: OutboundMail) => {
      const error = errors.shift();
      if (error) throw error;
      sent.push(mail);
    },
  };
}

const raw = async (ctx: AppContext, id: string) =>
  (await ctx.store.doc.send(new GetCommand({ TableName: ctx.store.tableName, Key: keys.outbox(id) }))).Item!;

afterEach(() => vi.restoreAllMocks());

describe('backoff', () => {
  test('the wait doubles from 30 s to at most 30 minutes, never below half of it', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, DEFAULT_BACKOFF, 0))).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000,
    ]);
    expect(backoffMs(1, DEFAULT_BACKOFF, 0.999_999)).toBe(30_000);
    expect(backoffMs(20, DEFAULT_BACKOFF, 0.999_999)).toBeGreaterThan(1_799_990);
    expect(backoffMs(20, DEFAULT_BACKOFF, 0.999_999)).toBeLessThanOrEqual(1_800_000);
  });

  test('a failed send waits for its next attempt: not swept before it, sent after it', async () => {
    const ctx = deskContext();
    const wall = wallAt(T0);
    const mail = failing(Object.assign(new Error('boom'), { name: 'InternalFailure' }));
    const sender = outboxSender({ context: () => ctx, mail, wallClock: wall.now, random: () => 0.5 });
    const id = await queued(ctx);

    expect(await sender.deliver(id)).toBe('retry');
    const item = (await getOutboxItem(ctx.store, id))!;
    expect(item).toMatchObject({ status: 'pending', attempts: 1, lastError: 'InternalFailure' });
    // 30 s ceiling for the first failure, jittered to 22.5 s.
    expect(item.nextAttemptAt).toBe(new Date(T0.getTime() + 22_500).toISOString());
    expect((await raw(ctx, id)).GSI5SK).toBe(`${item.nextAttemptAt}#${id}`);

    // A redelivered stream record, or a sweep, before that time changes nothing.
    wall.advance(20 * SECOND);
    expect(await pendingOutboxIds(ctx.store, 1000, wall.now())).not.toContain(id);
    expect(await sender.deliver(id)).toBe('skipped');
    expect(mail.sent).toHaveLength(0);

    wall.advance(3 * SECOND);
    expect(await pendingOutboxIds(ctx.store, 1000, wall.now())).toContain(id);
    expect(await sender.deliver(id)).toBe('sent');
    expect(mail.sent).toHaveLength(1);
    expect(await getOutboxItem(ctx.store, id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('throttling backs off without counting as an attempt, however often it happens', async () => {
    const ctx = deskContext();
    const wall = wallAt(T0);
    const throttles = Array.from({ length: 10 }, () => new MailThrottledError('TooManyRequestsException'));
    const mail = failing(...throttles);
    const sender = outboxSender({ context: () => ctx, mail, wallClock: wall.now, maxAttempts: 2 });
    const id = await queued(ctx);
    for (let i = 1; i <= 10; i++) {
      expect(await sender.deliver(id)).toBe('throttled');
      const item = (await getOutboxItem(ctx.store, id))!;
      expect(item).toMatchObject({ status: 'pending', attempts: 0, throttled: i });
      wall.to(item.nextAttemptAt!);
    }
    expect(await sender.deliver(id)).toBe('sent');
    expect(await getOutboxItem(ctx.store, id)).toMatchObject({ status: 'sent', attempts: 1, throttled: 10 });
  });

  test('an automatic mail charges the recipient allowance once, however many tries it takes', async () => {
    const ctx = deskContext();
    const wall = wallAt(T0);
    const to = uniqueAddress('ivana');
    const mail = failing(new Error('network'), new MailThrottledError('ThrottlingException'));
    // One automatic mail an hour: a second charge would suppress this very mail.
    const sender = outboxSender({ context: () => ctx, mail, wallClock: wall.now, automaticPerHour: 1 });
    const id = await queued(ctx, true, to);
    for (const expected of ['retry', 'throttled', 'sent']) {
      expect(await sender.deliver(id)).toBe(expected);
      wall.advance(2 * 60 * 60 * SECOND);
    }
    expect(mail.sent).toHaveLength(1);
    // The allowance is really used up: the next automatic mail to the address is suppressed.
    expect(await sender.deliver(await queued(ctx, true, to))).toBe('suppressed');
  });

  test('after the last attempt the mail fails for good: logged for the alarm, out of the index, kept 90 days', async () => {
    const ctx = deskContext();
    const wall = wallAt(T0);
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const mail = failing(new Error('a'), new Error('b'), new Error('c'));
    const sender = outboxSender({ context: () => ctx, mail, wallClock: wall.now, maxAttempts: 3 });
    const id = await queued(ctx);
    expect(await sender.deliver(id)).toBe('retry');
    wall.advance(60 * 60 * SECOND);
    expect(await sender.deliver(id)).toBe('retry');
    wall.advance(60 * 60 * SECOND);
    expect(await sender.deliver(id)).toBe('failed');

    const item = await raw(ctx, id);
    expect(item).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Error' });
    expect(item.GSI5PK).toBeUndefined();
    const finished = Math.floor(Date.parse(item.finishedAt as string) / 1000);
    expect(item.expiresAt).toBe(finished + OUTBOX_RETENTION_DAYS.failed * 86_400);
    const lines = errors.mock.calls
      .map(([line]) => String(line))
      .filter((l) => l.includes(MAIL_FAILED_MESSAGE));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'ERROR', outboxId: id, attempts: 3 });
    expect(lines[0]).not.toContain('Orders stuck');
  });

  test('a mail the service rejects fails at once, without further attempts', async () => {
    const ctx = deskContext();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const sender = outboxSender({
      context: () => ctx,
      mail: failing(new MailRejectedError('MessageRejected')),
    });
    const id = await queued(ctx);
    expect(await sender.deliver(id)).toBe('failed');
    expect(await getOutboxItem(ctx.store, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'MessageRejected',
    });
  });

  test('sent mail expires after 30 days', async () => {
    const ctx = deskContext();
    const sender = outboxSender({ context: () => ctx, mail: failing() });
    const id = await queued(ctx);
    expect(await sender.deliver(id)).toBe('sent');
    const item = await raw(ctx, id);
    const finished = Math.floor(Date.parse(item.finishedAt as string) / 1000);
    expect(item.expiresAt).toBe(finished + OUTBOX_RETENTION_DAYS.sent * 86_400);
    expect(item.sentAt).toBe(item.finishedAt);
  });
});

describe('shards', () => {
  test('unsent mail is spread over the shards, and the sweep reads every one', async () => {
    const ctx = deskContext();
    // 160 random ids: every one of the 8 shards is hit but with odds of about 1 in 200 million.
    const ids = await Promise.all(Array.from({ length: 160 }, () => queued(ctx)));
    const partitions = new Set(
      await Promise.all(ids.map(async (id) => (await raw(ctx, id)).GSI5PK as string)),
    );
    expect(partitions.size).toBe(OUTBOX_SHARDS);
    for (const partition of partitions) expect(partition).toMatch(/^OUTBOX#PENDING#[0-7]$/);
    const pending = await pendingOutboxIds(ctx.store, 1000);
    for (const id of ids) expect(pending).toContain(id);
  });

  test('mail written on a desk clock moved ahead of real time is still swept', async () => {
    const ctx = deskContext();
    const desk = new Date(Date.now() + 86_400_000);
    const id = randomUUID();
    await commit(ctx.store, [
      outboxOp(ctx.store, {
        id,
        kind: 'agentReply',
        messageId: `${id}@desk.localhost`,
        automatic: false,
        mail: {
          from: 'support@desk.localhost',
          to: ['x@jadran.example'],
          subject: 's',
          text: 't',
          headers: {},
        },
        status: 'pending',
        attempts: 0,
        createdAt: desk.toISOString(),
      }),
    ]);
    const wall = new Date();
    expect(await pendingOutboxIds(ctx.store, 1000, wall)).not.toContain(id);
    expect(await pendingOutboxIds(ctx.store, 1000, outboxDueBy(desk, wall))).toContain(id);
  });

  test('the local runtime clock does not decide when a retry is due: real time does', async () => {
    const ctx = deskContext();
    // The desk's clock moved a day ahead (local runtime): the next attempt still counts from real time.
    (ctx.clock as MovableClock).advance(86_400_000);
    const wall = wallAt(T0);
    const sender = outboxSender({
      context: () => ctx,
      mail: failing(new Error('x')),
      wallClock: wall.now,
      random: () => 0,
    });
    const id = await queued(ctx);
    expect(await sender.deliver(id)).toBe('retry');
    expect((await getOutboxItem(ctx.store, id))!.nextAttemptAt).toBe(
      new Date(T0.getTime() + 15_000).toISOString(),
    );
  });
});
