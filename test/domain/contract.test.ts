// Contract lifecycle: terms from the start date, renewal, cancellation at the term's end, notices
// before it, and the catalog's no-contract rule once the last term is over. Expectations by hand.
import { describe, expect, it } from 'vitest';
import { loadExample, planOf } from '../../examples/seed-helpers.ts';
import { parseCatalog } from '../../functions/domain/catalog.ts';
import { type Contract, contractStanding, noticeDue } from '../../functions/domain/contract.ts';
import { admitRequest, meteringFor } from '../../functions/domain/entitlements.ts';
import { RejectedError } from '../../functions/domain/errors.ts';

const performars = loadExample('performars');
const suitecrm = loadExample('suitecrm');
const b2bee = loadExample('b2bee');
const enterprise = planOf(performars, 'enterprise');
const dedicated = planOf(suitecrm, 'dedicated-25h');
const ticket = { id: 'T-1', kind: 'request' as const, severity: 'Level1' };

const contract = (planId: string, startDate: string, cancelledAt?: string): Contract => ({
  accountId: 'a',
  planId,
  startDate,
  ...(cancelledAt ? { cancelledAt } : {}),
});

describe('terms', () => {
  it('Performars (autoRenew false): one 12-month term, then it has ended', () => {
    const c = contract('enterprise', '2025-03-15');
    expect(contractStanding(enterprise, c, '2026-03-14', 'Asia/Seoul')).toEqual({
      state: 'active',
      term: { index: 0, start: '2025-03-15', end: '2026-03-15', renews: false },
    });
    expect(contractStanding(enterprise, c, '2026-03-15', 'Asia/Seoul')).toEqual({
      state: 'ended',
      term: { index: 0, start: '2025-03-15', end: '2026-03-15', renews: false },
      endDate: '2026-03-15',
    });
    expect(contractStanding(enterprise, c, '2025-03-14', 'Asia/Seoul')).toEqual({
      state: 'notStarted',
      startDate: '2025-03-15',
    });
  });

  it('SuiteCRM (autoRenew true): terms roll every 12 months; 31 January rolls to the month’s last day', () => {
    const c = contract('dedicated-25h', '2024-01-31');
    expect(contractStanding(dedicated, c, '2026-12-01', 'Europe/London')).toEqual({
      state: 'active',
      term: { index: 2, start: '2026-01-31', end: '2027-01-31', renews: true },
    });
    const monthly = planOf(loadExample('saastech'), 'managed-workplace-monthly');
    expect(
      contractStanding(monthly, contract('managed-workplace-monthly', '2026-01-31'), '2026-03-05', 'UTC'),
    ).toMatchObject({ state: 'active', term: { index: 1, start: '2026-02-28', end: '2026-03-31' } });
  });

  it('a cancellation ends the contract with the term it was made in (003: cancel any time, no refund)', () => {
    const c = contract('dedicated-25h', '2025-06-01', '2026-02-10T12:00:00Z');
    expect(contractStanding(dedicated, c, '2026-05-31', 'Europe/London')).toMatchObject({
      state: 'active',
      term: { start: '2025-06-01', end: '2026-06-01', renews: false },
    });
    expect(contractStanding(dedicated, c, '2026-06-01', 'Europe/London')).toMatchObject({
      state: 'ended',
      endDate: '2026-06-01',
    });
    // Cancelled on the last day of a term: that term is the last.
    const late = contract('dedicated-25h', '2025-06-01', '2026-05-31T20:00:00Z');
    expect(contractStanding(dedicated, late, '2026-06-01', 'Europe/London').state).toBe('ended');
  });
});

describe('notices', () => {
  it('from noticeDays before the end: renewal while it renews, end once cancelled or not renewing', () => {
    const c = contract('dedicated-25h', '2025-06-01');
    expect(noticeDue(dedicated, 'a', c, '2026-05-01', 'Europe/London')).toBeUndefined();
    expect(noticeDue(dedicated, 'a', c, '2026-05-02', 'Europe/London')).toMatchObject({
      kind: 'renewal',
      dueFrom: '2026-05-02',
      key: 'contract:a:2025-06-01:2026-06-01:renewal',
    });
    const cancelled = { ...c, cancelledAt: '2026-05-10T09:00:00Z' };
    expect(noticeDue(dedicated, 'a', cancelled, '2026-05-10', 'Europe/London')).toMatchObject({
      kind: 'end',
      key: 'contract:a:2025-06-01:2026-06-01:end',
    });
    expect(noticeDue(dedicated, 'a', cancelled, '2026-06-01', 'Europe/London')).toBeUndefined();
  });
});

describe('after the end: the catalog’s no-contract rule', () => {
  const c = contract('enterprise', '2025-03-15');

  it('Performars: the package meters in its term; after it, USD 70 per processed ticket (pay per use)', () => {
    const during = meteringFor(performars, 'a', c, new Date('2026-03-14T12:00:00Z'));
    expect(during.plan.id).toBe('enterprise');
    expect(admitRequest(during, [], ticket, new Date('2026-03-14T12:00:00Z')).entries[0]?.kind).toBe(
      'request_consumed',
    );
    const after = meteringFor(performars, 'a', c, new Date('2026-03-15T00:00:00Z'));
    expect(after.plan.id).toBe('pay-per-use');
    expect(after.contract).toBeUndefined();
    expect(after.standing).toMatchObject({ state: 'ended', endDate: '2026-03-15' });
    expect(admitRequest(after, [], ticket, new Date('2026-03-16T01:00:00Z')).entries).toEqual([]);
  });

  it('B2Bee: refused with the catalog’s reply, which says the contract ended', () => {
    const cancelled = contract('standard', '2025-01-01', '2025-03-01T10:00:00Z');
    const after = meteringFor(b2bee, 'a', cancelled, new Date('2026-01-02T10:00:00Z'));
    expect(() =>
      admitRequest(after, [], { ...ticket, severity: 'Minor' }, new Date('2026-01-02T10:00:00Z')),
    ).toThrow(/minimum of one year.*the contract ended on 2026-01-01/);
    // Never had one: refused too.
    expect(() => meteringFor(b2bee, 'a', undefined, new Date())).toThrow(RejectedError);
  });

  it('withoutContract acceptWithoutSla: accepted without SLA, nothing drawn or charged', () => {
    const catalog = parseCatalog({
      ...JSON.parse(JSON.stringify(b2bee)),
      withoutContract: { action: 'acceptWithoutSla', plan: 'basic' },
    });
    const m = meteringFor(catalog, 'a', undefined, new Date('2026-01-02T10:00:00Z'));
    const admitted = admitRequest(m, [], { ...ticket, severity: 'Minor' }, new Date('2026-01-02T10:00:00Z'));
    expect(admitted).toMatchObject({ slaExempt: true, entries: [], usage: [] });
    expect(m.plan.pools).toEqual([]);
  });

  it('a catalog may not set both payPerUse and withoutContract, and must name a known plan', () => {
    const raw = JSON.parse(JSON.stringify(performars));
    expect(() => parseCatalog({ ...raw, withoutContract: { action: 'reject', reason: 'no' } })).toThrow(
      /withoutContract/,
    );
    const { payPerUse: _p, ...rest } = raw;
    expect(() =>
      parseCatalog({ ...rest, withoutContract: { action: 'acceptWithoutSla', plan: 'nope' } }),
    ).toThrow(/withoutContract.plan/);
  });
});
