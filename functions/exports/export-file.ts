// Writes one month's export as the close streams the ledger: each account's lines are appended to
// the CSV (csv-stringify's streaming API: RFC 4180 quoting, formula-injection escaping) and to the
// JSON document as soon as the account is summed, so memory holds lines, never the month's entries.
// Nothing time- or machine-dependent goes in: the same entries always give the same bytes.
import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { csvCells, INVOICE_COLUMNS, type InvoiceLine, jsonLine, totalsOf } from '../domain/invoice.ts';

export const EXPORT_FORMAT = 'support-desk/usage-export@1';

export interface ExportFile {
  body: Buffer;
  sha256: string;
  bytes: number;
}

export interface ExportFiles {
  csv: ExportFile;
  json: ExportFile;
  accountCount: number;
  lineCount: number;
  entryCount: number;
}

function file(chunks: Buffer[]): ExportFile {
  const body = Buffer.concat(chunks);
  return { body, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
}

export class ExportWriter {
  private readonly csv = stringify({
    // Cells starting with = + - @ tab or CR get a leading ' (numbers we write ourselves are exempt).
    escape_formulas: true,
    record_delimiter: 'windows',
    eof: true,
  });
  private readonly csvChunks: Buffer[] = [];
  private readonly jsonChunks: Buffer[] = [];
  private readonly totals = new Map<string, number>();
  private accountCount = 0;
  private lineCount = 0;
  private entryCount = 0;

  constructor(month: string, exportTimeZone: string) {
    this.csv.on('data', (chunk: Buffer) => this.csvChunks.push(chunk));
    this.csv.write(INVOICE_COLUMNS.map(([header]) => header));
    this.json(`{"format":${JSON.stringify(EXPORT_FORMAT)},"month":${JSON.stringify(month)},`);
    this.json(`"exportTimeZone":${JSON.stringify(exportTimeZone)},"amountsIn":"minor units","accounts":[`);
  }

  private json(text: string): void {
    this.jsonChunks.push(Buffer.from(text, 'utf8'));
  }

  /** Appends one account (accounts arrive in id order, each once). */
  addAccount(
    accountId: string,
    planId: string | undefined,
    lines: readonly InvoiceLine[],
    entries: number,
  ): void {
    const totals = totalsOf(lines);
    for (const line of lines) this.csv.write(csvCells(line));
    for (const [currency, amount] of Object.entries(totals)) {
      this.totals.set(currency, (this.totals.get(currency) ?? 0) + amount);
    }
    const account = {
      accountId,
      ...(planId !== undefined ? { planId } : {}),
      totals,
      lines: lines.map(jsonLine),
    };
    this.json(`${this.accountCount > 0 ? ',' : ''}${JSON.stringify(account)}`);
    this.accountCount += 1;
    this.lineCount += lines.length;
    this.entryCount += entries;
  }

  async finish(): Promise<ExportFiles> {
    this.csv.end();
    await finished(this.csv);
    const totals = Object.fromEntries([...this.totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.json(
      `],"totals":${JSON.stringify(totals)},"accountCount":${this.accountCount},"lineCount":${this.lineCount},"entryCount":${this.entryCount}}\n`,
    );
    return {
      csv: file(this.csvChunks),
      json: file(this.jsonChunks),
      accountCount: this.accountCount,
      lineCount: this.lineCount,
      entryCount: this.entryCount,
    };
  }
}
