// The SLA policy schema: seed policies parse, bad ones are refused with the field named.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.ts';
import {
  reopenWindowMs,
  slaPolicyIssues,
  slaPolicySchema,
  targetsFor,
  warnMsFor,
} from '../../functions/domain/sla-policy.ts';
import { parseWith } from '../../functions/domain/validation.ts';
import { b2beeSla, HOUR, performarsSla } from './sla-fixtures.ts';

function fieldsOf(input: unknown): Record<string, string> {
  try {
    parseWith(slaPolicySchema, input, 'sla');
  } catch (error) {
    if (error instanceof ValidationError)
      return Object.fromEntries(error.issues.map((i) => [i.field, i.message]));
    throw error;
  }
  return {};
}

describe('slaPolicySchema', () => {
  it('fills defaults: warning at 80%, pause while waiting on the customer, reopen within 7 days', () => {
    const policy = slaPolicySchema.parse({ calendar: 'office' });
    expect(policy).toEqual({
      calendar: 'office',
      warningAt: 0.8,
      pauseWhile: ['waiting_on_customer'],
      reopenWithin: 'PT168H',
      targets: {},
    });
    expect(reopenWindowMs(policy)).toBe(7 * 24 * HOUR);
  });

  it('round-trips: a parsed policy stored as JSON parses to itself', () => {
    const again = slaPolicySchema.parse(JSON.parse(JSON.stringify(performarsSla)));
    expect(again).toEqual(performarsSla);
  });

  it('refuses days for business time, saying why', () => {
    const fields = fieldsOf({ calendar: 'office', targets: { P1: { resolution: { within: 'P2D' } } } });
    expect(Object.keys(fields)).toEqual(['sla.targets.P1.resolution.within']);
    expect(fields['sla.targets.P1.resolution.within']).toMatch(/days.*PT8H/);
  });

  it('names each bad field', () => {
    const fields = fieldsOf({
      calendar: '',
      warningAt: 1.2,
      pauseWhile: ['resolved'],
      targets: { P1: { respond: { within: 'PT1H' }, resolution: { within: 'PT0S' } } },
      extra: true,
    });
    expect(Object.keys(fields).sort()).toEqual([
      'sla',
      'sla.calendar',
      'sla.pauseWhile[0]',
      'sla.targets.P1',
      'sla.targets.P1.resolution.within',
      'sla.warningAt',
    ]);
    expect(fields['sla.targets.P1']).toMatch(/respond/);
    expect(fields['sla.targets.P1.resolution.within']).toMatch(/longer than zero/);
  });

  it('accepts a warning as a duration before the breach', () => {
    const policy = slaPolicySchema.parse({
      calendar: 'office',
      warningAt: 'PT1H',
      targets: { P1: { resolution: { within: 'PT16H' }, acknowledge: { within: 'PT30M', warningAt: 0.5 } } },
    });
    expect(targetsFor(policy, 'P1')).toEqual([
      { metric: 'acknowledge', calendarId: 'office', targetMs: 30 * 60_000, warnMs: 15 * 60_000 },
      { metric: 'resolution', calendarId: 'office', targetMs: 16 * HOUR, warnMs: 15 * HOUR },
    ]);
  });
});

describe('targetsFor', () => {
  it('per-severity calendars (B2Bee Critical) and no targets for an unknown severity', () => {
    expect(targetsFor(b2beeSla, 'critical')).toEqual([
      { metric: 'firstResponse', calendarId: 'zagrebCritical', targetMs: HOUR, warnMs: 0.8 * HOUR },
    ]);
    expect(targetsFor(b2beeSla, 'minor')[0].calendarId).toBe('zagrebWorkdays');
    expect(targetsFor(b2beeSla, 'toString')).toEqual([]);
  });

  it('no warning when the threshold is not strictly inside the target', () => {
    expect(warnMsFor(HOUR, 'PT1H')).toBeUndefined();
    expect(warnMsFor(HOUR, 'PT2H')).toBeUndefined();
    expect(warnMsFor(HOUR, 'PT15M')).toBe(45 * 60_000);
  });
});

describe('slaPolicyIssues', () => {
  it('reports severities outside the scale and calendars outside the catalog', () => {
    const policy = slaPolicySchema.parse({
      calendar: 'office',
      targets: {
        P1: { firstResponse: { within: 'PT1H', calendar: 'always' } },
        P9: { resolution: { within: 'PT1H', calendar: 'nowhere' } },
      },
    });
    expect(slaPolicyIssues(policy, { severities: ['P1', 'P2'], calendarIds: ['office', 'always'] })).toEqual([
      { field: 'targets.P9', message: 'unknown severity "P9"; the plan\'s scale is P1, P2' },
      {
        field: 'targets.P9.resolution.calendar',
        message: 'unknown calendar "nowhere"; known: office, always',
      },
    ]);
    expect(slaPolicyIssues(policy, { severities: ['P1', 'P9'], calendarIds: ['always', 'nowhere'] })).toEqual(
      [{ field: 'calendar', message: 'unknown calendar "office"; known: always, nowhere' }],
    );
  });
});
