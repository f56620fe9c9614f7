// The agents' queue as stored: every open ticket in one index partition (GSI5 `QUEUE`), ranked by
// functions/domain/queue.ts. A page is one Query: a stretch of the queue in order, optionally narrowed
// to a rank range (the state filters that the rank serves), with the other filters applied to what
// that Query read. Filtered pages read a bounded number of queue entries, so a page costs the same
// whether 1,000 or 100,000 tickets are open; the summary walks the whole (filtered) range.
import { ValidationError } from '../domain/errors.ts';
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import type { Item } from './codec.ts';
import type { StoreContext } from './context.ts';
import { cursorBinding, decodeCursor, encodeCursor } from './cursor.ts';
import { partitions, type QueryPartition } from './keys.ts';
import { type Page, queryItems, queryPages } from './query.ts';
import { PARTITION_KEY, SORT_KEY } from './table-definition.ts';
import { type TicketRecord, ticketCodec } from './tickets.ts';

/** A stretch of the queue by rank: a prefix, or bounds (inclusive), or the whole queue. */
export interface QueueRange {
  prefix?: string;
  atLeast?: string;
  atMost?: string;
}

/** Queue entries one filtered page reads at most (about 1 MB of tickets): the page's cost bound. */
export const QUEUE_PAGE_EVALUATES = 200;

export interface QueuePageRequest {
  limit: number;
  cursor?: string;
  /** Who asks for what (functions/api/paging.ts): a cursor opens only for the scope it was issued to. */
  scope?: string;
  range: QueueRange;
  /** Filters the rank cannot serve; absent: every ticket in the range is kept. */
  keep?: (ticket: TicketRecord) => boolean;
}

function queryOf(range: QueueRange): QueryPartition {
  const queue = partitions.queue();
  return range.prefix === undefined ? queue : { ...queue, sortKeyPrefix: range.prefix };
}

const refusedCursor = () => ValidationError.field('cursor', 'is not a cursor this queue query issued');

/** The key an entry would have as LastEvaluatedKey: a cursor that resumes right after it. */
function entryKey(query: QueryPartition, item: Item): Record<string, unknown> {
  const key: Record<string, unknown> = {};
  for (const name of [PARTITION_KEY, SORT_KEY, query.partitionKey, query.sortKey]) key[name] = item[name];
  return key;
}

/**
 * One page of the queue, in queue order: one Query. Without `keep`, `limit` entries; with it, the
 * kept entries among at most QUEUE_PAGE_EVALUATES read, so a page may hold fewer than `limit` (even
 * none) and still have a `nextCursor`.
 */
export async function queuePage(ctx: StoreContext, request: QueuePageRequest): Promise<Page<TicketRecord>> {
  const { range, keep } = request;
  const query = queryOf(range);
  // Bound to the scope and the partition read, not to the range: a breached range moves with time.
  const binding = cursorBinding(request.scope ?? '', query, 'queue');
  let startKey: Record<string, string> | undefined = await decodeCursor(
    ctx.cursorSecret,
    request.cursor,
    binding,
    query,
  );
  const startRank = startKey?.[query.sortKey];
  if (startRank !== undefined) {
    if (range.atMost !== undefined && startRank > range.atMost) throw refusedCursor();
    // Below the range's start: the entries it passed have left the range since (a running ticket
    // breached meanwhile), so the page starts where the range starts now.
    if (range.atLeast !== undefined && startRank < range.atLeast) startKey = undefined;
  }
  const { items, lastKey } = await queryItems(ctx, query, {
    limit: keep ? Math.max(request.limit, QUEUE_PAGE_EVALUATES) : request.limit,
    ...(startKey ? { startKey } : {}),
    ...(range.atLeast === undefined ? {} : { sortKeyAtLeast: range.atLeast }),
    ...(range.atMost === undefined ? {} : { sortKeyAtMost: range.atMost }),
  });
  const kept: TicketRecord[] = [];
  let resumeAfter = lastKey;
  for (const [i, item] of items.entries()) {
    const ticket = ticketCodec.fromItem(item);
    if (keep && !keep(ticket)) continue;
    kept.push(ticket);
    if (kept.length === request.limit) {
      const more = i < items.length - 1 || lastKey !== undefined;
      resumeAfter = more ? entryKey(query, item) : undefined;
      break;
    }
  }
  const nextCursor = await encodeCursor(ctx.cursorSecret, resumeAfter, binding);
  return { items: kept, ...(nextCursor ? { nextCursor } : {}) };
}

/** What the summary reads of each queue entry. */
export interface QueueEntry {
  id: string;
  accountId: string;
  catalogId: string;
  severity: string;
  status: string;
  assignee?: string;
  sla: TicketClocks;
}

const SUMMARY_ATTRIBUTES = ['id', 'accountId', 'catalogId', 'severity', 'status', 'assignee', 'sla'] as const;

function entryOf(item: Item): QueueEntry {
  const text = (name: string) => {
    const value = item[name];
    if (typeof value !== 'string') throw new Error(`queue entry without ${name}`);
    return value;
  };
  return {
    id: text('id'),
    accountId: text('accountId'),
    catalogId: text('catalogId'),
    severity: text('severity'),
    status: text('status'),
    ...(typeof item.assignee === 'string' ? { assignee: item.assignee } : {}),
    sla: (item.sla ?? {}) as TicketClocks,
  };
}

/** Every entry of a stretch of the queue, page by page (the summary counts them all). */
export function queueEntries(ctx: StoreContext, range: QueueRange): AsyncGenerator<QueueEntry[]> {
  return queryPages(ctx, queryOf(range), entryOf, {
    attributes: SUMMARY_ATTRIBUTES,
    ...(range.atLeast === undefined ? {} : { sortKeyAtLeast: range.atLeast }),
    ...(range.atMost === undefined ? {} : { sortKeyAtMost: range.atMost }),
  });
}
