// Whether the table answers: the health route reads one key no item uses.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';

/** Resolves when the table answered a read; rejects with the SDK's error otherwise. */
export async function pingTable(ctx: StoreContext): Promise<void> {
  await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: keys.health() }));
}
