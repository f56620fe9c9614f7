// A month's ledger entries as invoice lines for finance: per account, entries with the same kind,
// pool, severity, unit, price and currency add up to one line (quantities and amounts summed in
// integer minor units, never recomputed, so the export equals the ledger to the cent). Late entries
// make separate adjustment lines naming the month they adjust. Pure and deterministic: the same
// entries in any order give the same lines in the same order, so the same export bytes. The usage
// view sums an account's month with the same functions (`monthStatement`), so its totals are the
// export's by construction.
import { LEDGER_KINDS, type LedgerEntry, type LedgerKind, type LedgerUnit } from './ledger.ts';

export type LineType = 'usage' | 'adjustment';

export interface InvoiceLine {
  /** The export's month ("YYYY-MM"): every line of the file has the same. */
  month: string;
  accountId: string;
  /** The account's plan when the month closed; absent when the account is gone. */
  planId?: string;
  lineType: LineType;
  /** Adjustments: the closed month the late entries belong to. */
  adjustsMonth?: string;
  kind: LedgerKind;
  /** Reversal lines: the kind of the entries they cancel. */
  reversesKind?: LedgerKind;
  poolId?: string;
  severity?: string;
  unit: LedgerUnit;
  /** Signed sum of the entries' quantities (requests, minutes or tickets). */
  quantity: number;
  /** Minor units per request or ticket. */
  unitPrice?: number;
  /** Minor units per hour, for minutes. */
  hourlyRate?: number;
  /** Signed sum of the entries' amounts, in minor units of `currency`. */
  amount: number;
  currency: string;
  /** Left in the pool's period holding the month's last day, in `remainingUnit` (minutes for hours). */
  remainingAllowance?: number;
  remainingUnit?: 'request' | 'minute';
  /** How many ledger entries the line sums. */
  entryCount: number;
}

/** What the close knows about an account beyond its entries. */
export interface AccountFacts {
  planId?: string;
  /** Per pool id: what is left of it at the end of the month (undefined: not known). */
  pools: Record<string, { unit: 'request' | 'minute'; remaining?: number }>;
}

/** Columns of the CSV export, in order: header name and the line field it shows (docs/exports.md). */
export const INVOICE_COLUMNS = [
  ['month', 'month'],
  ['account_id', 'accountId'],
  ['plan_id', 'planId'],
  ['line_type', 'lineType'],
  ['adjusts_month', 'adjustsMonth'],
  ['kind', 'kind'],
  ['reverses_kind', 'reversesKind'],
  ['pool_id', 'poolId'],
  ['severity', 'severity'],
  ['unit', 'unit'],
  ['quantity', 'quantity'],
  ['unit_price', 'unitPrice'],
  ['hourly_rate', 'hourlyRate'],
  ['amount', 'amount'],
  ['currency', 'currency'],
  ['remaining_allowance', 'remainingAllowance'],
  ['remaining_unit', 'remainingUnit'],
  ['entry_count', 'entryCount'],
] as const satisfies readonly (readonly [string, keyof InvoiceLine])[];

/** Entries of one account being summed into lines; keys are the grouping fields. */
export type LineGroups = Map<string, InvoiceLine>;

function reversedKind(entry: LedgerEntry): LedgerKind | undefined {
  if (entry.kind !== 'reversal' || entry.reverses === undefined) return undefined;
  // Entry ids start with their kind (ledgerEntryId), so the cancelled kind is read off the id.
  const kind = entry.reverses.split(':')[0] as LedgerKind;
  return LEDGER_KINDS.includes(kind) ? kind : undefined;
}

/**
 * The month an entry counts in, for the export and for the usage view alike: the month it is booked
 * into (month-close.ts `bookInOpenMonth`). A late entry counts in the open month it was booked into,
 * as an adjustment naming its own month (`adjustsMonth`), never in the closed month it is dated in.
 */
export function attributedMonth(entry: Pick<LedgerEntry, 'month'>): string {
  return entry.month;
}

/** Adds one entry of `month` to its account's line groups. */
export function addToLines(groups: LineGroups, month: string, entry: LedgerEntry): void {
  if (attributedMonth(entry) !== month)
    throw new RangeError(`entry ${entry.id} is booked in ${entry.month}, not ${month}`);
  const reversesKind = reversedKind(entry);
  const fields = [
    entry.adjustsMonth ?? '',
    entry.kind,
    reversesKind ?? '',
    entry.poolId ?? '',
    entry.severity ?? '',
    entry.unit,
    entry.unitPrice ?? '',
    entry.hourlyRate ?? '',
    entry.currency,
  ];
  const key = JSON.stringify(fields);
  const line = groups.get(key);
  if (line) {
    line.quantity += entry.quantity;
    line.amount += entry.amount;
    line.entryCount += 1;
    return;
  }
  groups.set(key, {
    month,
    accountId: entry.accountId,
    lineType: entry.adjustsMonth === undefined ? 'usage' : 'adjustment',
    ...(entry.adjustsMonth !== undefined ? { adjustsMonth: entry.adjustsMonth } : {}),
    kind: entry.kind,
    ...(reversesKind !== undefined ? { reversesKind } : {}),
    ...(entry.poolId !== undefined ? { poolId: entry.poolId } : {}),
    ...(entry.severity !== undefined ? { severity: entry.severity } : {}),
    unit: entry.unit,
    quantity: entry.quantity,
    ...(entry.unitPrice !== undefined ? { unitPrice: entry.unitPrice } : {}),
    ...(entry.hourlyRate !== undefined ? { hourlyRate: entry.hourlyRate } : {}),
    amount: entry.amount,
    currency: entry.currency,
    entryCount: 1,
  });
}

