// The one place that builds the single table's keys. Every item's PK/SK and index attributes
// come from here, so an access pattern (docs/data-model.md) can be traced to one function.

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

/** Open tickets are spread over this many due-time partitions so no index partition runs hot. */
export const DUE_SHARDS = 4;

const OPEN_STATUSES = new Set(['new', 'acknowledged', 'in_progress', 'waiting_on_customer']);

function shardOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % DUE_SHARDS;
}

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
  messagePrefix: (ticketId: string) => ({ PK: `TICKET#${ticketId}`, SKPrefix: 'MSG#' }),
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
  ledgerMonthPrefix: (accountId: string, month: string) => ({
    PK: `LEDGER#${accountId}`,
    SKPrefix: `${month}#`,
  }),
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
};

/** Index attributes of a ticket, derived from its fields. */
export function ticketIndexKeys(ticket: {
  id: string;
  accountId: string;
  reference: string;
  status: string;
  createdAt: string;
  nextDueAt?: string | undefined;
}): IndexKeys {
  const sortByCreation = `${ticket.createdAt}#${ticket.id}`;
  const index: IndexKeys = {
    // by reference (email subjects, threading)
    GSI1PK: `REF#${ticket.reference.toUpperCase()}`,
    GSI1SK: 'TICKET',
    // by account and status
    GSI2PK: `ACCOUNT#${ticket.accountId}#STATUS#${ticket.status}`,
    GSI2SK: sortByCreation,
    // by account, newest first
    GSI3PK: `ACCOUNT#${ticket.accountId}#TICKETS`,
    GSI3SK: sortByCreation,
    // agents' queue: by status across accounts
    GSI4PK: `STATUS#${ticket.status}`,
    GSI4SK: sortByCreation,
  };
  // open tickets by next SLA due time (sparse: only open tickets with a running clock)
  if (ticket.nextDueAt && OPEN_STATUSES.has(ticket.status)) {
    index.GSI5PK = `DUE#${shardOf(ticket.id)}`;
    index.GSI5SK = `${ticket.nextDueAt}#${ticket.id}`;
  }
  return index;
}

/** Partition of the local timers in GSI5, ordered by when they fire. */
export const LOCAL_SCHEDULES_PARTITION = 'SCHEDULES';

/**
 * Index attributes of a local timer: GSI5 `SCHEDULES` / `<at>#<name>`, so "everything due by T" is
 * one Query. One partition is fine for one machine; AWS has no such items.
 */
export function localScheduleIndexKeys(schedule: { at: string; name: string }): IndexKeys {
  return { GSI5PK: LOCAL_SCHEDULES_PARTITION, GSI5SK: `${schedule.at}#${schedule.name}` };
}

/** Index attributes of a held quarantine entry: GSI4 `QUARANTINE`, oldest first (agents' list). */
export function quarantineIndexKeys(entry: { id: string; receivedAt: string }): IndexKeys {
  return { GSI4PK: 'QUARANTINE', GSI4SK: `${entry.receivedAt}#${entry.id}` };
}

/** Index attributes of an unsent outbox item: GSI5 `OUTBOX#PENDING`, oldest first (the sweep). */
export function pendingOutboxIndexKeys(item: { id: string; createdAt: string }): IndexKeys {
  return { GSI5PK: 'OUTBOX#PENDING', GSI5SK: `${item.createdAt}#${item.id}` };
}

/** Index attributes of a registered contact: found by email address across accounts. */
export function contactIndexKeys(contact: { accountId: string; email: string }): IndexKeys {
  return { GSI1PK: `EMAIL#${contact.email.toLowerCase()}`, GSI1SK: `ACCOUNT#${contact.accountId}` };
}

/** Index attributes of a ledger entry: the whole month across accounts, for the export. */
export function ledgerIndexKeys(entry: {
  accountId: string;
  month: string;
  at: string;
  id: string;
}): IndexKeys {
  return { GSI3PK: `LEDGER#${entry.month}`, GSI3SK: `${entry.accountId}#${entry.at}#${entry.id}` };
}

/** Index attributes of an account: all accounts, oldest first (admin list). */
export function accountIndexKeys(account: { id: string; createdAt: string }): IndexKeys {
  return { GSI4PK: 'ACCOUNTS', GSI4SK: `${account.createdAt}#${account.id}` };
}

export const INDEX_FOR = {
  ticketByReference: 'GSI1',
  contactsByEmail: 'GSI1',
  ticketsByAccountAndStatus: 'GSI2',
  ticketsByAccount: 'GSI3',
  ledgerByMonth: 'GSI3',
  accounts: 'GSI4',
  ticketsByStatus: 'GSI4',
  openTicketsByDue: 'GSI5',
  localSchedulesByDue: 'GSI5',
  heldQuarantine: 'GSI4',
  pendingOutbox: 'GSI5',
} as const;

export const INDEX_KEY_ATTRIBUTES = [
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'GSI5PK',
  'GSI5SK',
] as const;
