// The paged lists: cursors are sealed (AES-256-GCM under the deployment's secret), bound to the scope
// and query that issued them, and stand only for items the caller saw. Regressions: cursors were
// base64 JSON of the table's keys (key names, and for customers the time and id of an internal
// note they may not see, when a filtered-out item ended the page); a hand-edited cursor reached
// DynamoDB and answered 500. Every refusal is a ValidationError naming `cursor`.
import { describe, expect, test } from 'vitest';
import { appContext } from '../../functions/app/context.ts';
import { ValidationError } from '../../functions/domain/errors.ts';
import { listAccounts } from '../../functions/store/accounts.ts';
import { checkedKey, decodeCursor, encodeCursor, fixedCursorSecret } from '../../functions/store/cursor.ts';
import { listHeldQuarantine } from '../../functions/store/inbound-mail.ts';
import { keys, partitions } from '../../functions/store/keys.ts';
import { listMessages, type MessageRecord, messageOp } from '../../functions/store/messages.ts';
import { pageBinding } from '../../functions/store/query.ts';
import { listTicketsOfAccount } from '../../functions/store/tickets.ts';
import { commit } from '../../functions/store/transact.ts';
import { newProcess, openTicket, seedAccount, testStore } from './helpers.ts';

const handMade = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function refusedAsCursor(list: Promise<unknown>): Promise<void> {
  const error = await list.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['cursor']);
}

describe('cursors are sealed', () => {
  test('a cursor shows no key name, id or time, and opens only for its scope and partition', async () => {
    const ctx = newProcess();
    const accountId = await seedAccount(ctx.store);
    const other = await seedAccount(ctx.store);
    for (let i = 0; i < 3; i++) await openTicket(ctx, accountId);
    await openTicket(ctx, other);
    const scope = 'key-1 GET /v1/tickets';
    const issued = await listTicketsOfAccount(ctx.store, accountId, { limit: 1, scope });
    const cursor = issued.nextCursor!;
    const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const visible of ['GSI3', 'PK', 'TICKET', accountId, issued.items[0]!.id, '2026']) {
      expect(bytes).not.toContain(visible);
    }
    // Resumes its own list.
    const next = await listTicketsOfAccount(ctx.store, accountId, { limit: 1, cursor, scope });
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.id).not.toBe(issued.items[0]!.id);
    // Another scope (key, route or filters), another partition (account, status), another process
    // with another secret: refused.
    await refusedAsCursor(
      listTicketsOfAccount(ctx.store, accountId, { cursor, scope: 'key-2 GET /v1/tickets' }),
    );
    await refusedAsCursor(listTicketsOfAccount(ctx.store, accountId, { cursor }));
    await refusedAsCursor(listTicketsOfAccount(ctx.store, other, { cursor, scope }));
    await refusedAsCursor(listTicketsOfAccount(ctx.store, accountId, { cursor, scope, status: 'new' }));
    await refusedAsCursor(listTicketsOfAccount(newProcess().store, accountId, { cursor, scope }));
    // Any byte changed: refused.
    const raw = Buffer.from(cursor, 'base64url');
    for (const at of [0, 5, raw.length - 20, raw.length - 1]) {
      const edited = Buffer.from(raw);
      edited[at]! ^= 1;
      await refusedAsCursor(
        listTicketsOfAccount(ctx.store, accountId, { cursor: edited.toString('base64url'), scope }),
      );
    }
  });

  test('hand-made cursors, the old base64 JSON keys included, are refused before any query', async () => {
    const ctx = newProcess();
    const ticket = await openTicket(ctx, await seedAccount(ctx.store));
    const messages = partitions.messages(ticket.id).partition;
    const attempts = [
      handMade({ PK: messages, SK: 'MSG#2026' }),
      handMade({ PK: messages }),
      'not base64 json',
      'AQ',
      '',
    ];
    for (const cursor of attempts.filter(Boolean)) {
      await refusedAsCursor(listMessages(ctx.store, ticket.id, { includeInternal: true, cursor }));
    }
    await refusedAsCursor(listAccounts(ctx.store, { cursor: handMade({ GSI4PK: 'ACCOUNTS', GSI4SK: 1 }) }));
    await refusedAsCursor(listHeldQuarantine(ctx.store, { cursor: handMade({ GSI4PK: 'QUARANTINE' }) }));
  });
});

