// Month close and export use cases: close a month once (claim, stream its ledger into invoice lines
// account by account, write CSV and JSON once, mark it closed with their sha256), close every month
// that came due (the schedule and the local clock both call this), and tell the API whether a
// month's export can be pulled. Months close in order from a cursor, so a missed firing catches up.
import { createHash, randomUUID } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';
import { type AccountFacts, addToLines, type LineGroups, linesOf } from '../domain/invoice.ts';
import type { LedgerEntry } from '../domain/ledger.ts';
import { addMonths, closesAt, lastDueMonth, openMonthAt } from '../domain/month-close.ts';
import type { BlobStore } from '../ports/blobs.ts';
import { log } from '../shared/log.ts';
import type { StoreContext } from '../store/context.ts';
import { ledgerPagesOfMonth } from '../store/ledger.ts';
import {
  type ClosedMonth,
  claimMonth,
  completeMonth,
  type ExportObject,
  getMonth,
  getMonthCursor,
  moveMonthCursor,
} from '../store/months.ts';
import { storedAccountFacts } from './account-facts.ts';
import { type ExportFile, type ExportFiles, ExportWriter } from './export-file.ts';

export interface ExportDeps {
  store: StoreContext;
  blobs: BlobStore;
  exportTimeZone: string;
  /** The month's entries page by page in account order (default: its index partition). */
  pages?: (month: string) => AsyncIterable<LedgerEntry[]>;
  /** Plan and remaining allowances of an account (default: read from the table). */
  facts?: (accountId: string, month: string) => Promise<AccountFacts>;
}

/** Longer than a close can run (the Lambda timeout is 5 minutes): a closer past it is presumed dead. */
export const CLOSE_LEASE_MS = 10 * 60_000;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json';

export function exportKeys(month: string): { csv: string; json: string } {
  return { csv: `usage-${month}.csv`, json: `usage-${month}.json` };
}

/** Account reads in flight while the close sums the accounts before them. */
const FACTS_AHEAD = 16;

/** Streams the month's entries into the export, one account at a time. */
export async function buildExport(deps: ExportDeps, month: string): Promise<ExportFiles> {
  const pages = deps.pages ?? ((m: string) => ledgerPagesOfMonth(deps.store, m));
  const factsOf = deps.facts ?? storedAccountFacts(deps.store);
  const writer = new ExportWriter(month, deps.exportTimeZone);
  const done = new Set<string>();
  // Accounts' facts are read ahead (at most FACTS_AHEAD at once), in the order accounts come.
  const upcoming: string[] = [];
  const reading = new Map<string, Promise<AccountFacts>>();
  const readAhead = () => {
    while (reading.size < FACTS_AHEAD && upcoming.length > 0) {
      const id = upcoming.shift()!;
      const facts = factsOf(id, month);
      facts.catch(() => undefined); // awaited in flush; this only keeps an early failure "handled"
      reading.set(id, facts);
    }
  };
  const factsFor = (id: string): Promise<AccountFacts> => {
    if (!reading.has(id)) {
      const at = upcoming.indexOf(id);
      if (at >= 0) upcoming.splice(at, 1);
      reading.set(id, factsOf(id, month));
    }
    const facts = reading.get(id)!;
    reading.delete(id);
    readAhead();
    return facts;
  };
  let account: { id: string; groups: LineGroups; entries: number } | undefined;
  const flush = async () => {
    if (!account) return;
    const facts = await factsFor(account.id);
    writer.addAccount(account.id, facts.planId, linesOf(account.groups, facts), account.entries);
    done.add(account.id);
  };
  for await (const page of pages(month)) {
    let last = account?.id;
    for (const entry of page) {
      if (entry.accountId !== last && !reading.has(entry.accountId) && !upcoming.includes(entry.accountId)) {
        upcoming.push(entry.accountId);
      }
      last = entry.accountId;
    }
    readAhead();
    for (const entry of page) {
      if (entry.accountId !== account?.id) {
        await flush();
        // The index keeps an account's entries together; seeing one again would split its lines.
        if (done.has(entry.accountId)) throw new Error(`ledger of ${month} is not grouped by account`);
        account = { id: entry.accountId, groups: new Map(), entries: 0 };
      }
      addToLines(account.groups, month, entry);
      account.entries += 1;
    }
  }
  await flush();
  return writer.finish();
}