// Code-unit comparison, never localeCompare: the order must not depend on the machine's locale.
function compareText(a = '', b = ''): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumber(a = -1, b = -1): number {
  return a - b;
}

function kindRank(kind: LedgerKind | undefined): number {
  return kind === undefined ? -1 : LEDGER_KINDS.indexOf(kind);
}

export function compareLines(a: InvoiceLine, b: InvoiceLine): number {
  return (
    compareText(a.accountId, b.accountId) ||
    compareText(a.lineType, b.lineType) ||
    compareText(a.adjustsMonth, b.adjustsMonth) ||
    kindRank(a.kind) - kindRank(b.kind) ||
    kindRank(a.reversesKind) - kindRank(b.reversesKind) ||
    compareText(a.poolId, b.poolId) ||
    compareText(a.severity, b.severity) ||
    compareText(a.unit, b.unit) ||
    compareNumber(a.unitPrice, b.unitPrice) ||
    compareNumber(a.hourlyRate, b.hourlyRate) ||
    compareText(a.currency, b.currency)
  );
}

/** The account's lines in export order, with its plan and what is left of each pool. */
export function linesOf(groups: LineGroups, facts: AccountFacts): InvoiceLine[] {
  const lines = [...groups.values()].map((line) => {
    const pool = line.poolId === undefined ? undefined : facts.pools[line.poolId];
    return {
      ...line,
      ...(facts.planId !== undefined ? { planId: facts.planId } : {}),
      ...(pool?.remaining !== undefined
        ? { remainingAllowance: pool.remaining, remainingUnit: pool.unit }
        : {}),
    };
  });
  return lines.sort(compareLines);
}

/**
 * One account's entries of `month` as lines, by the close's own two steps (the close streams them).
 * @internal the tests' way to the close's lines without a table
 */
export function invoiceLinesOf(
  month: string,
  entries: readonly LedgerEntry[],
  facts: AccountFacts = { pools: {} },
): InvoiceLine[] {
  const groups: LineGroups = new Map();
  for (const entry of entries) addToLines(groups, month, entry);
  return linesOf(groups, facts);
}

/** One account's month as finance and the usage view read it: its lines, totals and adjustments. */
export interface MonthStatement {
  month: string;
  /** The entries that count in the month (attributedMonth), in time order. */
  entries: LedgerEntry[];
  lines: InvoiceLine[];
  /** Per currency: the export's totals for this account and month. */
  totals: Record<string, number>;
  /** Late entries booked into this month, per month they adjust. */
  adjustments: { adjustsMonth: string; totals: Record<string, number>; entryCount: number }[];
}

/** The statement of `month` from any entries of the account: those attributed to another month are left out. */
export function monthStatement(
  month: string,
  entries: readonly LedgerEntry[],
  facts: AccountFacts = { pools: {} },
): MonthStatement {
  const counted = entries
    .filter((e) => attributedMonth(e) === month)
    .sort((a, b) => compareText(a.at, b.at) || compareText(a.id, b.id));
  const lines = invoiceLinesOf(month, counted, facts);
  const adjusted = [...new Set(lines.flatMap((l) => (l.adjustsMonth ? [l.adjustsMonth] : [])))].sort();
  return {
    month,
    entries: counted,
    lines,
    totals: totalsOf(lines),
    adjustments: adjusted.map((adjustsMonth) => {
      const of = lines.filter((l) => l.adjustsMonth === adjustsMonth);
      return {
        adjustsMonth,
        totals: totalsOf(of),
        entryCount: of.reduce((n, l) => n + l.entryCount, 0),
      };
    }),
  };
}

/** Amount totals per currency, currencies in code order. */
export function totalsOf(lines: readonly InvoiceLine[]): Record<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.amount);
  return Object.fromEntries([...totals].sort(([a], [b]) => compareText(a, b)));
}

/** The CSV cells of a line: numbers stay numbers (written as digits), absent fields are empty. */
export function csvCells(line: InvoiceLine): (string | number)[] {
  return INVOICE_COLUMNS.map(([, field]) => line[field] ?? '');
}

/** A line as a JSON object with the columns' field order, absent fields left out. */
export function jsonLine(line: InvoiceLine): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [, field] of INVOICE_COLUMNS) {
    const value = line[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}
