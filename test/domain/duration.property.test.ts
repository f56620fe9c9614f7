// Duration validation against Temporal (temporal-polyfill as the oracle): on well-formed ISO 8601
// durations and near misses, the same strings are refused with the same reason, and fixed ones
// have the same length.
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { durationToMs, fixedDurationProblem } from '../../functions/domain/duration.ts';

/** The reason as Temporal's parser sees it: which rule a string breaks first. */
function temporalReason(iso: string): 'malformed' | 'negative' | 'ambiguous' | 'fine' {
  let parsed: Temporal.Duration;
  try {
    parsed = Temporal.Duration.from(iso);
  } catch {
    return 'malformed';
  }
  if (parsed.sign < 0) return 'negative';
  if (parsed.years || parsed.months || parsed.weeks || parsed.days) return 'ambiguous';
  return 'fine';
}

function reasonOf(iso: string): 'malformed' | 'negative' | 'ambiguous' | 'fine' | 'form' {
  const problem = fixedDurationProblem(iso);
  if (problem === undefined) return 'fine';
  if (problem.startsWith('must be an ISO 8601 duration')) return 'malformed';
  if (problem.startsWith('must not be negative')) return 'negative';
  if (problem.includes('which have no fixed length')) return 'ambiguous';
  return 'form';
}

const digits = fc.oneof(
  fc.constantFrom('0', '1', '00', '01', '12', '59', '60'),
  fc.integer({ min: 0, max: 10_000 }).map(String),
  // Around Temporal's limits: 2^32 years, months or weeks; 2^53 seconds in all.
  fc.constantFrom(
    '4294967295',
    '4294967296',
    '104249991374',
    '104249991375',
    '2501999792983',
    '2501999792984',
  ),
  fc.constantFrom('150119987579', '150119987580', '9007199254740991', '9007199254740992'),
  fc.stringMatching(/^\d{1,20}$/),
);
/** Mostly none: a fraction anywhere but on the last part makes the whole malformed. */
const fraction = fc.oneof(
  { arbitrary: fc.constant(''), weight: 4 },
  {
    arbitrary: fc.tuple(fc.constantFrom('.', ','), fc.stringMatching(/^\d{1,10}$/)).map(([s, d]) => s + d),
    weight: 1,
  },
);
const part = (units: string[], present = 1) =>
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    {
      arbitrary: fc.tuple(digits, fraction, fc.constantFrom(...units)).map((p) => p.join('')),
      weight: present,
    },
  );
/** Durations in the grammar's shape, with stray fractions, case and signs; many valid, many not. */
const shaped = fc
  .tuple(
    fc.constantFrom('', '', '', '-', '+', '\u2212'),
    fc.constantFrom('P', 'P', 'P', 'p'),
    part(['Y', 'y']),
    part(['M', 'm']),
    part(['W', 'w']),
    part(['D', 'd']),
    fc.constantFrom('T', 'T', 'T', 't', ''),
    part(['H', 'h'], 2),
    part(['M', 'm'], 2),
    part(['S', 's'], 2),
  )
  .map((p) => p.join(''));
/** Strings from the grammar's alphabet in any order. */
const jumbled = fc
  .array(
    fc.constantFrom(
      'P',
      'T',
      'Y',
      'M',
      'W',
      'D',
      'H',
      'S',
      'p',
      't',
      'h',
      '1',
      '0',
      '15',
      '.',
      ',',
      '-',
      '+',
      ' ',
    ),
    {
      maxLength: 10,
    },
  )
  .map((tokens) => tokens.join(''));

describe('durations agree with Temporal', () => {
  it('refuses the same strings for the same reason', () => {
    fc.assert(
      fc.property(fc.oneof(shaped, jumbled), (iso) => {
        const reason = reasonOf(iso);
        const expected = temporalReason(iso);
        // What Temporal accepts but is not written PT<h>H<m>M<s>S is refused for its form.
        if (expected === 'fine') expect(['fine', 'form']).toContain(reason);
        else expect(reason).toBe(expected);
      }),
      { numRuns: 10_000 },
    );
  });

  it('a fixed duration has the length Temporal gives it', () => {
    const fixed = fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.stringMatching(/^(\.\d{1,3})?$/)), {
          nil: undefined,
        }),
      )
      .filter(([h, m, s]) => h !== undefined || m !== undefined || s !== undefined)
      .map(
        ([h, m, s]) =>
          `PT${h === undefined ? '' : `${h}H`}${m === undefined ? '' : `${m}M`}${s === undefined ? '' : `${s[0]}${s[1]}S`}`,
      );
    fc.assert(
      fc.property(
        fc.oneof(fixed, fc.constantFrom('PT9007199254740991S', 'PT2501999792983H', 'PT0.001S')),
        (iso) => {
          expect(fixedDurationProblem(iso)).toBeUndefined();
          expect(durationToMs(iso)).toBe(Temporal.Duration.from(iso).total({ unit: 'milliseconds' }));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('names the ambiguous units it finds', () => {
    expect(fixedDurationProblem('P1Y2M3W4DT1H')).toBe(
      '"P1Y2M3W4DT1H" uses years, months, weeks, days, which have no fixed length; write hours instead (e.g. PT24H, or PT8H for one 8-hour business day)',
    );
    expect(fixedDurationProblem('P0Y1D')).toMatch(/^"P0Y1D" uses days, which/);
    expect(fixedDurationProblem('P0D')).toMatch(/^must be written as PT<hours>H/);
    expect(fixedDurationProblem('-P1D')).toBe('must not be negative, got "-P1D"');
    expect(fixedDurationProblem('PT1.5H30M')).toMatch(/^must be an ISO 8601 duration/);
  });
});
