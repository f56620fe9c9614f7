// Contract lifecycle and prepaid bundles through the public API on DynamoDB Local: the term in the
// usage view, cancellation, the no-contract rule after the end, notices before it (once per term and
// kind), bundle purchases, time drawing included hours then bundles then the rate, balance mails.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendContractNotices } from '../../functions/app/contract-notices.ts';
import { getOutboxItem, type OutboxRecord, pendingOutboxIds } from '../../functions/store/outbox.ts';
import { newPrefix, putExampleCatalog } from './catalog-fixtures.ts';
import { client, type Harness, keyFor, startApi } from './harness.ts';

let api: Harness;
let admin: ReturnType<typeof client>;
let agent: ReturnType<typeof client>;
const catalogs: Record<string, string> = {};

beforeAll(async () => {
  api = await startApi();
  // Wednesday 2 December 2026, 10:00 UTC.
  api.clock.set(new Date('2026-12-02T10:00:00Z'));
  admin = client(api.baseUrl, await keyFor('admin'));
  agent = client(api.baseUrl, await keyFor('agent'));
  for (const name of ['performars', 'suitecrm', 'saastech', 'b2bee'])
    catalogs[name] = await putExampleCatalog(admin, name);
});
afterAll(() => api.close());

async function newAccount(catalog: string, contract: Record<string, unknown>, contacts: string[] = []) {
  const created = await admin('POST', '/v1/accounts', {
    name: 'Contract test',
    referencePrefix: newPrefix(),
    catalogId: catalogs[catalog],
    contract,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const email of contacts) {
    expect((await admin('POST', `/v1/accounts/${created.body.id}/contacts`, { email })).status).toBe(201);
  }
  return created.body.id as string;
}

async function outboxOf(kind: string, to: string): Promise<OutboxRecord[]> {
  const items: OutboxRecord[] = [];
  for (const id of await pendingOutboxIds(api.ctx.store, 1000)) {
    const item = await getOutboxItem(api.ctx.store, id);
    if (item?.kind === kind && item.mail.to.includes(to)) items.push(item);
  }
  return items;
}

describe('terms, cancellation and the end of a contract', () => {
  test('Performars Enterprise started 2025-12-15 without renewal: the term shows, notices go once, then pay per use', async () => {
    const id = await newAccount('performars', { planId: 'enterprise', startDate: '2025-12-15' }, [
      'kim@term.example',
    ]);
    const usage = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.term).toEqual({
      planId: 'enterprise',
      contractStart: '2025-12-15',
      state: 'active',
      start: '2025-12-15',
      end: '2026-12-15',
      renews: false,
      cancelled: false,
      cancelledAt: null,
      months: 12,
    });
    expect(usage.body.planId).toBe('enterprise');

    // 30 days before the end the notice is due: one mail, however often the job runs.
    await sendContractNotices(api.ctx, api.clock.now());
    await sendContractNotices(api.ctx, api.clock.now());
    const notices = await outboxOf('contractNotice', 'kim@term.example');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.mail.subject).toBe('Your support contract ends after 2026-12-14');
    expect(notices[0]!.mail.text).toContain('USD 70.00 per ticket processed');

    // During the term a ticket draws on the package.
    const during = await agent('POST', '/v1/tickets', { accountId: id, subject: 'During', body: 'x' });
    expect(during.body.entitlement.decision).toBe('consume');

    // After the end: pay per use (USD 70 per processed ticket), no package.
    api.clock.set(new Date('2026-12-15T01:00:00Z'));
    const after = await agent('POST', '/v1/tickets', { accountId: id, subject: 'After', body: 'x' });
    expect(after.status).toBe(201);
    expect(after.body.entitlement.decision).toBe('accept');
    expect((await agent('PATCH', `/v1/tickets/${after.body.id}`, { status: 'resolved' })).status).toBe(200);
    // The ticket opened in the term is metered by it: resolving it now charges no fee.
    expect((await agent('PATCH', `/v1/tickets/${during.body.id}`, { status: 'resolved' })).status).toBe(200);
    const ended = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(ended.body.term).toMatchObject({ state: 'ended', end: '2026-12-15', renews: false });
    expect(ended.body.planId).toBe('pay-per-use');
    expect(ended.body.pools).toEqual([]);
    expect(ended.body.entries.map((e: { kind: string; ticketId: string }) => [e.kind, e.ticketId])).toEqual([
      ['request_consumed', during.body.id],
      ['ticket_fee', after.body.id],
    ]);
    expect(ended.body.totals).toEqual({ USD: 7000 });
  });

  test('SuiteCRM renews; cancelled, it runs to the term’s end, then new tickets get the catalog’s reply', async () => {
    const id = await newAccount('suitecrm', { planId: 'dedicated-25h', startDate: '2025-12-20' }, [
      'ana@term.example',
    ]);
    const before = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(before.body.term).toMatchObject({ start: '2025-12-20', end: '2026-12-20', renews: true });
    await sendContractNotices(api.ctx, api.clock.now());
    expect((await outboxOf('contractNotice', 'ana@term.example')).map((n) => n.mail.subject)).toEqual([
      'Your support contract renews on 2026-12-20',
    ]);

    expect((await agent('POST', `/v1/accounts/${id}/contract/cancellation`)).status).toBe(403);
    expect((await admin('POST', '/v1/accounts/nobody/contract/cancellation')).status).toBe(404);
    const stale = await admin('POST', `/v1/accounts/${id}/contract/cancellation`, undefined, {
      'if-match': '"1"',
    });
    expect(stale.status).toBe(412);
    const cancelled = await admin('POST', `/v1/accounts/${id}/contract/cancellation`);
    expect(cancelled.status).toBe(200);
    const cancelledAt = cancelled.body.contract.cancelledAt;
    expect(Math.abs(Date.parse(cancelledAt) - api.clock.now().getTime())).toBeLessThan(5_000);
    // Again: the first date stays.
    const again = await admin('POST', `/v1/accounts/${id}/contract/cancellation`);
    expect(again.body.contract.cancelledAt).toBe(cancelledAt);
    // Changing the tier-less contract's details keeps it cancelled; the term stops renewing.
    const usage = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(usage.body.term).toMatchObject({ end: '2026-12-20', renews: false, cancelled: true, cancelledAt });
    // Now an end notice is due (another kind: its own mail).
    await sendContractNotices(api.ctx, api.clock.now());
    const notices = await outboxOf('contractNotice', 'ana@term.example');
    expect(notices.map((n) => n.mail.subject).sort()).toEqual([
      'Your support contract ends after 2026-12-19',
      'Your support contract renews on 2026-12-20',
    ]);
    expect(notices.find((n) => n.mail.subject.includes('ends'))!.mail.text).toContain('SuiteCRM forums');
    expect(
      (await agent('POST', '/v1/tickets', { accountId: id, subject: 'In term', body: 'x' })).status,
    ).toBe(201);
  });

  test('the contract input refuses cancelledAt (only the cancellation route sets it)', async () => {
    const id = await newAccount('b2bee', { planId: 'basic', startDate: '2026-01-01' });
    const put = await admin('PUT', `/v1/accounts/${id}/contract`, {
      planId: 'basic',
      startDate: '2026-01-01',
      cancelledAt: '2026-01-02T00:00:00Z',
    });
    expect(put.status).toBe(400);
  });
});

