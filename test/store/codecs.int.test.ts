// Each entity goes into the table through its codec and comes back checked: keys, index attributes
// and `type` are the store's, never part of a record, and an item that is not what its kind says is
// reported by kind and field (not by content) instead of being handed on.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { StoredItemError } from '../../functions/store/codec.ts';
import { messageOp, recentMessageIds } from '../../functions/store/messages.ts';
import { getTicket, ticketCodec } from '../../functions/store/tickets.ts';
import { commit } from '../../functions/store/transact.ts';
import { newProcess, openTicket, seedAccount } from './helpers.ts';

test('a ticket is written with its keys and index attributes and read back without them', async () => {
  const ctx = newProcess();
  const ticket = await openTicket(ctx, await seedAccount(ctx.store));
  const item = ticketCodec.toItem(ticket);
  expect(item).toMatchObject({
    PK: `TICKET#${ticket.id}`,
    SK: 'TICKET',
    type: 'ticket',
    GSI1PK: `REF#${ticket.reference.toUpperCase()}`,
    GSI3PK: `ACCOUNT#${ticket.accountId}#TICKETS`,
  });
  expect(ticketCodec.fromItem(item)).toEqual(ticket);
  expect(await getTicket(ctx.store, ticket.id)).toEqual(ticket);
});

test('a stored item that is not a ticket is refused on read, naming the fields', async () => {
  const ctx = newProcess();
  const ticket = await openTicket(ctx, await seedAccount(ctx.store), 'Secret subject');
  const { ledgerRefs: _refs, ...broken } = ticketCodec.toItem(ticket);
  await ctx.store.doc.send(
    new PutCommand({ TableName: ctx.store.tableName, Item: { ...broken, status: 'lost', version: '2' } }),
  );
  const read = getTicket(ctx.store, ticket.id);
  await expect(read).rejects.toBeInstanceOf(StoredItemError);
  await expect(read).rejects.toThrow(/stored ticket item .*status.*version.*ledgerRefs/);
  await expect(read).rejects.not.toThrow(/Secret subject/);
});

test('recentMessageIds: the last messages with a Message-ID, oldest first', async () => {
  const ctx = newProcess();
  const ticket = await openTicket(ctx, await seedAccount(ctx.store));
  const base = Date.parse('2030-01-01T00:00:00Z');
  const message = (i: number, messageId?: string) =>
    messageOp(ctx.store, {
      id: `m${i}`,
      ticketId: ticket.id,
      accountId: ticket.accountId,
      author: { type: 'customer', email: 'ivana@example.com' },
      visibility: 'public',
      automatic: false,
      channel: messageId ? 'email' : 'api',
      body: `message ${i}`,
      createdAt: new Date(base + i * 60_000).toISOString(),
      ...(messageId ? { messageId } : {}),
    });
  await commit(ctx.store, [
    message(1, '<one@example.com>'),
    message(2, '<two@example.com>'),
    message(3),
    message(4, '<four@example.com>'),
  ]);
  // The opening message (API, no Message-ID) is the oldest; depth counts messages, not ids.
  expect(await recentMessageIds(ctx.store, ticket.id, 20)).toEqual([
    '<one@example.com>',
    '<two@example.com>',
    '<four@example.com>',
  ]);
  expect(await recentMessageIds(ctx.store, ticket.id, 3)).toEqual([
    '<two@example.com>',
    '<four@example.com>',
  ]);
  expect(await recentMessageIds(ctx.store, 'no-such-ticket', 20)).toEqual([]);
});
