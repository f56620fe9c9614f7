// The one place that builds the single table's keys. Every item's PK/SK and index attributes, and
// every partition a Query reads (`partitions`), come from here, so an access pattern
// (docs/data-model.md) can be traced to one function.
import { queueRank } from '../domain/queue.ts';
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import { GLOBAL_INDEXES, type IndexName, PARTITION_KEY, SORT_KEY } from './table-definition.ts';

export interface ItemKey {
  PK: string;
  SK: string;
}

/** Index attributes an item may carry; absent attributes keep it out of that (sparse) index. */
export interface IndexKeys {
  GSI1PK?: string;
  GSI1SK?: string;
  GSI2PK?: string;
  GSI2SK?: string;
  GSI3PK?: string;
  GSI3SK?: string;
  GSI4PK?: string;
  GSI4SK?: string;
  GSI5PK?: string;
  GSI5SK?: string;
}

/**
 * Unsent mail is spread over this many index partitions: each mail writes its index entry about
 * three times (written, claimed, finished), and one partition takes about 1,000 writes a second,
 * so one key capped sending near 165 mails a second and throttled the table's writes with it.
 */
export const OUTBOX_SHARDS = 8;

const OPEN_STATUSES = new Set(['new', 'acknowledged', 'in_progress', 'waiting_on_customer']);

function shardOf(id: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % shards;
}

/** 0, 1, ..., count - 1: the shards a sweep reads. */
export const shardsOf = (count: number) => Array.from({ length: count }, (_, shard) => shard);

