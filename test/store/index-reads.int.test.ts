// Reads through indexes that copy keys only: the items come back whole, in the index's order, and an
// item that has left the partition since the index saw it is not returned. A lone conditional write
// that loses reports the write and the item as it is, as a transaction would.
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { type IndexKeys, partitions } from '../../functions/store/keys.ts';
import { queryItems } from '../../functions/store/query.ts';
import { ConcurrentChangeError, commit, putVersioned } from '../../functions/store/transact.ts';
import { deskContext } from '../api/harness.ts';

describe('reads through a keys-only index', () => {
  test('return whole items in index order, without those that moved out of the partition', async () => {
    const { store } = deskContext();
    const status = `test-${randomUUID().slice(0, 8)}`;
    const partition = partitions.ticketsInStatus(status);
    const ids = ['a', 'b', 'c'].map((n) => `${n}-${randomUUID().slice(0, 8)}`);
    for (const [i, id] of ids.entries()) {
      const index: IndexKeys = { GSI4PK: partition.partition, GSI4SK: `2026-12-0${i + 1}#${id}` };
      await store.doc.send(
        new PutCommand({
          TableName: store.tableName,
          Item: { PK: `TEST#${id}`, SK: 'TEST', id, body: 'x'.repeat(2000), ...index },
        }),
      );
    }
    const all = await queryItems(store, partition, { descending: true });
    expect(all.items.map((item) => item.id)).toEqual([...ids].reverse());
    expect(all.items[0]!.body).toHaveLength(2000);

    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { PK: `TEST#${ids[1]}`, SK: 'TEST' },
        UpdateExpression: 'SET GSI4PK = :other',
        ExpressionAttributeValues: { ':other': 'STATUS#elsewhere' },
      }),
    );
    const after = await queryItems(store, partition, { attributes: ['id'] });
    expect(after.items.map((item) => item.id)).toEqual([ids[0], ids[2]]);
  });
});

describe('a lone write', () => {
  test('that loses its condition reports its label and the item as stored', async () => {
    const { store } = deskContext();
    const key = { PK: `TEST#${randomUUID()}`, SK: 'TEST' };
    await commit(store, [putVersioned(store, 'thing', { ...key, version: 1 }, 0)]);
    await commit(store, [putVersioned(store, 'thing', { ...key, version: 2 }, 1)]);
    const lost = await commit(store, [putVersioned(store, 'thing', { ...key, version: 2 }, 1)]).catch(
      (e) => e,
    );
    expect(lost).toBeInstanceOf(ConcurrentChangeError);
    expect((lost as ConcurrentChangeError).failed).toEqual([
      { label: 'thing', current: { ...key, version: 2 } },
    ]);
  });
});
