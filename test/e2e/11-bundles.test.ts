// Prepaid bundles are pools with balances (seed 001: "Time purchased and bundles of hours"). A
// SaaSTech customer on Client Success (per use) buys a 12-hour credit; an agent's work draws it down,
// the contact is told when less than 2 hours are left and when it is used, and only the time past it
// is billed at the per-use rate. The export of this month (story 12) shows the bundle's minutes as a
// non-billable quantity.
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { keys, mailOut, ok, type Ticket } from './desk.ts';

const BUNDLE_ACCOUNT = 'prairie-dental';

describe('prepaid bundles (seed 001)', () => {
  let ticket: Ticket;
  let today: string;

  test('an admin records the 12-hour credit the customer bought; recording it again changes nothing', async () => {
    const clock = await ok(200, 'GET', '/local/clock');
    today = Temporal.Instant.from(clock.now).toZonedDateTimeISO('America/New_York').toPlainDate().toString();
    await ok(201, 'POST', '/v1/accounts', keys.admin, {
      id: BUNDLE_ACCOUNT,
      name: 'Prairie Dental',
      referencePrefix: 'PRAIRIE',
      catalogId: 'saastech',
      contract: { planId: 'client-success', startDate: today },
    });
    await ok(201, 'POST', `/v1/accounts/${BUNDLE_ACCOUNT}/contacts`, keys.admin, {
      email: 'office@prairie.example',
    });
    const purchase = {
      id: 'INV-2041',
      hours: 12,
      tier: 'credit-12h',
      purchasedOn: today,
      expiresOn: Temporal.PlainDate.from(today).add({ years: 1 }).toString(),
    };
    const bundle = await ok(201, 'POST', `/v1/accounts/${BUNDLE_ACCOUNT}/bundles`, keys.admin, purchase);
    expect(bundle).toMatchObject({ allowance: 720, used: 0, remaining: 720, state: 'active' });
    await ok(200, 'POST', `/v1/accounts/${BUNDLE_ACCOUNT}/bundles`, keys.admin, purchase);
  });

  test('work draws the bundle; below 2 hours left, and at zero, the contact is told', async () => {
    ticket = await ok<Ticket>(201, 'POST', '/v1/tickets', keys.agent, {
      accountId: BUNDLE_ACCOUNT,
      subject: 'Migrate the practice mailboxes',
      body: 'Twelve mailboxes to the new tenant.',
      severity: 'P2',
    });
    // 690 minutes (a multiple of 15) from the bundle: 30 left.
    const first = await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, {
      minutes: 690,
    });
    expect(first.entry).toMatchObject({ countedMinutes: 690, fromPool: 0 });
    const low = await mailOut('bundle low', (m) => m.headers.to === 'office@prairie.example');
    expect(low.headers.subject).toBe('Your prepaid support hours are running low');
    expect(low.body).toContain('30 min of the 12-hour bundle INV-2041');
    // 60 more: the last 30 from the bundle, 30 billed per use (P2: USD 160/h, so USD 80.00).
    await ok(201, 'POST', `/v1/tickets/${ticket.id}/time-entries`, keys.agent, { minutes: 60 });
    await mailOut('bundle used up', (m) => m.headers.subject === 'Your prepaid support hours are used up');
    const usage = await ok(200, 'GET', `/v1/accounts/${BUNDLE_ACCOUNT}/usage`, keys.finance);
    expect(usage.bundles).toEqual([
      expect.objectContaining({ id: 'INV-2041', used: 720, remaining: 0, state: 'usedUp' }),
    ]);
    expect(usage.totals).toEqual({ USD: 8000 });
  });
});
