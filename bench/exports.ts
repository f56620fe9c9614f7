// Benchmark of the month close. Targets (issue 8): a month of 100,000 ledger entries across 1,000
// accounts closes with peak memory under 256 MB, and 200,000 entries take at most 2.2 times as long.
// Loading 300,000 items into DynamoDB Local would take about 4 minutes (BatchWrite of 25 items costs
// ~20 ms there), so the two sizes are closed from an in-memory page source that yields pages the
// way DynamoDB does (up to 1 MB each, in account order), each size in its own child process
// (`--max-old-space-size=256`, peak RSS from the OS); and a smaller month (10,000 entries) is closed
// through the real path on DynamoDB Local: index Query pages, account reads, month items, blob writes.
// Run alone with `node bench/exports.ts`, or through bench/run.ts via run().
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { LocalBlobs } from '../functions/adapters/blobs-local.ts';
import type { LedgerEntry } from '../functions/domain/ledger.ts';
import { buildExport, closeMonth } from '../functions/exports/monthly-export.ts';
import { createStoreContext } from '../functions/store/context.ts';
import { ledgerCodec } from '../functions/store/ledger.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';

const ACCOUNTS = 1_000;
const MONTH = '2026-11';
const PAGE_BYTES = 1024 * 1024;
const TARGET_PEAK_MB = 256;
const TARGET_RATIO = 2.2;
const REAL_ENTRIES = 10_000;

const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const RATES = [20000, 16000, 12000, 8000];

/** The n-th entry of an account: a realistic mix of kinds, severities and rates. */
function entryOf(account: number, n: number): LedgerEntry {
  const accountId = `acct-${String(account).padStart(4, '0')}`;
  const ticket = `${accountId}-T${Math.floor(n / 3)}`;
  const at = new Date(Date.UTC(2026, 10, 1 + (n % 28), 8 + (n % 10), n % 60)).toISOString();
  const base = { accountId, month: MONTH, at, currency: 'USD', ticketId: ticket };
  const severity = SEVERITIES[n % 4]!;
  switch (n % 6) {
    case 0:
      return {
        ...base,
        id: `request_consumed:${ticket}:${n}`,
        kind: 'request_consumed',
        poolId: 'tickets',
        periodStart: '2026-01-01',
        quantity: 1,
        unit: 'request',
        amount: 0,
        reason: `request ${n} of 144 in tickets for the period from 2026-01-01`,
      };
    case 1:
      return {
        ...base,
        id: `overage:${ticket}:${n}`,
        kind: 'overage',
        poolId: 'tickets',
        periodStart: '2026-01-01',
        quantity: 1,
        unit: 'request',
        unitPrice: 7000,
        amount: 7000,
        reason: '144 requests of tickets used in the period from 2026-01-01: billed per request',
      };
    case 2:
      return {
        ...base,
        id: `time_consumed:${ticket}:${n}`,
        kind: 'time_consumed',
        poolId: 'included-hours',
        periodStart: '2026-11-01',
        quantity: 15 + (n % 4) * 15,
        unit: 'minute',
        amount: 0,
        severity,
        reason: '30 min from included-hours (150 min left in the period from 2026-11-01)',
      };
    case 3: {
      const minutes = 15 * (1 + (n % 5));
      const rate = RATES[n % 4]!;
      return {
        ...base,
        id: `time_billed:${ticket}:${n}`,
        kind: 'time_billed',
        poolId: 'included-hours',
        quantity: minutes,
        unit: 'minute',
        hourlyRate: rate,
        amount: (rate * minutes) / 60,
        severity,
        reason: `${minutes} min (${minutes - 5} logged) at the per-use rate for ${severity}`,
      };
    }
    case 4:
      return {
        ...base,
        id: `ticket_fee:${ticket}:${n}`,
        kind: 'ticket_fee',
        quantity: 1,
        unit: 'ticket',
        unitPrice: 7000,
        amount: 7000,
        reason: 'fee per ticket processed (Pay per use)',
      };
    default:
      return {
        ...base,
        id: `reversal:overage:${ticket}:${n}`,
        kind: 'reversal',
        reverses: `overage:${ticket}:${n - 4}`,
        poolId: 'tickets',
        quantity: -1,
        unit: 'request',
        unitPrice: 7000,
        amount: -7000,
        reason: `ticket ${ticket} reclassified as incident`,
      };
  }
}

/** The item as stored (keys and index attributes), as DynamoDB would size it. */
function itemOf(entry: LedgerEntry): Record<string, unknown> {
  return ledgerCodec.toItem(entry);
}

/** Pages of up to 1 MB of items, accounts in order, generated as they are read (never held whole). */
async function* memoryPages(entries: number): AsyncGenerator<LedgerEntry[]> {
  const perAccount = entries / ACCOUNTS;
  let page: LedgerEntry[] = [];
  let bytes = 0;
  for (let account = 0; account < ACCOUNTS; account++) {
    for (let n = 0; n < perAccount; n++) {
      const entry = entryOf(account, n);
      const size = JSON.stringify(itemOf(entry)).length;
      if (bytes + size > PAGE_BYTES) {
        yield page;
        page = [];
        bytes = 0;
      }
      page.push(entry);
      bytes += size;
    }
  }
  if (page.length > 0) yield page;
}

