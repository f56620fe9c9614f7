// Ticket persistence through the paths production runs: tickets opened with `openTicketFor` and
// changed with `changeTicket` (functions/app/tickets.ts), read and listed through the store.
import { describe, expect, test } from 'vitest';
import { appContext } from '../../functions/app/context.ts';
import { changeTicket, type TicketRecord } from '../../functions/app/tickets.ts';
import { NotFoundError, ValidationError, VersionConflictError } from '../../functions/domain/errors.ts';
import { listMessages, messageOp } from '../../functions/store/messages.ts';
import {
  getTicket,
  getTicketByReference,
  getTicketsById,
  listTicketsByStatus,
  listTicketsOfAccount,
} from '../../functions/store/tickets.ts';
import { newProcess, openTicket, seedAccount, testStore, uniquePrefix } from './helpers.ts';

async function allOfAccount(accountId: string): Promise<TicketRecord[]> {
  const ctx = testStore();
  const all: TicketRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTicketsOfAccount(ctx, accountId, { limit: 20, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('ticket references', () => {
  test('50 parallel openings for one account get references 1..50 exactly once', async () => {
    const prefix = uniquePrefix();
    const accountId = await seedAccount(testStore(), prefix);
    // Five app contexts behave like five processes (containers): each queues its own openings, none
    // knows what the others took, so they race on the conditional counter.
    const processes = Array.from({ length: 5 }, newProcess);
    const opened = await Promise.all(
      Array.from({ length: 50 }, (_, i) => openTicket(processes[i % processes.length]!, accountId)),
    );
    const numbers = opened.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(opened.map((t) => t.reference))).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `${prefix}-${i + 1}`)),
    );
    // What is stored agrees with what was returned.
    const stored = await allOfAccount(accountId);
    expect(stored.map((t) => t.number).sort((a, b) => a - b)).toEqual(numbers);
  }, 60_000);

  test('accounts have independent sequences', async () => {
    const ctx = newProcess();
    const [pa, pb] = [uniquePrefix(), uniquePrefix()];
    const a = await seedAccount(ctx.store, pa);
    const b = await seedAccount(ctx.store, pb);
    const a1 = await openTicket(ctx, a);
    const b1 = await openTicket(ctx, b);
    const a2 = await openTicket(ctx, a);
    expect([a1.reference, b1.reference, a2.reference]).toEqual([`${pa}-1`, `${pb}-1`, `${pa}-2`]);
  });

  test('a process that did not see the others’ openings still takes the next number', async () => {
    const prefix = uniquePrefix();
    const accountId = await seedAccount(testStore(), prefix);
    const first = newProcess();
    const second = newProcess();
    await openTicket(first, accountId);
    await openTicket(second, accountId);
    await openTicket(second, accountId);
    expect((await openTicket(first, accountId)).reference).toBe(`${prefix}-4`);
  });
});

describe('reads', () => {
  test('by id, by ids and by reference (case-insensitive), as opened', async () => {
    const ctx = newProcess();
    const opened = await openTicket(ctx, await seedAccount(ctx.store));
    expect(await getTicket(ctx.store, opened.id)).toEqual(opened);
    expect(await getTicketByReference(ctx.store, opened.reference.toLowerCase())).toEqual(opened);
    expect(await getTicket(ctx.store, 'missing')).toBeUndefined();
    const byId = await getTicketsById(ctx.store, [opened.id, 'missing']);
    expect([...byId.keys()]).toEqual([opened.id]);
    expect(byId.get(opened.id)).toEqual(opened);
  });

  test('lists by account and status, and a cursor cannot page through another account', async () => {
    const ctx = newProcess();
    const a = await seedAccount(ctx.store);
    const b = await seedAccount(ctx.store);
    for (let i = 0; i < 3; i++) await openTicket(ctx, a);
    const triaged = await openTicket(ctx, a);
    await changeTicket(ctx, triaged.id, () => [{ type: 'triage', by: 'agent-1' }]);
    const page = await listTicketsOfAccount(ctx.store, a, { status: 'acknowledged' });
    expect(page.items.map((t) => t.id)).toEqual([triaged.id]);
    const first = await listTicketsOfAccount(ctx.store, a, { limit: 2 });
    expect(first.items).toHaveLength(2);
    // Newest first.
    expect(first.items[0]!.number).toBe(4);
    expect(first.nextCursor).toBeDefined();
    await expect(listTicketsOfAccount(ctx.store, b, { cursor: first.nextCursor! })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(listTicketsOfAccount(ctx.store, a, { limit: 0 })).rejects.toThrow(/limit/);
    const queue = await listTicketsByStatus(ctx.store, 'acknowledged', { limit: 100 });
    expect(queue.items.some((t) => t.id === triaged.id)).toBe(true);
  });
});

describe('optimistic locking', () => {
  test('20 parallel changes of one ticket lose none', async () => {
    const opener = newProcess();
    const opened = await openTicket(opener, await seedAccount(opener.store));
    // Each writer assigns the ticket and adds its note in the same transaction, on a store context of
    // its own; a writer that lost the race re-reads and applies its change again.
    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        const ctx = newProcess();
        const changed = await changeTicket(
          ctx,
          opened.id,
          () => [{ type: 'assign', assignee: `agent-${writer}` }],
          {
            extraOps: async (ticket) => [
              messageOp(ctx.store, {
                id: ctx.newId(),
                ticketId: ticket.id,
                accountId: ticket.accountId,
                author: { type: 'agent', keyId: `agent-${writer}` },
                visibility: 'internal',
                automatic: false,
                channel: 'api',
                body: `note of writer ${writer}`,
                createdAt: new Date().toISOString(),
              }),
            ],
          },
        );
        expect(changed.changed).toBe(true);
      }),
    );
    const final = (await getTicket(opener.store, opened.id))!;
    expect(final.version).toBe(21);
    const messages = await listMessages(opener.store, opened.id, { includeInternal: true, limit: 100 });
    const notes = messages.items.filter((m) => m.visibility === 'internal').map((m) => m.body);
    expect(notes.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `note of writer ${i}`).sort());
  }, 60_000);

  test('a stale If-Match is refused with the current version, and the stored ticket is unchanged', async () => {
    const ctx = newProcess();
    const opened = await openTicket(ctx, await seedAccount(ctx.store));
    const triaged = await changeTicket(ctx, opened.id, () => [{ type: 'triage', by: 'agent-1' }], {
      ifMatch: 1,
    });
    expect(triaged.ticket.version).toBe(2);
    const stale = changeTicket(ctx, opened.id, () => [{ type: 'setStatus', status: 'resolved' }], {
      ifMatch: 1,
    });
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    expect((await getTicket(ctx.store, opened.id))?.status).toBe('acknowledged');
    // The status index follows the saved status.
    const acknowledged = await listTicketsOfAccount(ctx.store, opened.accountId, { status: 'acknowledged' });
    expect(acknowledged.items.map((t) => t.id)).toEqual([opened.id]);
    expect((await listTicketsOfAccount(ctx.store, opened.accountId, { status: 'new' })).items).toEqual([]);
  });

  test('changing a ticket that does not exist is not found', async () => {
    await expect(changeTicket(appContext(testStore()), 'no-such-ticket', () => [])).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
