import { describe, expect, it } from 'vitest';
import { durationSchema, durationToMinutes, durationToMs } from '../../functions/domain/duration.ts';

describe('duration', () => {
  it('converts fixed ISO 8601 durations to milliseconds', () => {
    expect(durationToMs('PT16H')).toBe(16 * 3_600_000);
    expect(durationToMs('PT15M')).toBe(900_000);
    expect(durationToMs('PT1H30M')).toBe(5_400_000);
    expect(durationToMs('PT0S')).toBe(0);
    expect(durationToMinutes('PT15M')).toBe(15);
  });

  it.each(['P1D', 'P1W', 'P1M', 'P1Y', 'P1DT2H'])(
    'rejects calendar-ambiguous %s with a clear message',
    (iso) => {
      expect(() => durationToMs(iso)).toThrow(/no fixed length; write hours instead/);
      const result = durationSchema.safeParse(iso);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/no fixed length/);
    },
  );

  it.each(['16h', 'PT', '', 'PT1.5H', '-PT1H', 'pt1h'])('rejects malformed %j', (iso) => {
    expect(durationSchema.safeParse(iso).success).toBe(false);
    expect(() => durationToMs(iso)).toThrow(RangeError);
  });

  it('refuses a duration that is not whole minutes where minutes are needed', () => {
    expect(() => durationToMinutes('PT30S')).toThrow(/whole number of minutes/);
  });
});