const facts = async () => ({
  planId: 'business',
  pools: {
    tickets: { unit: 'request' as const, remaining: 0 },
    'included-hours': { unit: 'minute' as const, remaining: 0 },
  },
});

/** Child process: closes one in-memory month of `entries` and prints its figures as JSON. */
async function child(entries: number): Promise<void> {
  let peakHeap = 0;
  const sample = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const files = await buildExport(
    {
      store: undefined as never,
      blobs: undefined as never,
      exportTimeZone: 'UTC',
      pages: () => memoryPages(entries),
      facts,
    },
    MONTH,
  );
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sample);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (used.user + used.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapMb: peakHeap / 1024 / 1024,
      entries: files.entryCount,
      lines: files.lineCount,
      csvKb: files.csv.bytes / 1024,
    }),
  );
}

function inChild(entries: number): {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  lines: number;
  csvKb: number;
} {
  const output = execFileSync(
    process.execPath,
    [`--max-old-space-size=${TARGET_PEAK_MB}`, fileURLToPath(import.meta.url), '--child', String(entries)],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(output);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The real path: 10,000 entries on DynamoDB Local, closed with Query pages and account reads. */
async function realClose(): Promise<{ loadMs: number; closeMs: number; entries: number }> {
  const db = await startDynamoDbLocal();
  try {
    const client = localClient(db.endpoint);
    await ensureTable(client, 'bench-exports');
    client.destroy();
    const store = createStoreContext('bench-exports', {
      endpoint: db.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const items = Array.from({ length: REAL_ENTRIES }, (_, i) =>
      itemOf(entryOf(i % ACCOUNTS, Math.floor(i / ACCOUNTS))),
    );
    const loadStarted = performance.now();
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    // Eight writers at once, as a loader would; unprocessed items are retried.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let b = w; b < batches.length; b += 8) {
          let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
            'bench-exports': batches[b]!.map((Item) => ({ PutRequest: { Item } })),
          };
          while (request && Object.keys(request).length > 0) {
            const result = await store.doc.send(new BatchWriteCommand({ RequestItems: request }));
            request = result.UnprocessedItems as typeof request;
          }
        }
      }),
    );
    const loadMs = performance.now() - loadStarted;
    const started = performance.now();
    const closed = await closeMonth(
      { store, blobs: new LocalBlobs(mkdtempSync(join(tmpdir(), 'bench-exports-'))), exportTimeZone: 'UTC' },
      MONTH,
      new Date('2026-12-01T01:00:00Z'),
    );
    if (closed.outcome !== 'closed') throw new Error(`close ended ${closed.outcome}`);
    return { loadMs, closeMs: performance.now() - started, entries: closed.record.entryCount };
  } finally {
    await db.stop();
  }
}

export async function run(): Promise<Record<string, number>> {
  const previousLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'warn';
  // Three runs of each size in fresh processes, interleaved so that load from other processes
  // falls on both sizes alike; the median resists one noisy run.
  const small: ReturnType<typeof inChild>[] = [];
  const large: ReturnType<typeof inChild>[] = [];
  for (let round = 0; round < 3; round++) {
    small.push(inChild(100_000));
    large.push(inChild(200_000));
  }
  const real = await realClose();
  process.env.LOG_LEVEL = previousLevel;
  const ms100k = median(small.map((r) => r.ms));
  const ms200k = median(large.map((r) => r.ms));
  // CPU time too: on a loaded machine wall time is noisy, CPU time much less so.
  const cpu100k = median(small.map((r) => r.cpuMs));
  const cpu200k = median(large.map((r) => r.cpuMs));
  const figures = {
    'in-memory 100k entries: close ms (median of 3)': Math.round(ms100k),
    'in-memory 200k entries: close ms (median of 3)': Math.round(ms200k),
    [`200k / 100k time ratio (target <= ${TARGET_RATIO})`]: Number((ms200k / ms100k).toFixed(2)),
    '200k / 100k CPU time ratio': Number((cpu200k / cpu100k).toFixed(2)),
    [`100k: peak RSS MB, whole process (target < ${TARGET_PEAK_MB})`]: Math.round(
      Math.max(...small.map((r) => r.peakRssMb)),
    ),
    '100k: peak heap used MB': Math.round(Math.max(...small.map((r) => r.peakHeapMb))),
    '200k: peak RSS MB, whole process': Math.round(Math.max(...large.map((r) => r.peakRssMb))),
    '100k: invoice lines': small[0]!.lines,
    '100k: CSV KB': Math.round(small[0]!.csvKb),
    [`DynamoDB Local ${REAL_ENTRIES} entries: load ms (BatchWrite x8)`]: Math.round(real.loadMs),
    [`DynamoDB Local ${REAL_ENTRIES} entries: close ms (Query pages, 1,000 account reads)`]: Math.round(
      real.closeMs,
    ),
  };
  return figures;
}

if (import.meta.main) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) await child(Number(process.argv[at + 1]));
  else console.table(await run());
}
