// Month close: the clock moves into the next month, the month closes, and finance pulls the usage
// export (CSV and JSON) holding the lines of the stories before, computed here by hand.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { call, day, desk, keys } from './desk.ts';

const month = day(0).slice(0, 7);
const HEADER =
  'month,account_id,plan_id,line_type,adjusts_month,kind,reverses_kind,pool_id,severity,unit,quantity,unit_price,hourly_rate,amount,currency,remaining_allowance,remaining_unit,entry_count';

/** The export's lines for the demo accounts, by hand from the stories (amounts in minor units). */
const EXPECTED: Record<string, string[]> = {
  // Four credits of 5: two on Monday, the deferred one counted on Tuesday, the agents' queue story's
  // mail the Monday after; 1 left.
  'demo-b2bee': [
    `${month},demo-b2bee,standard,usage,,request_consumed,,credits,,request,4,,,0,EUR,1,request,4`,
  ],
  // One ticket of the 72 a contract year.
  'demo-performars': [
    `${month},demo-performars,business,usage,,request_consumed,,tickets,,request,1,,,0,USD,71,request,1`,
  ],
  // No contract: USD 70 for the ticket processed.
  'demo-performars-ppu': [
    `${month},demo-performars-ppu,pay-per-use,usage,,ticket_fee,,,,ticket,1,7000,,7000,USD,,,1`,
  ],
  // 60 + 120 minutes from the 3 included hours; 30 + 60 billed at USD 150.00/h = 7500 + 15000.
  'demo-saastech': [
    `${month},demo-saastech,managed-workplace-monthly,usage,,time_consumed,,included-hours,P1,minute,180,,,0,USD,0,minute,2`,
    `${month},demo-saastech,managed-workplace-monthly,usage,,time_billed,,included-hours,P1,minute,90,,15000,22500,USD,0,minute,2`,
  ],
  // 15 minutes for the 5-minute conversation; the incident's 30 minutes deduct nothing.
  'demo-sales-layer': [
    `${month},demo-sales-layer,premium,usage,,time_consumed,,support-hours,Minor,minute,15,,,0,EUR,2985,minute,1`,
  ],
  // All 1500 prepaid minutes; the 30 + 30 minutes past them are recorded at rate 0: not charged.
  'demo-suitecrm': [
    `${month},demo-suitecrm,dedicated-25h,usage,,time_consumed,,prepaid-hours,S3,minute,1500,,,0,GBP,0,minute,2`,
    `${month},demo-suitecrm,dedicated-25h,usage,,time_billed,,prepaid-hours,S3,minute,60,,0,0,GBP,0,minute,2`,
  ],
};

describe(`the month closes and finance pulls its export`, () => {
  let csv: string;

  test('moving the clock into the next month closes it', async () => {
    const before = await call('GET', `/v1/exports/${month}`, keys.finance);
    expect(before.status).toBe(409);
    const next = Temporal.PlainDate.from(`${month}-01`).add({ months: 1 }).toString();
    const moved = await call<{ closedMonths: { month: string; outcome: string }[] }>(
      'POST',
      '/local/clock',
      undefined,
      { set: `${next}T02:00:00Z` },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.closedMonths).toContainEqual({ month, outcome: 'closed' });
  });

  test('the CSV export holds the hand-computed lines of every story', async () => {
    const answer = await call('GET', `/v1/exports/${month}`, keys.finance, undefined, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    csv = answer.text;
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(HEADER);
    for (const [account, expected] of Object.entries(EXPECTED)) {
      expect(
        lines.filter((line) => line.split(',')[1] === account),
        account,
      ).toEqual(expected);
    }
  });

  test('the JSON export has the same lines, with totals per currency', async () => {
    const answer = await call<{
      accounts: { accountId: string; lines: unknown[]; totals: Record<string, number> }[];
    }>('GET', `/v1/exports/${month}`, keys.finance);
    expect(answer.status).toBe(200);
    const byAccount = new Map(answer.body.accounts.map((account) => [account.accountId, account]));
    expect(byAccount.get('demo-performars-ppu')?.totals).toEqual({ USD: 7000 });
    expect(byAccount.get('demo-saastech')?.totals).toEqual({ USD: 22_500 });
    expect(byAccount.get('demo-saastech')?.lines).toContainEqual(
      expect.objectContaining({
        kind: 'time_billed',
        severity: 'P1',
        quantity: 90,
        hourlyRate: 15_000,
        amount: 22_500,
      }),
    );
  });

  test('pulling again returns the same bytes, which are the file under DATA_DIR/exports', async () => {
    const again = await call('GET', `/v1/exports/${month}`, keys.finance, undefined, { accept: 'text/csv' });
    expect(again.text).toBe(csv);
    const json = [
      await call('GET', `/v1/exports/${month}`, keys.finance),
      await call('GET', `/v1/exports/${month}`, keys.finance),
    ];
    expect(json[0]!.text).toBe(json[1]!.text);
    expect(json[0]!.headers.get('etag')).toBe(json[1]!.headers.get('etag'));
    const file = join(desk.dataDir, 'exports', `usage-${month}.csv`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    expect(readFileSync(join(desk.dataDir, 'exports', `usage-${month}.json`), 'utf8')).toBe(json[0]!.text);
  });
});
