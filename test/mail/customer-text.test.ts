// What customers read about a new ticket: plain-language promises and usage from metering's
// structured notes, in the plan's own words where the catalog gives them, and never an internal reason.
import { describe, expect, it } from 'vitest';
import { loadExample, planOf } from '../../examples/seed-helpers.ts';
import {
  acknowledgementLines,
  describeNote,
  formatInstant,
  formatMinutes,
  formatMoney,
} from '../../functions/mail/customer-text.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import { ticketMail } from '../../functions/mail/ticket-mail.ts';

const ZAGREB = 'Europe/Zagreb';
const b2bee = planOf(loadExample('b2bee'), 'standard');

describe('formatting', () => {
  it('dates in the zone the customer reads them in, money with its code, time in hours and minutes', () => {
    // 15:00Z is 16:00 in Zagreb (CET) on Tuesday 8 December 2026.
    expect(formatInstant('2026-12-08T15:00:00.000Z', ZAGREB)).toBe(
      'Tuesday 8 December 2026, 16:00 (Europe/Zagreb)',
    );
    // A local midnight, for a deferral, is the day alone; a due time at midnight keeps its time.
    expect(formatInstant('2026-12-07T23:00:00.000Z', ZAGREB, true)).toBe('Tuesday 8 December 2026');
    expect(formatInstant('2026-12-07T23:00:00.000Z', ZAGREB)).toBe(
      'Tuesday 8 December 2026, 00:00 (Europe/Zagreb)',
    );
    expect(formatMoney({ amount: 7000, currency: 'USD' })).toBe('USD 70.00');
    expect(formatMoney({ amount: 5000, currency: 'JPY' })).toBe('JPY 5,000');
    expect(formatMinutes(750)).toBe('12 hours 30 minutes');
    expect(formatMinutes(60)).toBe('1 hour');
    expect(formatMinutes(0)).toBe('0 minutes');
  });
});

describe('describeNote', () => {
  it('says what a request used in plain words by default', () => {
    expect(
      describeNote({ kind: 'consumed', used: 1, allowance: 72, period: 'contractYear' }, undefined, 'UTC'),
    ).toBe('This request uses 1 of your 72 requests this contract year.');
    expect(
      describeNote(
        { kind: 'fee', price: { amount: 7000, currency: 'USD' }, on: 'resolution' },
        undefined,
        'UTC',
      ),
    ).toBe('This request is charged USD 70.00 when it is resolved.');
    expect(describeNote({ kind: 'hours', remainingMinutes: 90, period: 'month' }, undefined, 'UTC')).toBe(
      'Time our team spends on it is drawn from your support hours: 1 hour 30 minutes left this month.',
    );
  });

  it('uses the plan’s wording: B2Bee credits', () => {
    const wording = b2bee.customerText;
    expect(describeNote({ kind: 'consumed', used: 1, allowance: 5, period: 'month' }, wording, ZAGREB)).toBe(
      'This request uses 1 of your 5 monthly credits.',
    );
    expect(
      describeNote(
        {
          kind: 'deferred',
          until: '2026-12-07T23:00:00.000Z',
          cap: 2,
          used: 3,
          allowance: 5,
          period: 'month',
        },
        wording,
        ZAGREB,
      ),
    ).toBe(
      'At most 2 credits can be used per day, so this request is counted on Tuesday 8 December 2026 and handled from then (3 of your 5 monthly credits).',
    );
    expect(describeNote({ kind: 'overage', price: { amount: 5000, currency: 'EUR' } }, wording, ZAGREB)).toBe(
      'Your monthly credits are used up, so this request is paid according to the price list: EUR 50.00.',
    );
  });
});

describe('the acknowledgement', () => {
  const facts = {
    severity: { id: 'Minor', name: 'Minor business impact' },
    declaredSeverity: { id: 'Critical', name: 'Critical business impact' },
    promises: [{ metric: 'firstResponse' as const, dueAt: '2026-12-07T15:00:00.000Z', timeZone: ZAGREB }],
    notes: [{ kind: 'consumed' as const, used: 1, allowance: 5, period: 'month' as const }],
    ...(b2bee.customerText ? { wording: b2bee.customerText } : {}),
    timeZone: ZAGREB,
  };

  it('states the severity it runs on, the plan’s promise in the customer’s zone, and the usage', () => {
    expect(acknowledgementLines(facts)).toEqual([
      'You reported it as Critical business impact. Until our team confirms the severity, it is handled as Minor business impact (Minor).',
      'What your plan promises for severity Minor business impact (Minor):',
      '- You will have a first answer from our team by Monday 7 December 2026, 16:00 (Europe/Zagreb).',
      '',
      'This request uses 1 of your 5 monthly credits.',
    ]);
  });

  it('is what the mail says, with no metering reason in it', () => {
    const [ack] = ticketMail(
      {
        ticket: {
          id: 't-1',
          reference: 'B2B-1',
          subject: 'Orders',
          severity: 'Minor',
          contactEmail: 'ivana@jadran.example',
        },
        events: [
          {
            type: 'ticketOpened',
            at: '2026-12-07T07:10:00.000Z',
            severity: 'Minor',
            kind: 'request',
            slaExempt: false,
            clocksStartAt: '2026-12-07T07:10:00.000Z',
          },
        ],
        policy: {},
        acknowledgement: facts,
      },
      { settings: mailSettings('support@desk.test'), alerts: { agents: [] }, thread: [], newId: () => 'm1' },
    );
    const text = ack?.composed.mail.text ?? '';
    expect(text).toContain('opened ticket B2B-1');
    expect(text).toContain('This request uses 1 of your 5 monthly credits.');
    expect(text).toContain('Monday 7 December 2026, 16:00 (Europe/Zagreb)');
    expect(text).not.toMatch(/credits for the period from|counts no requests|pool/);
  });
});