export const keys = {
  account: (accountId: string): ItemKey => ({ PK: `ACCOUNT#${accountId}`, SK: 'ACCOUNT' }),
  /** Per-account sequence of ticket references. */
  ticketCounter: (accountId: string): ItemKey => ({ PK: `ACCOUNT#${accountId}`, SK: 'COUNTER#TICKET' }),
  ticket: (ticketId: string): ItemKey => ({ PK: `TICKET#${ticketId}`, SK: 'TICKET' }),
  /** Messages of a ticket sort by time under the ticket's partition. */
  message: (ticketId: string, at: string, messageId: string): ItemKey => ({
    PK: `TICKET#${ticketId}`,
    SK: `MSG#${at}#${messageId}`,
  }),
  contact: (accountId: string, email: string): ItemKey => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `CONTACT#${email.toLowerCase()}`,
  }),
  /** Current counter of one entitlement pool of an account. */
  pool: (accountId: string, poolId: string): ItemKey => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `POOL#${poolId}`,
  }),
  /** Ledger entries of an account live in their own partition, by month then entry id (unique). */
  ledgerEntry: (accountId: string, month: string, entryId: string): ItemKey => ({
    PK: `LEDGER#${accountId}`,
    SK: `${month}#${entryId}`,
  }),
  /** A ledger entry by the ref a ticket keeps (`<month>#<entryId>`, see ledger.ts `ledgerRef`). */
  ledgerEntryByRef: (accountId: string, ref: string): ItemKey => ({ PK: `LEDGER#${accountId}`, SK: ref }),
  timeEntry: (ticketId: string, at: string, entryId: string): ItemKey => ({
    PK: `TICKET#${ticketId}`,
    SK: `TIME#${at}#${entryId}`,
  }),
  idempotency: (scope: string, key: string): ItemKey => ({
    PK: `IDEMPOTENCY#${scope}#${key}`,
    SK: 'IDEMPOTENCY',
  }),
  apiKey: (keyHash: string): ItemKey => ({ PK: `APIKEY#${keyHash}`, SK: 'APIKEY' }),
  /** Finds a key's hash from its public keyId (revocation), written with the key. */
  apiKeyId: (keyId: string): ItemKey => ({ PK: `APIKEYID#${keyId}`, SK: 'APIKEYID' }),
  /** A staff member's mail address -> their key (agents reply to notifications from it). */
  staffAddress: (email: string): ItemKey => ({ PK: `STAFFADDR#${email.toLowerCase()}`, SK: 'STAFFADDR' }),
  /** Claims a ticket-reference prefix for one account: references are looked up across accounts. */
  referencePrefix: (prefix: string): ItemKey => ({
    PK: `REFPREFIX#${prefix.toUpperCase()}`,
    SK: 'REFPREFIX',
  }),
  catalog: (catalogId: string): ItemKey => ({ PK: `CATALOG#${catalogId}`, SK: 'CATALOG' }),
  /** Inbound mail already processed, by RFC Message-ID (redelivery guard). */
  inboundMail: (messageId: string): ItemKey => ({ PK: `MAIL#${messageId}`, SK: 'MAIL' }),
  /** Inbound mail already processed, by SES message id (redelivery guard; expires). */
  sesMail: (sesMessageId: string): ItemKey => ({ PK: `SESMAIL#${sesMessageId}`, SK: 'SESMAIL' }),
  /** Inbound mail held for an agent (spam or failed authentication). */
  quarantine: (id: string): ItemKey => ({ PK: `QUARANTINE#${id}`, SK: 'QUARANTINE' }),
  /** Mail to send, written in the transaction of the change that causes it (transactional outbox). */
  outbox: (id: string): ItemKey => ({ PK: `OUTBOX#${id}`, SK: 'OUTBOX' }),
  /** One automatic answer of a kind per address per period (unknown senders); `addressHash` is sha-256. */
  autoReply: (kind: string, addressHash: string): ItemKey => ({
    PK: `AUTOREPLY#${kind}#${addressHash}`,
    SK: 'AUTOREPLY',
  }),
  /** Automatic mail sent to one address in one window (per-recipient rate limit). */
  automaticMailCount: (addressHash: string, window: string): ItemKey => ({
    PK: `AUTOMAIL#${addressHash}`,
    SK: `WINDOW#${window}`,
  }),
  /** An attachment of an inbound mail, under its ticket (the bytes are in the blob store). */
  attachment: (ticketId: string, at: string, attachmentId: string): ItemKey => ({
    PK: `TICKET#${ticketId}`,
    SK: `ATTACHMENT#${at}#${attachmentId}`,
  }),
  /** Close state of a ledger month (open months have none): closing, closed, export object keys. */
  month: (month: string): ItemKey => ({ PK: `MONTH#${month}`, SK: 'MONTH' }),
  /** The first month not closed yet: month closes start from here and move it forward. */
  monthCursor: (): ItemKey => ({ PK: 'MONTH#CURSOR', SK: 'MONTH' }),
  /** Local runtime only: an SLA timer kept in the table (EventBridge Scheduler holds them in AWS). */
  localSchedule: (name: string): ItemKey => ({ PK: `SCHEDULE#${name}`, SK: 'SCHEDULE' }),
  /** Local runtime only: how far the movable clock has been moved, so a restart keeps the time. */
  localClock: (): ItemKey => ({ PK: 'LOCAL#CLOCK', SK: 'CLOCK' }),
  /** Never written: the health check reads it to see that the table answers. */
  health: (): ItemKey => ({ PK: 'HEALTH', SK: 'HEALTH' }),
};

/**
 * What one Query reads: the table or one index, that index's key attributes, the partition and, for
 * the table's overloaded partitions, the sort-key prefix of the item kind. Cursors are checked
 * against it (cursor.ts).
 */
export interface QueryPartition {
  /** Absent: the table itself. */
  index?: IndexName;
  partitionKey: string;
  sortKey: string;
  partition: string;
  /** `begins_with(sortKey, prefix)`: one item kind of an overloaded partition. */
  sortKeyPrefix?: string;
}

function onTable(partition: string, sortKeyPrefix?: string): QueryPartition {
  return {
    partitionKey: PARTITION_KEY,
    sortKey: SORT_KEY,
    partition,
    ...(sortKeyPrefix === undefined ? {} : { sortKeyPrefix }),
  };
}

