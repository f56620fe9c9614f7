// Contracts have terms, and terms end. After the month close (06) the clock is early in the next
// month; an admin signs two accounts whose contracts started about a year before: Performars
// Enterprise (12 months, no renewal) and SuiteCRM Dedicated 25h (renews; the customer cancels).
// Each is told before its term ends; after the end, Performars bills per ticket (USD 70, seed 000)
// and SuiteCRM refuses new requests with the catalog's reply.
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { call, keys, mailOut, ok, setClock, type Ticket } from './desk.ts';

const now = async () => Temporal.Instant.from((await ok(200, 'GET', '/local/clock')).now as string);

describe('contract terms (seeds 000 and 003)', () => {
  let month: Temporal.PlainYearMonth;
  let performars: string;
  let suitecrm: string;
  // Performars: 20th of this month a year ago, so the term ends on the 20th of this month.
  let performarsStart: string;
  let performarsEnd: string;
  let suitecrmEnd: string;

  test('accounts whose terms end this month: the usage view shows the term', async () => {
    const today = (await now()).toZonedDateTimeISO('UTC').toPlainDate();
    month = today.toPlainYearMonth();
    performarsStart = month.subtract({ years: 1 }).toPlainDate({ day: 20 }).toString();
    performarsEnd = month.toPlainDate({ day: 20 }).toString();
    suitecrmEnd = month.toPlainDate({ day: 15 }).toString();
    const created = await ok(201, 'POST', '/v1/accounts', keys.admin, {
      name: 'Hanok Media',
      referencePrefix: 'HANOK',
      catalogId: 'performars',
      contract: { planId: 'enterprise', startDate: performarsStart },
    });
    performars = created.id;
    await ok(201, 'POST', `/v1/accounts/${performars}/contacts`, keys.admin, {
      email: 'jiwoo@hanok.example',
    });
    const term = (await ok(200, 'GET', `/v1/accounts/${performars}/usage`, keys.finance)).term;
    expect(term).toEqual({
      planId: 'enterprise',
      contractStart: performarsStart,
      state: 'active',
      start: performarsStart,
      end: performarsEnd,
      renews: false,
      cancelled: false,
      cancelledAt: null,
      months: 12,
    });

    suitecrm = (
      await ok(201, 'POST', '/v1/accounts', keys.admin, {
        name: 'Thames Logistics',
        referencePrefix: 'THAMES',
        catalogId: 'suitecrm',
        contract: {
          planId: 'dedicated-25h',
          startDate: month.subtract({ years: 1 }).toPlainDate({ day: 15 }).toString(),
        },
      })
    ).id;
    await ok(201, 'POST', `/v1/accounts/${suitecrm}/contacts`, keys.admin, { email: 'ops@thames.example' });
    expect((await ok(200, 'GET', `/v1/accounts/${suitecrm}/usage`, keys.finance)).term).toMatchObject({
      end: suitecrmEnd,
      renews: true,
    });
  });

  test('within 30 days of the end the contacts are told, once: Performars ends, SuiteCRM renews', async () => {
    await call('POST', '/local/clock', undefined, { advance: 'PT1H' });
    const ending = await mailOut('Performars end notice', (m) => m.headers.to === 'jiwoo@hanok.example');
    const lastDay = Temporal.PlainDate.from(performarsEnd).subtract({ days: 1 }).toString();
    expect(ending.headers.subject).toBe(`Your support contract ends after ${lastDay}`);
    expect(ending.body).toContain('USD 70.00 per ticket processed');
    const renewing = await mailOut('SuiteCRM renewal notice', (m) => m.headers.to === 'ops@thames.example');
    expect(renewing.headers.subject).toBe(`Your support contract renews on ${suitecrmEnd}`);
    // Another clock move sends nothing new.
    await call('POST', '/local/clock', undefined, { advance: 'PT1H' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { outbox } = await import('./desk.ts');
    expect(outbox().filter((m) => m.headers.to === 'jiwoo@hanok.example')).toHaveLength(1);
  });

  test('SuiteCRM cancels (any time, no renewal): it runs to the term’s end and the contacts are told', async () => {
    const cancelled = await ok(200, 'POST', `/v1/accounts/${suitecrm}/contract/cancellation`, keys.admin);
    expect(cancelled.contract.cancelledAt).toBeTruthy();
    expect((await ok(200, 'GET', `/v1/accounts/${suitecrm}/usage`, keys.finance)).term).toMatchObject({
      end: suitecrmEnd,
      renews: false,
      cancelled: true,
    });
    await call('POST', '/local/clock', undefined, { advance: 'PT1H' });
    const lastDay = Temporal.PlainDate.from(suitecrmEnd).subtract({ days: 1 }).toString();
    await mailOut(
      'SuiteCRM end notice',
      (m) => m.headers.subject === `Your support contract ends after ${lastDay}`,
    );
  });

  test('after the ends: Performars charges USD 70 per processed ticket; SuiteCRM refuses with the catalog’s reply', async () => {
    // 10:00 in Seoul on the day after the Performars end.
    await setClock(
      Temporal.PlainDate.from(performarsEnd)
        .add({ days: 1 })
        .toZonedDateTime({ timeZone: 'Asia/Seoul', plainTime: '10:00' })
        .toInstant()
        .toString(),
    );
    const ticket = await ok<Ticket>(201, 'POST', '/v1/tickets', keys.agent, {
      accountId: performars,
      subject: 'Journey builder error',
      body: 'The journey stops at step 3.',
    });
    expect(ticket.entitlement.decision).toBe('accept');
    await ok(200, 'PATCH', `/v1/tickets/${ticket.id}`, keys.agent, { status: 'resolved' });
    const usage = await ok(200, 'GET', `/v1/accounts/${performars}/usage`, keys.finance);
    expect(usage.term).toMatchObject({ state: 'ended', end: performarsEnd });
    expect(usage.planId).toBe('pay-per-use');
    expect(usage.totals).toEqual({ USD: 7000 });

    const refused = await call<{ detail: string }>('POST', '/v1/tickets', keys.agent, {
      accountId: suitecrm,
      subject: 'Report broken',
      body: 'x',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('SuiteCRM forums');
    expect(refused.body.detail).toContain(`the contract ended on ${suitecrmEnd}`);
  });
});
