// Every entry belongs to one month, in every view. Work on the bundle account (story 11) done this
// month but logged after the month closed is booked into the next month as an adjustment: the usage
// view of each month shows the totals its export has, and shows the adjustment with the month it
// adjusts. The closed month's export shows the bundle's minutes as a non-billable quantity.
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';

/** The account of story 11, which bought and used a 12-hour bundle this month. */
const BUNDLE_ACCOUNT = 'prairie-dental';

import { keys, ok, setClock, type Ticket } from './desk.ts';

// biome-ignore lint/suspicious/noExplicitAny: export JSON is read field by field
type Json = any;

const accountIn = (exported: Json, id: string) => exported.accounts.find((a: Json) => a.accountId === id);

describe('one month per entry, in the usage view and the export', () => {
  let month: Temporal.PlainYearMonth;
  let ticket: Ticket;
  let workedAt: string;

  test('the month closes; its export has what the usage view showed, bundle time at no charge', async () => {
    const now = Temporal.Instant.from((await ok(200, 'GET', '/local/clock')).now);
    month = now.toZonedDateTimeISO('UTC').toPlainDate().toPlainYearMonth();
    ticket = (await ok(200, 'GET', `/v1/tickets?accountId=${BUNDLE_ACCOUNT}`, keys.agent)).items[0];
    // Work done now, logged only after the month has closed (06:00 UTC on the 1st: the close has run
    // and New York, the billing zone, is in the new month too).
    workedAt = now.toString();
    const before = await ok(200, 'GET', `/v1/accounts/${BUNDLE_ACCOUNT}/usage?month=${month}`, keys.finance);

    await setClock(`${month.add({ months: 1 }).toPlainDate({ day: 1 })}T06:00:00Z`);
    const exported = await ok(200, 'GET', `/v1/exports/${month}`, keys.finance);
    const lines = accountIn(exported, BUNDLE_ACCOUNT);
    expect(lines.totals).toEqual(before.totals);
    expect(
      lines.lines.map((l: Json) => [l.kind, l.poolId, l.quantity, l.amount, l.remainingAllowance ?? null]),
    ).toEqual([
      ['bundle_consumed', 'bundle:INV-2041', 720, 0, 0],
      ['time_billed', undefined, 30, 8000, null],
    ]);
  });

  test('a late entry adjusts the closed month in the open one, in both views', async () => {
    // 45 minutes of P2 work done last month: USD 120.00 at the per-use rate.
    await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, { minutes: 45, workedAt });
    const closed = await ok(200, 'GET', `/v1/accounts/${BUNDLE_ACCOUNT}/usage?month=${month}`, keys.finance);
    const exported = await ok(200, 'GET', `/v1/exports/${month}`, keys.finance);
    // The closed month still reads as its export: the late entry is not in it.
    expect(closed.totals).toEqual(accountIn(exported, BUNDLE_ACCOUNT).totals);
    expect(closed.totals).toEqual({ USD: 8000 });

    const next = month.add({ months: 1 });
    const open = await ok(200, 'GET', `/v1/accounts/${BUNDLE_ACCOUNT}/usage?month=${next}`, keys.finance);
    expect(open.adjustments).toEqual([
      { adjustsMonth: month.toString(), totals: { USD: 12_000 }, entryCount: 1 },
    ]);
    expect(open.entries).toEqual([
      expect.objectContaining({
        kind: 'time_billed',
        month: next.toString(),
        adjustsMonth: month.toString(),
        amount: 12_000,
      }),
    ]);
    await setClock(`${next.add({ months: 1 }).toPlainDate({ day: 1 })}T06:00:00Z`);
    const nextExport = await ok(200, 'GET', `/v1/exports/${next}`, keys.finance);
    expect(accountIn(nextExport, BUNDLE_ACCOUNT).totals).toEqual(open.totals);
    expect(accountIn(nextExport, BUNDLE_ACCOUNT).lines[0]).toMatchObject({
      lineType: 'adjustment',
      adjustsMonth: month.toString(),
      amount: 12_000,
    });
  });
});