function onIndex(index: IndexName, partition: string): QueryPartition {
  const definition = GLOBAL_INDEXES.find((candidate) => candidate.indexName === index)!;
  return { index, partitionKey: definition.partitionKey, sortKey: definition.sortKey, partition };
}

/** The index serving each access pattern (the stack scopes IAM permissions with it too). */
export const INDEX_FOR = {
  ticketByReference: 'GSI1',
  contactsByEmail: 'GSI1',
  ticketsByAccountAndStatus: 'GSI2',
  ticketsByAccount: 'GSI3',
  ledgerByMonth: 'GSI3',
  accounts: 'GSI4',
  ticketsByStatus: 'GSI4',
  heldQuarantine: 'GSI4',
  queue: 'GSI5',
  pendingOutbox: 'GSI5',
  localSchedulesByDue: 'GSI5',
} as const satisfies Record<string, IndexName>;

/** The partitions access patterns read (docs/data-model.md, Access patterns). */
export const partitions = {
  /** The account, its contacts, pool counters and ticket counter. */
  account: (accountId: string) => onTable(keys.account(accountId).PK),
  /** Messages of a ticket, in time order. */
  messages: (ticketId: string) => onTable(keys.ticket(ticketId).PK, 'MSG#'),
  /** An account's ledger entries dated in one month. */
  ledgerOfAccount: (accountId: string, month: string) => onTable(`LEDGER#${accountId}`, `${month}#`),
  /** GSI1: a ticket by its reference (mail subjects, threading). */
  ticketByReference: (reference: string) =>
    onIndex(INDEX_FOR.ticketByReference, `REF#${reference.toUpperCase()}`),
  /** GSI1: the accounts an address is registered with. */
  contactsByEmail: (email: string) => onIndex(INDEX_FOR.contactsByEmail, `EMAIL#${email.toLowerCase()}`),
  /** GSI2: an account's tickets in one status, by creation. */
  ticketsOfAccountInStatus: (accountId: string, status: string) =>
    onIndex(INDEX_FOR.ticketsByAccountAndStatus, `ACCOUNT#${accountId}#STATUS#${status}`),
  /** GSI3: an account's tickets, by creation. */
  ticketsOfAccount: (accountId: string) =>
    onIndex(INDEX_FOR.ticketsByAccount, `ACCOUNT#${accountId}#TICKETS`),
  /** GSI3: every account's ledger entries booked in one month (the export). */
  ledgerOfMonth: (month: string) => onIndex(INDEX_FOR.ledgerByMonth, `LEDGER#${month}`),
  /** GSI4: all accounts, oldest first (admin list). */
  accounts: () => onIndex(INDEX_FOR.accounts, 'ACCOUNTS'),
  /** GSI4: tickets in one status across accounts, by creation. */
  ticketsInStatus: (status: string) => onIndex(INDEX_FOR.ticketsByStatus, `STATUS#${status}`),
  /** GSI4: quarantined mail still held, oldest first. */
  heldQuarantine: () => onIndex(INDEX_FOR.heldQuarantine, 'QUARANTINE'),
  /**
   * GSI5: every open ticket in queue order (functions/domain/queue.ts): by deadline, breached first,
   * then paused, then untimed. One partition, so a queue page is one Query (docs/data-model.md says
   * why one partition holds the write rate). The SLA sweeper reads its overdue head.
   */
  queue: () => onIndex(INDEX_FOR.queue, 'QUEUE'),
  /** GSI5: unsent outbox items of one shard, by when they are next due (the sweep). */
  pendingOutbox: (shard: number) => onIndex(INDEX_FOR.pendingOutbox, `OUTBOX#PENDING#${shard}`),
  /** GSI5: unsent outbox items written before the outbox was sharded (read by the sweep until empty). */
  unshardedPendingOutbox: () => onIndex(INDEX_FOR.pendingOutbox, 'OUTBOX#PENDING'),
  /**
   * GSI5: local timers, by when they fire. One partition is fine for one machine; AWS has no such
   * items (EventBridge Scheduler holds the timers).
   */
  localSchedules: () => onIndex(INDEX_FOR.localSchedulesByDue, 'SCHEDULES'),
};

