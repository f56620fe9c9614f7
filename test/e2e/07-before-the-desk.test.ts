// A month before the demo accounts existed: finance's usage view answers as the export does (nothing
// for the account), with a clear refusal instead of a full allowance. The clock is wherever the stories left it.
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { call, keys, ok } from './desk.ts';

describe('usage before the account existed', () => {
  test('the usage of a month before the account was created is a 400 naming the month; the export is 404', async () => {
    const account = await ok<{ createdAt: string }>(200, 'GET', '/v1/accounts/demo-b2bee', keys.admin);
    // B2Bee months are Zagreb months.
    const created = Temporal.Instant.from(account.createdAt).toZonedDateTimeISO('Europe/Zagreb');
    const before = created.toPlainDate().toPlainYearMonth().subtract({ months: 1 }).toString();

    const usage = await call<{ errors: { field: string; message: string }[] }>(
      'GET',
      `/v1/accounts/demo-b2bee/usage?month=${before}`,
      keys.finance,
    );
    expect(usage.status).toBe(400);
    expect(usage.headers.get('content-type')).toBe('application/problem+json');
    expect(usage.body.errors[0]?.field).toBe('query.month');
    expect(usage.body.errors[0]?.message).toContain(
      `its usage starts in ${created.toPlainDate().toPlainYearMonth()}`,
    );

    // The export agrees: that month has no export (the desk did not run then), or one without the
    // account (the desk closed it when it started).
    const exported = await call<{ accounts: { accountId: string }[] }>(
      'GET',
      `/v1/exports/${before}`,
      keys.finance,
    );
    expect([200, 404]).toContain(exported.status);
    if (exported.status === 200) {
      expect(exported.body.accounts.map((a) => a.accountId)).not.toContain('demo-b2bee');
    }
  });
});
