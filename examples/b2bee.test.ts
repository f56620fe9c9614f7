// Seed 004 (B2Bee): one test per clause of the policy, quoting it. The registered-person limits are
// enforced by the store, so their clause is in b2bee.int.test.ts.
import { describe, expect, it } from 'vitest';
import { contractOn, Desk, loadExample, openOn, planOf } from './seed-helpers.ts';

const catalog = loadExample('b2bee');
// Zagreb is UTC+1 in winter, UTC+2 in summer. 2026-03-03 is a Tuesday.
const standard = () => new Desk(contractOn(catalog, 'standard', '2026-01-15'));

describe('B2Bee credits', () => {
  it('"No more than two Credits can be used per day": a third request on one day is deferred to the next day', () => {
    const desk = standard();
    expect(desk.admit('2026-03-03T08:00:00Z').decision).toBe('consume');
    expect(desk.admit('2026-03-03T09:00:00Z').decision).toBe('consume');
    const third = desk.admit('2026-03-03T10:00:00Z');
    expect(third.decision).toBe('defer');
    // Start of Wednesday in Zagreb: the ticket's clocks start then.
    expect(third.startAt?.toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(third.entries[0]).toMatchObject({ kind: 'request_consumed', at: '2026-03-03T23:00:00.000Z' });
    // A fourth fills Wednesday's second slot, a fifth goes to Thursday.
    expect(desk.admit('2026-03-03T11:00:00Z').startAt?.toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(desk.admit('2026-03-03T12:00:00Z').startAt?.toISOString()).toBe('2026-03-04T23:00:00.000Z');
  });

  it("a deferred ticket's first response clock starts on the next day (Minor, 8h on 8-17:00 w.d.)", () => {
    const startAt = new Date('2026-03-03T23:00:00Z');
    const ticket = openOn(catalog, 'standard', '2026-03-03T10:00:00Z', { severity: 'Minor', startAt });
    // Wednesday 08:00 + 8 business hours = 16:00 local (15:00Z).
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-04T15:00:00.000Z');
  });

  it('"Credits are not carried over to the next month"', () => {
    const desk = standard();
    desk.admit('2026-03-10T08:00:00Z'); // one of five used in March
    for (const day of ['02', '02', '03', '03', '04']) {
      expect(desk.admit(`2026-04-${day}T08:00:00Z`).decision).toBe('consume');
    }
    const april = desk.usage.find((u) => u.poolId === 'credits');
    expect(april).toMatchObject({ periodStart: '2026-04-01', used: 5, carriedIn: 0 });
    // The four unused March credits are gone: the sixth April request is an overage.
    expect(desk.admit('2026-04-06T08:00:00Z').decision).toBe('overage');
  });

  it('"The Credit can grow into a request that is paid according to the price list": the 6th request of a month on Standard is billed', () => {
    const desk = standard();
    for (const day of ['02', '02', '03', '03', '04']) desk.admit(`2026-03-${day}T08:00:00Z`);
    const sixth = desk.admit('2026-03-05T08:00:00Z');
    expect(sixth.decision).toBe('overage');
    expect(sixth.slaExempt).toBe(false);
    expect(sixth.entries).toEqual([
      expect.objectContaining({
        kind: 'overage',
        amount: 5000,
        unitPrice: 5000,
        currency: 'EUR',
        month: '2026-03',
        poolId: 'credits',
      }),
    ]);
  });

  it('"1 CREDIT/month" on Basic and "10 CREDITS/month" on Premium', () => {
    const basic = new Desk(contractOn(catalog, 'basic', '2026-01-15'));
    expect(basic.admit('2026-03-02T08:00:00Z').decision).toBe('consume');
    expect(basic.admit('2026-03-03T08:00:00Z').decision).toBe('overage');
    const premium = new Desk(contractOn(catalog, 'premium', '2026-01-15'));
    const days = ['02', '02', '03', '03', '04', '04', '05', '05', '06', '06'];
    for (const day of days) expect(premium.admit(`2026-03-${day}T08:00:00Z`).decision).toBe('consume');
    expect(premium.admit('2026-03-09T08:00:00Z').entries[0]).toMatchObject({ kind: 'overage', amount: 4500 });
  });

  it('"The Credit represents each separate request sent to technical support": incidents use no credit', () => {
    const desk = new Desk(contractOn(catalog, 'basic', '2026-01-15'));
    expect(desk.admit('2026-03-02T08:00:00Z', 'incident', 'Critical').decision).toBe('exempt');
    expect(desk.admit('2026-03-02T09:00:00Z').decision).toBe('consume');
  });

  it('"Support contracts are concluded for a minimum of one year"', () => {
    for (const id of ['basic', 'standard', 'premium']) {
      expect(planOf(catalog, id).term).toEqual({ months: 12, autoRenew: true, noticeDays: 30 });
    }
  });
});

describe('B2Bee first response times', () => {
  it('Critical on Standard: "First response time 1h, availability from 8-24:00" every day', () => {
    // Sunday 2026-03-08 23:30 local: 30 minutes that night, 30 more from Monday 08:00.
    const ticket = openOn(catalog, 'standard', '2026-03-08T22:30:00Z', {
      severity: 'Critical',
      kind: 'incident',
    });
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-09T07:30:00.000Z');
    // A Saturday afternoon counts too.
    const saturday = openOn(catalog, 'standard', '2026-03-07T14:00:00Z', { severity: 'Critical' });
    expect(saturday.sla.firstResponse?.dueAt).toBe('2026-03-07T15:00:00.000Z');
  });

  it('Critical on Basic: "First response time 1h, availability from 8-22:00"', () => {
    const ticket = openOn(catalog, 'basic', '2026-03-08T20:30:00Z', { severity: 'Critical' });
    // Sunday 21:30 local: 30 minutes until 22:00, then Monday 08:00-08:30.
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-09T07:30:00.000Z');
  });

  it('Significant on Basic: "First response time 4h, availability from 8-18:00 w.d."', () => {
    // Friday 16:00 local: 2 hours on Friday, 2 on Monday.
    const ticket = openOn(catalog, 'basic', '2026-03-06T15:00:00Z', { severity: 'Significant' });
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-09T09:00:00.000Z');
  });

  it('Significant on Premium: "First response time 1h, availability from 8-22:00 w.d."', () => {
    const ticket = openOn(catalog, 'premium', '2026-03-06T20:30:00Z', { severity: 'Significant' });
    // Friday 21:30 local, then Monday 08:00-08:30.
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-09T07:30:00.000Z');
  });

  it('No business impact on Basic: "First response time 48h, availability from 9-17:00 w.d." (six working days)', () => {
    // Monday 2026-03-02 09:00 local; 48 hours of 8-hour days end the following Monday 17:00.
    const ticket = openOn(catalog, 'basic', '2026-03-02T08:00:00Z', { severity: 'None' });
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-09T16:00:00.000Z');
  });

  it('working days skip Croatian public holidays (2026-06-22, Anti-Fascist Struggle Day)', () => {
    // Friday 2026-06-19 16:00 local (UTC+2) on Minor/Standard 8-17:00: 1h Friday, Monday is a holiday, 7h Tuesday.
    const ticket = openOn(catalog, 'standard', '2026-06-19T14:00:00Z', { severity: 'Minor' });
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-06-23T13:00:00.000Z');
  });
});