/** Index attributes of a ticket, derived from its fields. */
export function ticketIndexKeys(ticket: {
  id: string;
  accountId: string;
  reference: string;
  status: string;
  createdAt: string;
  sla: TicketClocks;
}): IndexKeys {
  const sortByCreation = `${ticket.createdAt}#${ticket.id}`;
  const index: IndexKeys = {
    // by reference (email subjects, threading)
    GSI1PK: partitions.ticketByReference(ticket.reference).partition,
    GSI1SK: 'TICKET',
    // by account and status
    GSI2PK: partitions.ticketsOfAccountInStatus(ticket.accountId, ticket.status).partition,
    GSI2SK: sortByCreation,
    // by account, newest first
    GSI3PK: partitions.ticketsOfAccount(ticket.accountId).partition,
    GSI3SK: sortByCreation,
    // by status across accounts
    GSI4PK: partitions.ticketsInStatus(ticket.status).partition,
    GSI4SK: sortByCreation,
  };
  // the agents' queue (sparse: open tickets only), in queue order
  if (OPEN_STATUSES.has(ticket.status)) {
    index.GSI5PK = partitions.queue().partition;
    index.GSI5SK = `${queueRank(ticket.sla, ticket.createdAt)}#${ticket.id}`;
  }
  return index;
}

/** Index attributes of a local timer: GSI5 `SCHEDULES` / `<at>#<name>` (everything due by T: one Query). */
export function localScheduleIndexKeys(schedule: { at: string; name: string }): IndexKeys {
  return { GSI5PK: partitions.localSchedules().partition, GSI5SK: `${schedule.at}#${schedule.name}` };
}

/** Index attributes of a held quarantine entry: GSI4 `QUARANTINE`, oldest first (agents' list). */
export function quarantineIndexKeys(entry: { id: string; receivedAt: string }): IndexKeys {
  return { GSI4PK: partitions.heldQuarantine().partition, GSI4SK: `${entry.receivedAt}#${entry.id}` };
}

/**
 * Index attributes of an unsent outbox item: GSI5 `OUTBOX#PENDING#<shard>` / `<next attempt>#<id>`,
 * so the sweep reads only what is due (a new item is due when written).
 */
export function pendingOutboxIndexKeys(item: {
  id: string;
  createdAt: string;
  nextAttemptAt?: string;
}): IndexKeys {
  return {
    GSI5PK: partitions.pendingOutbox(shardOf(item.id, OUTBOX_SHARDS)).partition,
    GSI5SK: `${item.nextAttemptAt ?? item.createdAt}#${item.id}`,
  };
}

/** Index attributes of a registered contact: found by email address across accounts. */
export function contactIndexKeys(contact: { accountId: string; email: string }): IndexKeys {
  return {
    GSI1PK: partitions.contactsByEmail(contact.email).partition,
    GSI1SK: keys.account(contact.accountId).PK,
  };
}

/** Index attributes of a ledger entry: the whole month across accounts, for the export. */
export function ledgerIndexKeys(entry: {
  accountId: string;
  month: string;
  at: string;
  id: string;
}): IndexKeys {
  return {
    GSI3PK: partitions.ledgerOfMonth(entry.month).partition,
    GSI3SK: `${entry.accountId}#${entry.at}#${entry.id}`,
  };
}

/** Index attributes of an account: all accounts, oldest first (admin list). */
export function accountIndexKeys(account: { id: string; createdAt: string }): IndexKeys {
  return { GSI4PK: partitions.accounts().partition, GSI4SK: `${account.createdAt}#${account.id}` };
}

/** Attributes an item carries for the table and its indexes, never part of the record stored. */
export const KEY_ATTRIBUTES = [
  PARTITION_KEY,
  SORT_KEY,
  ...GLOBAL_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
] as const;