test('an opened cursor must still be exactly the key of the query it resumes', () => {
  const query = partitions.ticketsOfAccount('a1');
  const key = {
    PK: 'TICKET#t',
    SK: 'TICKET',
    GSI3PK: 'ACCOUNT#a1#TICKETS',
    GSI3SK: '2026-01-01T00:00:00.000Z#t',
  };
  expect(checkedKey(key, query)).toEqual(key);
  const wrong = [
    { GSI3PK: key.GSI3PK },
    { ...key, extra: 'x' },
    { ...key, GSI3SK: 42 },
    { ...key, SK: { S: 'TICKET' } },
    { ...key, GSI3PK: 'ACCOUNT#other#TICKETS' },
    [key.GSI3PK],
  ];
  for (const edited of wrong) expect(() => checkedKey(edited, query)).toThrow(ValidationError);
  const table = partitions.messages('t');
  expect(() => checkedKey({ PK: 'TICKET#t', SK: 'ATTACHMENT#2026#x' }, table)).toThrow(ValidationError);
  expect(() => checkedKey(key, table)).toThrow(ValidationError);
});

test('a sealed cursor opens with the same secret and binding only', async () => {
  const secret = fixedCursorSecret('a'.repeat(32));
  const query = partitions.messages('t');
  const key = { PK: 'TICKET#t', SK: 'MSG#2026-01-01T00:00:00.000Z#m' };
  const cursor = (await encodeCursor(secret, key, 'b1'))!;
  expect(await decodeCursor(secret, cursor, 'b1', query)).toEqual(key);
  expect(await decodeCursor(secret, undefined, 'b1', query)).toBeUndefined();
  await expect(decodeCursor(secret, cursor, 'b2', query)).rejects.toBeInstanceOf(ValidationError);
  await expect(decodeCursor(fixedCursorSecret('b'.repeat(32)), cursor, 'b1', query)).rejects.toBeInstanceOf(
    ValidationError,
  );
  // Two seals of one key differ (a fresh IV each): equal cursors tell nothing.
  expect(await encodeCursor(secret, key, 'b1')).not.toBe(cursor);
});

describe("a customer's pages hold only what they see", () => {
  /** A ticket whose messages after the first are, in order, `visibilities`. */
  async function ticketWith(visibilities: ('public' | 'internal')[]) {
    const ctx = appContext(testStore());
    const ticket = await openTicket(ctx, await seedAccount(ctx.store));
    const written: MessageRecord[] = visibilities.map((visibility, i) => ({
      id: `m${String(i).padStart(2, '0')}`,
      ticketId: ticket.id,
      accountId: ticket.accountId,
      author: { type: visibility === 'internal' ? 'agent' : 'customer', keyId: 'k' },
      visibility,
      automatic: false,
      channel: 'api',
      body: `message ${i}`,
      // After the opening message, one minute apart.
      createdAt: new Date(Date.parse(ticket.createdAt) + (i + 1) * 60_000).toISOString(),
    }));
    for (const message of written) await commit(ctx.store, [messageOp(ctx.store, message)]);
    return { ctx, ticket, written };
  }

  const customerFilter = { filter: { expression: 'visibility = :public', values: { ':public': 'public' } } };

  test('pages fill up past internal notes, and every cursor is the last visible item', async () => {
    const { ctx, ticket, written } = await ticketWith([
      'internal',
      'public',
      'internal',
      'internal',
      'internal',
      'public',
      'internal',
      'public',
      'internal',
      'internal',
    ]);
    const scope = 'customer-key';
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listMessages(ctx.store, ticket.id, {
        includeInternal: false,
        limit: 2,
        scope,
        ...(cursor ? { cursor } : {}),
      });
      pages += 1;
      expect(page.items.every((m) => m.visibility === 'public')).toBe(true);
      if (page.nextCursor) {
        // A full page, and its cursor opens to the key of its last (visible) item.
        expect(page.items).toHaveLength(2);
        const last = page.items.at(-1)!;
        const opened = await decodeCursor(
          ctx.store.cursorSecret,
          page.nextCursor,
          pageBinding(scope, partitions.messages(ticket.id), customerFilter),
          partitions.messages(ticket.id),
        );
        expect(opened).toEqual(keys.message(ticket.id, last.createdAt, last.id));
      }
      seen.push(...page.items.map((m) => m.body));
      cursor = page.nextCursor;
    } while (cursor);
    // The opening message and the three public ones, oldest first, in two pages.
    expect(seen).toEqual([
      'The nightly export stopped.',
      ...written.filter((m) => m.visibility === 'public').map((m) => m.body),
    ]);
    expect(pages).toBe(2);
  });

  test("a customer's cursor does not open the staff list, nor the other way round", async () => {
    const { ctx, ticket } = await ticketWith(['public', 'internal', 'public']);
    const customer = await listMessages(ctx.store, ticket.id, {
      includeInternal: false,
      limit: 1,
      scope: 's',
    });
    const staff = await listMessages(ctx.store, ticket.id, { includeInternal: true, limit: 1, scope: 's' });
    await refusedAsCursor(
      listMessages(ctx.store, ticket.id, { includeInternal: true, cursor: customer.nextCursor!, scope: 's' }),
    );
    await refusedAsCursor(
      listMessages(ctx.store, ticket.id, { includeInternal: false, cursor: staff.nextCursor!, scope: 's' }),
    );
  });
});
