// What each function may do in the single table: the partitions (PK prefixes from
// functions/store/keys.ts) it reads and writes, enforced with `dynamodb:LeadingKeys`, and the
// indexes it queries. One row per Lambda entry that touches the table (lib/functions.ts names);
// an API route group is `api-<group>`. A function without a row fails the synth: a new route group
// gets no table access until someone writes down what it touches.
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IndexName } from '../functions/store/table-definition.ts';

export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

export interface TableAccess {
  /** Partitions read (GetItem, BatchGetItem, Query on the table): `TICKET#*`, or an exact PK. */
  reads: readonly string[];
  /** Partitions written (PutItem, UpdateItem, DeleteItem, alone or in transactions). */
  writes: readonly string[];
  /** Indexes queried. Index keys are not the table's partition key, so no LeadingKeys there. */
  indexes: readonly IndexName[];
  /** Narrower read actions than READ_ACTIONS, where the function uses fewer. */
  readActions?: readonly string[];
  /** Narrower write actions than WRITE_ACTIONS, where the function uses fewer. */
  writeActions?: readonly string[];
}

/** Opening and continuing tickets, as the API and the mail intake do. */
const TICKET_CHANGES = {
  reads: ['TICKET#*', 'ACCOUNT#*', 'CATALOG#*', 'LEDGER#*'],
  // The ticket with its messages and attachments, the account's ticket counter and pools, the
  // ledger entries the change meters, and the mail it sends (outbox).
  writes: ['TICKET#*', 'ACCOUNT#*', 'LEDGER#*', 'OUTBOX#*'],
} as const;

/** Staff keys by keyId (assignee checks, the assignee's address for notifications). */
const STAFF_KEYS = ['APIKEYID#*', 'APIKEY#*'] as const;

/** The intake's own records: redelivery guards, quarantine, automatic-answer claims. */
const INBOUND_MAIL = ['SESMAIL#*', 'MAIL#*', 'QUARANTINE#*', 'AUTOREPLY#*'] as const;