/** Writes a file once; if a crashed earlier close already wrote it, that object stands. */
async function storeOnce(blobs: BlobStore, key: string, file: ExportFile, contentType: string) {
  if ((await blobs.putOnce(key, file.body, contentType)) === 'written') {
    return { key, sha256: file.sha256, bytes: file.bytes } satisfies ExportObject;
  }
  const existing = await blobs.get(key);
  if (!existing) throw new Error(`export object ${key} exists but cannot be read`);
  const sha256 = createHash('sha256').update(existing).digest('hex');
  if (sha256 !== file.sha256) log('warn', 'export object kept as first written', { key });
  return { key, sha256, bytes: existing.length } satisfies ExportObject;
}

export type CloseOutcome =
  | { outcome: 'closed'; record: ClosedMonth }
  | { outcome: 'alreadyClosed'; record: ClosedMonth }
  | { outcome: 'inProgress' }
  | { outcome: 'notDue'; closesAt: Date };

/** Closes `month` once: any number of calls, concurrent or repeated, write one export. */
export async function closeMonth(deps: ExportDeps, month: string, now: Date): Promise<CloseOutcome> {
  const due = closesAt(month, deps.exportTimeZone);
  if (now.getTime() < due.getTime()) return { outcome: 'notDue', closesAt: due };
  const current = await getMonth(deps.store, month);
  if (current?.state === 'closed') return { outcome: 'alreadyClosed', record: current };
  const closeId = randomUUID();
  const claim = await claimMonth(deps.store, month, closeId, now, CLOSE_LEASE_MS);
  if (claim.outcome === 'closed') return { outcome: 'alreadyClosed', record: claim.record };
  if (claim.outcome === 'busy') return { outcome: 'inProgress' };
  const started = performance.now();
  const files = await buildExport(deps, month);
  const keys = exportKeys(month);
  const csv = await storeOnce(deps.blobs, keys.csv, files.csv, CSV_CONTENT_TYPE);
  const json = await storeOnce(deps.blobs, keys.json, files.json, JSON_CONTENT_TYPE);
  const record: ClosedMonth = {
    month,
    state: 'closed',
    closedAt: now.toISOString(),
    exportTimeZone: deps.exportTimeZone,
    contentHash: csv.sha256,
    csv,
    json,
    entryCount: files.entryCount,
    accountCount: files.accountCount,
    lineCount: files.lineCount,
  };
  if (!(await completeMonth(deps.store, closeId, record))) {
    // Our lease ran out and another closer took over; its record (same objects) stands.
    return { outcome: 'inProgress' };
  }
  log('info', 'month closed', {
    month,
    entries: files.entryCount,
    accounts: files.accountCount,
    lines: files.lineCount,
    sha256: csv.sha256,
    ms: Math.round(performance.now() - started),
  });
  return { outcome: 'closed', record };
}

/**
 * Closes every month that is due at `now` and not closed yet, oldest first, from the cursor (first
 * call: from the latest due month). Stops at a month another closer holds; the next call resumes.
 */
export async function closeDueMonths(
  deps: ExportDeps,
  now: Date,
): Promise<{ month: string; outcome: CloseOutcome['outcome'] }[]> {
  const last = lastDueMonth(now, deps.exportTimeZone);
  let cursor = await getMonthCursor(deps.store);
  if (cursor === undefined) {
    if (!(await moveMonthCursor(deps.store, undefined, last))) cursor = await getMonthCursor(deps.store);
    cursor ??= last;
  }
  const results: { month: string; outcome: CloseOutcome['outcome'] }[] = [];
  for (let month = cursor; month <= last; month = addMonths(month, 1)) {
    const result = await closeMonth(deps, month, now);
    results.push({ month, outcome: result.outcome });
    if (result.outcome !== 'closed' && result.outcome !== 'alreadyClosed') break;
    await moveMonthCursor(deps.store, month, addMonths(month, 1));
  }
  return results;
}

export type ExportAvailability =
  | { state: 'closed'; record: ClosedMonth }
  /** Not closed yet: open, or due and being closed. */
  | { state: 'open'; closesAt: Date }
  /** Due before the first close ever ran: there is no export and never will be. */
  | { state: 'none' };

/** Whether `month`'s export can be pulled at `now`. Months after the open one are refused. */
export async function exportAvailability(
  deps: Pick<ExportDeps, 'store' | 'exportTimeZone'>,
  month: string,
  now: Date,
): Promise<ExportAvailability> {
  if (month > openMonthAt(now, deps.exportTimeZone)) {
    throw ValidationError.field('month', `${month} has not started yet; exports exist for closed months`);
  }
  const record = await getMonth(deps.store, month);
  if (record?.state === 'closed') return { state: 'closed', record };
  const due = closesAt(month, deps.exportTimeZone);
  if (now.getTime() >= due.getTime() && record === undefined) {
    const cursor = await getMonthCursor(deps.store);
    if (cursor !== undefined && month < cursor) return { state: 'none' };
  }
  return { state: 'open', closesAt: due };
}
