// Deployment settings from CDK context: defaults for a dev synth, what prod insists on, and bad
// values refused with the setting named.
import { describe, expect, test } from 'vitest';
import { DEV_SUPPORT_ADDRESS, readDeploymentSettings } from '../../lib/settings.ts';

const read = (context: Record<string, unknown>) => readDeploymentSettings((key) => context[key]);

describe('deployment settings', () => {
  test('without context: a dev stage with the documented placeholder address, UTC, no alarm mail', () => {
    expect(read({})).toEqual({
      stage: 'dev',
      production: false,
      supportAddress: DEV_SUPPORT_ADDRESS,
      mailDomain: 'support-desk.example',
      slaAlertsTo: [],
      exportTimeZone: 'UTC',
    });
  });

  test('every setting given, as `-c name=value` passes them (strings)', () => {
    expect(
      read({
        stage: 'prod',
        supportAddress: 'Support@Help.Example.com',
        mailDomain: 'example.com',
        alarmEmail: 'ops@example.com',
        slaAlertsTo: ' oncall@example.com, lead@example.com ,',
        exportTimeZone: 'Europe/Madrid',
      }),
    ).toEqual({
      stage: 'prod',
      production: true,
      supportAddress: 'support@help.example.com',
      mailDomain: 'example.com',
      alarmEmail: 'ops@example.com',
      slaAlertsTo: ['oncall@example.com', 'lead@example.com'],
      exportTimeZone: 'Europe/Madrid',
    });
  });

  test('the mail domain defaults to the support address’s domain; empty values count as not given', () => {
    const settings = read({ supportAddress: 'desk@help.example.com', alarmEmail: '', mailDomain: '' });
    expect(settings.mailDomain).toBe('help.example.com');
    expect(settings).not.toHaveProperty('alarmEmail');
  });

  test('prod without a support address is refused, naming the setting', () => {
    expect(() => read({ stage: 'prod' })).toThrow(/context\.supportAddress: is required for stage prod/);
  });

  test.each([
    [{ stage: 'Prod Stage' }, /context\.stage/],
    [{ supportAddress: 'support' }, /context\.supportAddress: an email address/],
    [{ alarmEmail: 'ops at example.com' }, /context\.alarmEmail: an email address/],
    [{ slaAlertsTo: 'oncall@example.com,lead' }, /context\.slaAlertsTo\[1\]: an email address/],
    [{ exportTimeZone: 'Mars/Olympus_Mons' }, /context\.exportTimeZone: an IANA time zone/],
    [{ mailDomain: 'localhost' }, /context\.mailDomain: a domain name/],
    [
      { supportAddress: 'support@help.example.com', mailDomain: 'other.example' },
      /context\.mailDomain: must be the support address's domain \(help\.example\.com\) or a parent of it/,
    ],
  ])('%j is refused', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  test('several bad settings are reported together', () => {
    expect(() => read({ alarmEmail: 'x', exportTimeZone: 'Nowhere' })).toThrow(
      /context\.alarmEmail: .*; context\.exportTimeZone: |context\.exportTimeZone: .*; context\.alarmEmail: /,
    );
  });
});