export const TABLE_ACCESS: Readonly<Record<string, TableAccess>> = {
  // The authorizer reads one kind of item: API keys, by the hash of the presented secret.
  'api-auth': { reads: ['APIKEY#*'], writes: [], indexes: [], readActions: ['dynamodb:GetItem'] },
  // Health reads one fixed key; the OpenAPI document reads nothing.
  'api-system': { reads: ['HEALTH'], writes: [], indexes: [], readActions: ['dynamodb:GetItem'] },
  'api-tickets': {
    reads: [...TICKET_CHANGES.reads, 'IDEMPOTENCY#*', ...STAFF_KEYS],
    writes: [...TICKET_CHANGES.writes, 'IDEMPOTENCY#*'],
    // By account and status, by account, by status.
    indexes: ['GSI2', 'GSI3', 'GSI4'],
  },
  // Accounts, contracts, contacts and API keys; it reads catalogs to check contracts against them.
  'api-admin': {
    reads: ['ACCOUNT#*', 'CATALOG#*', 'IDEMPOTENCY#*', 'APIKEY#*', 'APIKEYID#*', 'REFPREFIX#*'],
    // Staff addresses are claimed (and released) with the key they belong to.
    writes: ['ACCOUNT#*', 'IDEMPOTENCY#*', 'APIKEY#*', 'APIKEYID#*', 'REFPREFIX#*', 'STAFFADDR#*'],
    // The list of accounts.
    indexes: ['GSI4'],
  },
  // The agents' queue: the queue index, the catalogs for live SLA views, accounts to check a filter.
  'api-queue': {
    reads: ['ACCOUNT#*', 'CATALOG#*'],
    writes: [],
    indexes: ['GSI5'],
    readActions: ['dynamodb:GetItem', 'dynamodb:Query'],
  },
  // Catalogs, calendars and plans: all stored as catalog items.
  'api-catalogs': { reads: ['CATALOG#*'], writes: ['CATALOG#*'], indexes: [] },
  // Usage of one account: its pools, its catalog and its ledger (late entries booked into a month
  // are found on the month index, as the export finds them). Reads only.
  'api-accounts': { reads: ['ACCOUNT#*', 'CATALOG#*', 'LEDGER#*'], writes: [], indexes: ['GSI3'] },
  // Month items (closed, export keys) and the month cursor. Reads only.
  'api-exports': { reads: ['MONTH#*'], writes: [], indexes: [], readActions: ['dynamodb:GetItem'] },
  // The quarantine list and entries; a release marks the entry (the intake then runs it).
  'api-mail': {
    reads: ['QUARANTINE#*'],
    writes: ['QUARANTINE#*'],
    // Held quarantine.
    indexes: ['GSI4'],
    readActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
    writeActions: ['dynamodb:UpdateItem'],
  },
  // Staff addresses and keys: an agent's reply to a notification acts as their key.
  'email-handler': {
    reads: [...TICKET_CHANGES.reads, ...INBOUND_MAIL, ...STAFF_KEYS, 'STAFFADDR#*'],
    writes: [...TICKET_CHANGES.writes, ...INBOUND_MAIL],
    indexes: ['GSI1'],
  },
  // Claims, marks and rate-limits outbox items; the sweep reads the pending index.
  'email-outbox-handler': {
    reads: ['OUTBOX#*'],
    writes: ['OUTBOX#*', 'AUTOMAIL#*'],
    indexes: ['GSI5'],
    readActions: ['dynamodb:GetItem'],
    writeActions: ['dynamodb:UpdateItem'],
  },
  // Records a warning or breach on the ticket and writes its alerts to the outbox.
  'sla-timer': {
    reads: ['TICKET#*', 'CATALOG#*', 'ACCOUNT#*', ...STAFF_KEYS],
    writes: ['TICKET#*', 'OUTBOX#*'],
    indexes: [],
    writeActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // Open tickets past their deadline (due-time index), then what the timer does for each.
  'sla-sweeper': {
    reads: ['TICKET#*', 'CATALOG#*', 'ACCOUNT#*'],
    writes: ['TICKET#*', 'OUTBOX#*'],
    indexes: ['GSI5'],
    writeActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // The tickets as they are now: one consistent BatchGetItem per stream batch.
  'sla-reconciler': {
    reads: ['TICKET#*'],
    writes: [],
    indexes: [],
    readActions: ['dynamodb:BatchGetItem'],
  },
  // The month's ledger by index; accounts, catalogs and month items; writes month items only.
  'exports-close-month': {
    reads: ['ACCOUNT#*', 'CATALOG#*', 'MONTH#*'],
    writes: ['MONTH#*'],
    indexes: ['GSI3'],
    readActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    writeActions: ['dynamodb:PutItem'],
  },
  // Contract notices: the list of accounts, their contacts and catalogs; writes notice mail only.
  'exports-contract-notices': {
    reads: ['ACCOUNT#*', 'CATALOG#*'],
    writes: ['OUTBOX#*'],
    indexes: ['GSI4'],
    readActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    writeActions: ['dynamodb:PutItem'],
  },
};

/** The access row of a function, or a synth error naming the missing row. */
export function tableAccessOf(entryName: string): TableAccess {
  const access = TABLE_ACCESS[entryName];
  if (!access) {
    throw new Error(
      `${entryName} has no row in TABLE_ACCESS (lib/table-access.ts): write down the partitions it reads and writes before it gets any table access`,
    );
  }
  return access;
}

/** Grants `grantee` exactly its row: item actions per partition, Query per index. */
export function grantTableAccess(grantee: IGrantable, table: ITableV2, entryName: string): void {
  const access = tableAccessOf(entryName);
  const principal = grantee.grantPrincipal;
  const leading = (partitions: readonly string[]) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] },
  });
  if (access.reads.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...(access.readActions ?? READ_ACTIONS)],
        resources: [table.tableArn],
        conditions: leading(access.reads),
      }),
    );
  }
  if (access.writes.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...(access.writeActions ?? WRITE_ACTIONS)],
        resources: [table.tableArn],
        conditions: leading(access.writes),
      }),
    );
  }
  if (access.indexes.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:Query'],
        resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }
}
