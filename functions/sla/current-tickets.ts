// The tickets a batch of stream records changed, as stored now: one consistent BatchGetItem per 100
// tickets instead of a GetItem each, so reconciling a batch costs one round trip of reads.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from '../store/context.ts';
import { keys } from '../store/keys.ts';
import type { TicketImage } from './schedules.ts';

const MAX_KEYS = 100;

export async function currentTickets(
  store: StoreContext,
  ids: readonly string[],
): Promise<Map<string, TicketImage>> {
  const found = new Map<string, TicketImage>();
  for (let i = 0; i < ids.length; i += MAX_KEYS) {
    let request: Record<string, unknown>[] | undefined = ids
      .slice(i, i + MAX_KEYS)
      .map((id) => ({ ...keys.ticket(id) }));
    for (let attempt = 0; request && request.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await store.doc.send(
        new BatchGetCommand({
          RequestItems: { [store.tableName]: { Keys: request, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[store.tableName] ?? []) {
        if (item.type === 'ticket' && typeof item.id === 'string')
          found.set(item.id, item as unknown as TicketImage);
      }
      // Throttled or too large: DynamoDB hands back what it did not read; ask again with backoff.
      request = result.UnprocessedKeys?.[store.tableName]?.Keys;
    }
  }
  return found;
}
