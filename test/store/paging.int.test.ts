// The paged lists: a cursor resumes only the query that issued it. Regression: a hand-edited cursor
// with the right partition attribute but the wrong key shape reached DynamoDB as an ExclusiveStartKey
// it rejected, and the API answered 500; it is now a ValidationError naming `cursor`.
import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.ts';
import { listAccounts } from '../../functions/store/accounts.ts';
import { decodeCursor, encodeCursor } from '../../functions/store/cursor.ts';
import { listHeldQuarantine } from '../../functions/store/inbound-mail.ts';
import { partitions } from '../../functions/store/keys.ts';
import { listMessages } from '../../functions/store/messages.ts';
import { listTicketsOfAccount } from '../../functions/store/tickets.ts';
import { newProcess, openTicket, seedAccount } from './helpers.ts';

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function refusedAsCursor(list: Promise<unknown>): Promise<void> {
  const error = await list.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['cursor']);
}

describe('a cursor of the wrong shape is refused before the query', () => {
  test("an account's tickets (GSI3): partition right, key attributes wrong", async () => {
    const ctx = newProcess();
    const accountId = await seedAccount(ctx.store);
    for (let i = 0; i < 3; i++) await openTicket(ctx, accountId);
    const issued = await listTicketsOfAccount(ctx.store, accountId, { limit: 1 });
    const key = JSON.parse(Buffer.from(issued.nextCursor!, 'base64url').toString('utf8'));
    expect(Object.keys(key).sort()).toEqual(['GSI3PK', 'GSI3SK', 'PK', 'SK']);
    const partition = key.GSI3PK;
    const edited = [
      { GSI3PK: partition },
      { GSI3PK: partition, GSI3SK: key.GSI3SK },
      { ...key, extra: 'x' },
      { ...key, GSI3SK: 42 },
      { ...key, SK: { S: 'TICKET' } },
      { GSI3PK: partition, GSI3SK: key.GSI3SK, GSI2PK: key.PK, GSI2SK: key.SK },
      [partition],
    ];
    for (const cursor of edited) {
      await refusedAsCursor(listTicketsOfAccount(ctx.store, accountId, { cursor: cursorOf(cursor) }));
    }
    // The cursor as issued still works, and an edit of its partition is refused as before.
    const next = await listTicketsOfAccount(ctx.store, accountId, { limit: 1, cursor: issued.nextCursor! });
    expect(next.items).toHaveLength(1);
    await refusedAsCursor(
      listTicketsOfAccount(ctx.store, accountId, {
        cursor: cursorOf({ ...key, GSI3PK: 'ACCOUNT#other#TICKETS' }),
      }),
    );
  });

  test('the other lists: messages (table), accounts and quarantine (GSI4)', async () => {
    const ctx = newProcess();
    const ticket = await openTicket(ctx, await seedAccount(ctx.store));
    const messages = partitions.messages(ticket.id).partition;
    await refusedAsCursor(
      listMessages(ctx.store, ticket.id, { includeInternal: true, cursor: cursorOf({ PK: messages }) }),
    );
    // Right keys, but a sort key outside the ticket's messages (its attachments, say).
    await refusedAsCursor(
      listMessages(ctx.store, ticket.id, {
        includeInternal: true,
        cursor: cursorOf({ PK: messages, SK: 'ATTACHMENT#2026#x' }),
      }),
    );
    await refusedAsCursor(listAccounts(ctx.store, { cursor: cursorOf({ GSI4PK: 'ACCOUNTS', GSI4SK: 1 }) }));
    await refusedAsCursor(listHeldQuarantine(ctx.store, { cursor: cursorOf({ GSI4PK: 'QUARANTINE' }) }));
    await refusedAsCursor(listAccounts(ctx.store, { cursor: 'not base64 json' }));
  });
});

test('decodeCursor accepts exactly the key of the query it resumes', () => {
  const query = partitions.ticketsOfAccount('a1');
  const key = {
    PK: 'TICKET#t',
    SK: 'TICKET',
    GSI3PK: 'ACCOUNT#a1#TICKETS',
    GSI3SK: '2026-01-01T00:00:00.000Z#t',
  };
  expect(decodeCursor(encodeCursor(key), query)).toEqual(key);
  expect(decodeCursor(undefined, query)).toBeUndefined();
  const table = partitions.messages('t');
  const tableKey = { PK: 'TICKET#t', SK: 'MSG#2026-01-01T00:00:00.000Z#m' };
  expect(decodeCursor(encodeCursor(tableKey), table)).toEqual(tableKey);
  expect(() => decodeCursor(encodeCursor(key), table)).toThrow(ValidationError);
});