describe('prepaid bundles', () => {
  test('SaaSTech: recorded idempotently; time draws included hours, then bundles earliest expiry first, then per use', async () => {
    const id = await newAccount(
      'saastech',
      { planId: 'managed-workplace-monthly', startDate: '2026-01-01' },
      ['ops@bundle.example'],
    );
    const twelve = {
      id: 'inv-12',
      hours: 12,
      tier: 'credit-12h',
      purchasedOn: '2026-12-01',
      expiresOn: '2027-12-01',
    };
    const recorded = await admin('POST', `/v1/accounts/${id}/bundles`, twelve);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toEqual({
      id: 'inv-12',
      poolId: 'bundle:inv-12',
      hours: 12,
      tier: 'credit-12h',
      purchasedOn: '2026-12-01',
      expiresOn: '2027-12-01',
      unit: 'minute',
      allowance: 720,
      used: 0,
      remaining: 720,
      state: 'active',
    });
    expect((await admin('POST', `/v1/accounts/${id}/bundles`, twelve)).status).toBe(200);
    expect((await admin('POST', `/v1/accounts/${id}/bundles`, { ...twelve, hours: 40 })).status).toBe(409);
    const badTier = await admin('POST', `/v1/accounts/${id}/bundles`, {
      hours: 5,
      tier: 'gold',
      purchasedOn: '2026-12-01',
    });
    expect(badTier.status).toBe(400);
    expect(badTier.body.errors[0].field).toBe('tier');
    const badExpiry = await admin('POST', `/v1/accounts/${id}/bundles`, {
      hours: 5,
      purchasedOn: '2026-12-01',
      expiresOn: '2026-11-01',
    });
    expect(badExpiry.body.errors[0].field).toBe('expiresOn');
    expect((await agent('POST', `/v1/accounts/${id}/bundles`, twelve)).status).toBe(403);
    // A 40-hour bundle without expiry: drawn after the one that expires.
    expect(
      (
        await admin('POST', `/v1/accounts/${id}/bundles`, {
          id: 'inv-40',
          hours: 40,
          tier: 'credit-40h',
          purchasedOn: '2026-12-01',
        })
      ).status,
    ).toBe(201);

    const ticket = await agent('POST', '/v1/tickets', {
      accountId: id,
      subject: 'Setup',
      body: 'x',
      severity: 'P4',
    });
    // 180 included minutes, then 600 of the 720 in inv-12: 120 left, not yet below the 2-hour mark.
    const first = await agent('POST', `/v1/tickets/${ticket.body.id}/time-entries`, { minutes: 780 });
    expect(first.status).toBe(201);
    // 120 more empty inv-12 (a mail), then 30 from inv-40.
    const second = await agent('POST', `/v1/tickets/${ticket.body.id}/time-entries`, { minutes: 150 });
    expect(second.status).toBe(201);
    const usage = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(
      usage.body.bundles.map((b: { id: string; used: number; remaining: number; state: string }) => [
        b.id,
        b.used,
        b.remaining,
        b.state,
      ]),
    ).toEqual([
      ['inv-12', 720, 0, 'usedUp'],
      ['inv-40', 30, 2370, 'active'],
    ]);
    const kinds = usage.body.entries.map(
      (e: { kind: string; poolId?: string; quantity: number; amount: number }) => [
        e.kind,
        e.poolId,
        e.quantity,
        e.amount,
      ],
    );
    expect(kinds.sort()).toEqual([
      ['bundle_consumed', 'bundle:inv-12', 120, 0],
      ['bundle_consumed', 'bundle:inv-12', 600, 0],
      ['bundle_consumed', 'bundle:inv-40', 30, 0],
      ['time_consumed', 'included-hours', 180, 0],
    ]);
    // Bundle time is valued at its tier (P4: USD 60/h on the 12-hour credit), never due.
    const fromTwelve = usage.body.entries.find((e: { poolId?: string }) => e.poolId === 'bundle:inv-12');
    expect(fromTwelve.hourlyRate).toBe(6000);
    expect(usage.body.totals).toEqual({ USD: 0 });
    const mails = await outboxOf('balanceNotice', 'ops@bundle.example');
    expect(mails.map((m) => m.mail.subject).sort()).toEqual([
      'Your prepaid support hours are used up',
      'Your prepaid support hours are used up',
    ]);
  });

  test('SuiteCRM: past the package new requests run without SLA; hours reserved on top bring the SLA back', async () => {
    const id = await newAccount('suitecrm', { planId: 'dedicated-25h', startDate: '2026-06-01' }, [
      'it@reserve.example',
    ]);
    const ticket = await agent('POST', '/v1/tickets', { accountId: id, subject: 'Upgrade', body: 'x' });
    // 1440 of the 1500 prepaid minutes: 60 left, below the plan's 2-hour mark (one mail).
    expect(
      (await agent('POST', `/v1/tickets/${ticket.body.id}/time-entries`, { minutes: 1440 })).status,
    ).toBe(201);
    expect((await outboxOf('balanceNotice', 'it@reserve.example')).map((m) => m.mail.subject)).toEqual([
      'Your prepaid support hours are running low',
    ]);
    expect((await agent('POST', `/v1/tickets/${ticket.body.id}/time-entries`, { minutes: 60 })).status).toBe(
      201,
    );
    // Package used up: a new request is taken without SLA (003: no obligation once the hours are used).
    const withoutSla = await agent('POST', '/v1/tickets', { accountId: id, subject: 'More', body: 'x' });
    expect(withoutSla.status).toBe(201);
    expect(withoutSla.body.slaExempt).toBe(true);
    expect(
      (
        await admin('POST', `/v1/accounts/${id}/bundles`, {
          id: 'extra-10h',
          hours: 10,
          purchasedOn: '2026-12-01',
        })
      ).status,
    ).toBe(201);
    // Reserved hours again: new requests run on the plan's SLA.
    const withSla = await agent('POST', '/v1/tickets', { accountId: id, subject: 'Again', body: 'x' });
    expect(withSla.status).toBe(201);
    expect(withSla.body.slaExempt).toBe(false);
    const logged = await agent('POST', `/v1/tickets/${ticket.body.id}/time-entries`, { minutes: 30 });
    expect(logged.status).toBe(201);
    const usage = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(usage.body.bundles[0]).toMatchObject({ id: 'extra-10h', used: 30, remaining: 570 });
  });

  test('a plan that sells no bundles refuses a purchase, naming the field', async () => {
    const id = await newAccount('b2bee', { planId: 'basic', startDate: '2026-01-01' });
    const refused = await admin('POST', `/v1/accounts/${id}/bundles`, {
      hours: 12,
      purchasedOn: '2026-12-01',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'hours' });
  });
});
