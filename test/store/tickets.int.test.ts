import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../functions/domain/errors.ts';
import {
  createTicket,
  getTicket,
  getTicketByReference,
  listTicketsByStatus,
  listTicketsOfAccount,
  type NewTicket,
  saveTicket,
} from '../../functions/store/tickets.ts';
import { newAccountId, testStore } from './helpers.ts';

function newTicket(accountId: string, overrides: Partial<NewTicket> = {}): NewTicket {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    accountId,
    status: 'new',
    subject: 'Export fails',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

describe('ticket references', () => {
  test('50 parallel creations for one account get references 1..50 exactly once', async () => {
    const accountId = newAccountId();
    // Five store contexts behave like five processes (containers): each queues its own creations,
    // none knows the others' counter, so they race on the conditional counter.
    const processes = Array.from({ length: 5 }, () => testStore());
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createTicket(processes[i % processes.length]!, {
          ticket: newTicket(accountId),
          referencePrefix: 'ACME',
        }),
      ),
    );
    const numbers = created.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(created.map((t) => t.reference)).size).toBe(50);
    // What is stored agrees with what was returned.
    const ctx = testStore();
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listTicketsOfAccount(ctx, accountId, { limit: 20, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(all.map((t) => t.number).sort((a, b) => a - b)).toEqual(numbers);
  });

  test('accounts have independent sequences', async () => {
    const ctx = testStore();
    const a = newAccountId();
    const b = newAccountId();
    const a1 = await createTicket(ctx, { ticket: newTicket(a), referencePrefix: 'AAA' });
    const b1 = await createTicket(ctx, { ticket: newTicket(b), referencePrefix: 'BBB' });
    const a2 = await createTicket(ctx, { ticket: newTicket(a), referencePrefix: 'AAA' });
    expect([a1.reference, b1.reference, a2.reference]).toEqual(['AAA-1', 'BBB-1', 'AAA-2']);
  });

  test('a stale hint (another container created tickets meanwhile) still yields the next number', async () => {
    const accountId = newAccountId();
    const first = testStore();
    const second = testStore();
    await createTicket(first, { ticket: newTicket(accountId), referencePrefix: 'X' });
    await createTicket(second, { ticket: newTicket(accountId), referencePrefix: 'X' });
    await createTicket(second, { ticket: newTicket(accountId), referencePrefix: 'X' });
    const fourth = await createTicket(first, { ticket: newTicket(accountId), referencePrefix: 'X' });
    expect(fourth.reference).toBe('X-4');
  });

  test('creating the same ticket id twice is a conflict and does not consume a number', async () => {
    const ctx = testStore();
    const accountId = newAccountId();
    const ticket = newTicket(accountId);
    await createTicket(ctx, { ticket, referencePrefix: 'DUP' });
    await expect(createTicket(ctx, { ticket, referencePrefix: 'DUP' })).rejects.toBeInstanceOf(ConflictError);
    const next = await createTicket(ctx, { ticket: newTicket(accountId), referencePrefix: 'DUP' });
    expect(next.number).toBe(2);
  });
});

describe('reads', () => {
  test('by id and by reference (case-insensitive)', async () => {
    const ctx = testStore();
    const created = await createTicket(ctx, { ticket: newTicket(newAccountId()), referencePrefix: 'Read' });
    expect(await getTicket(ctx, created.id)).toEqual(created);
    expect(await getTicketByReference(ctx, created.reference.toLowerCase())).toEqual(created);
    expect(await getTicket(ctx, 'missing')).toBeUndefined();
  });

  test('lists by account and status, and a cursor cannot page through another account', async () => {
    const ctx = testStore();
    const a = newAccountId();
    const b = newAccountId();
    for (let i = 0; i < 3; i++) await createTicket(ctx, { ticket: newTicket(a), referencePrefix: 'L' });
    const waiting = await createTicket(ctx, {
      ticket: newTicket(a, { status: 'waiting_on_customer' }),
      referencePrefix: 'L',
    });
    const page = await listTicketsOfAccount(ctx, a, { status: 'waiting_on_customer' });
    expect(page.items.map((t) => t.id)).toEqual([waiting.id]);
    const first = await listTicketsOfAccount(ctx, a, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    await expect(listTicketsOfAccount(ctx, b, { cursor: first.nextCursor })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(listTicketsOfAccount(ctx, a, { limit: 0 })).rejects.toThrow(/limit/);
    const queue = await listTicketsByStatus(ctx, 'waiting_on_customer', { limit: 100 });
    expect(queue.items.some((t) => t.id === waiting.id)).toBe(true);
  });
});

describe('optimistic locking', () => {
  test('20 parallel conditional updates of one ticket lose no update', async () => {
    const ctx = testStore();
    const created = await createTicket(ctx, {
      ticket: newTicket(newAccountId(), { notes: [] as string[] }),
      referencePrefix: 'LOCK',
    });
    // Each writer reads, appends its note and saves conditionally; on conflict it re-reads and retries.
    const outcomes = { applied: 0, conflicts: 0 };
    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        const client = testStore();
        for (;;) {
          const current = (await getTicket(client, created.id))!;
          const notes = [...(current.notes as string[]), `writer-${writer}`];
          try {
            await saveTicket(client, { ...current, notes }, current.version);
            outcomes.applied++;
            return;
          } catch (error) {
            if (!(error instanceof VersionConflictError)) throw error;
            outcomes.conflicts++;
          }
        }
      }),
    );
    const final = (await getTicket(ctx, created.id))!;
    expect(outcomes.applied).toBe(20);
    expect(final.version).toBe(21);
    expect([...(final.notes as string[])].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `writer-${i}`).sort(),
    );
  });

  test('a stale version is refused with the current version, and the stored ticket is unchanged', async () => {
    const ctx = testStore();
    const created = await createTicket(ctx, { ticket: newTicket(newAccountId()), referencePrefix: 'V' });
    const updated = await saveTicket(ctx, { ...created, status: 'in_progress' }, 1);
    expect(updated.version).toBe(2);
    const stale = saveTicket(ctx, { ...created, status: 'resolved' }, 1);
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    expect((await getTicket(ctx, created.id))?.status).toBe('in_progress');
    // The status index follows the saved status.
    const inProgress = await listTicketsOfAccount(ctx, created.accountId, { status: 'in_progress' });
    expect(inProgress.items.map((t) => t.id)).toEqual([created.id]);
  });

  test('saving a ticket that does not exist is not found', async () => {
    const ctx = testStore();
    const now = new Date().toISOString();
    const ghost = {
      id: randomUUID(),
      accountId: 'a',
      reference: 'G-1',
      number: 1,
      status: 'new',
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await expect(saveTicket(ctx, ghost, 1)).rejects.toBeInstanceOf(NotFoundError);
  });
});
