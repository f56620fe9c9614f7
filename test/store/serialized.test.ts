// Ticket creations queue per account in one process (serializedPerAccount). Regression: a create
// that waited past its request's deadline answered 500 and was still created later; now work still
// queued at its deadline is never started and fails at once with an UnavailableError (503).
import { expect, test } from 'vitest';
import { UnavailableError } from '../../functions/domain/errors.ts';
import type { StoreContext } from '../../functions/store/context.ts';
import { serializedPerAccount } from '../../functions/store/tickets.ts';

const store = () => ({ creationQueues: new Map() }) as unknown as StoreContext;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('work queued past its deadline never starts and fails at the deadline, not when its turn comes', async () => {
  const ctx = store();
  const started: string[] = [];
  const slow = serializedPerAccount(ctx, 'a', async () => {
    started.push('slow');
    await sleep(300);
    return 'slow done';
  });
  const asked = performance.now();
  const late = serializedPerAccount(
    ctx,
    'a',
    async () => {
      started.push('late');
      return 'late done';
    },
    Date.now() + 50,
  );
  const error = await late.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnavailableError);
  expect((error as UnavailableError).retryAfterSeconds).toBeGreaterThan(0);
  // Answered at its deadline, while the slow creation still runs.
  expect(performance.now() - asked).toBeLessThan(250);
  // The slow one, started before, finishes and answers truthfully; the late one never runs.
  await expect(slow).resolves.toBe('slow done');
  const after = await serializedPerAccount(ctx, 'a', async () => 'next', Date.now() + 1_000);
  expect(after).toBe('next');
  expect(started).toEqual(['slow']);
  // The queue is gone once empty.
  await sleep(0);
  expect(ctx.creationQueues.size).toBe(0);
});

test('work whose turn comes before its deadline runs, even when it then takes longer', async () => {
  const ctx = store();
  const result = await serializedPerAccount(
    ctx,
    'a',
    async () => {
      await sleep(100);
      return 'done';
    },
    Date.now() + 20,
  );
  expect(result).toBe('done');
});

test('a deadline already passed refuses at once; other accounts do not wait', async () => {
  const ctx = store();
  let ran = false;
  await expect(
    serializedPerAccount(ctx, 'a', async () => (ran = true), Date.now() - 1),
  ).rejects.toBeInstanceOf(UnavailableError);
  expect(ran).toBe(false);
  const blocker = serializedPerAccount(ctx, 'a', () => sleep(200));
  await expect(serializedPerAccount(ctx, 'b', async () => 'b', Date.now() + 50)).resolves.toBe('b');
  await blocker;
});
