// Deployment settings from CDK context: defaults for a dev synth, what production insists on, bad
// values refused with the setting named, unknown names refused with the closest known one.
import { describe, expect, test } from 'vitest';
import { DEV_SUPPORT_ADDRESS, readDeploymentSettings, SETTING_NAMES } from '../../lib/settings.ts';

const read = (context: Record<string, unknown>) => readDeploymentSettings(context);

const DEFAULTS = {
  takeOverMailReceiving: false,
  logLevel: 'info',
  automaticMailPerHour: 10,
  intakeConcurrency: 10,
  streamConcurrency: 5,
  warnings: [],
};

const MONITORING_DEFAULTS = {
  quietIntakeHours: 4,
  businessHoursUtc: { from: 8, to: 18 },
  breachAlarmPerHour: 10,
};

describe('deployment settings', () => {
  test('without context: a dev stage with the documented placeholder address, UTC, no alarm mail', () => {
    expect(read({})).toEqual({
      stage: 'dev',
      production: false,
      supportAddress: DEV_SUPPORT_ADDRESS,
      mailDomain: 'support-desk.example',
      slaAlertsTo: [],
      exportTimeZone: 'UTC',
      exportRetention: { days: 1, mode: 'governance' },
      monitoring: { metricsNamespace: 'SupportDesk/dev', ...MONITORING_DEFAULTS },
      ...DEFAULTS,
    });
  });

  test('every setting given, as `-c name=value` passes them (strings)', () => {
    expect(
      read({
        stage: 'prod',
        production: 'true',
        supportAddress: 'Support@Help.Example.com',
        mailDomain: 'example.com',
        alarmEmail: 'ops@example.com',
        slaAlertsTo: ' oncall@example.com, lead@example.com ,',
        exportTimeZone: 'Europe/Madrid',
        takeOverMailReceiving: 'true',
        logLevel: 'warn',
        automaticMailPerHour: '20',
        sesConfigurationSet: 'desk-events',
        intakeConcurrency: '0',
        streamConcurrency: '3',
        exportRetentionDays: '2557',
        exportRetentionMode: 'compliance',
        quietIntakeHours: '2',
        businessHoursUtc: '07-19',
        breachAlarmPerHour: '25',
        sesDailyQuota: '50000',
        // The CDK's own keys have a colon and are not ours to judge.
        'aws:cdk:bundling-stacks': ['**'],
        '@aws-cdk/core:checkSecretUsage': true,
        'acknowledged-issue-numbers': [34892],
      }),
    ).toEqual({
      stage: 'prod',
      production: true,
      supportAddress: 'support@help.example.com',
      mailDomain: 'example.com',
      alarmEmail: 'ops@example.com',
      slaAlertsTo: ['oncall@example.com', 'lead@example.com'],
      exportTimeZone: 'Europe/Madrid',
      takeOverMailReceiving: true,
      logLevel: 'warn',
      automaticMailPerHour: 20,
      sesConfigurationSet: 'desk-events',
      intakeConcurrency: 0,
      streamConcurrency: 3,
      exportRetention: { days: 2557, mode: 'compliance' },
      monitoring: {
        metricsNamespace: 'SupportDesk/prod',
        quietIntakeHours: 2,
        businessHoursUtc: { from: 7, to: 19 },
        breachAlarmPerHour: 25,
        sesDailyQuota: 50000,
      },
      warnings: [],
    });
  });

  test('the mail domain defaults to the support address’s domain; empty values count as not given', () => {
    const settings = read({ supportAddress: 'desk@help.example.com', alarmEmail: '', mailDomain: '' });
    expect(settings.mailDomain).toBe('help.example.com');
    expect(settings).not.toHaveProperty('alarmEmail');
  });

  test('business hours are HH-HH in UTC, the first before the second', () => {
    expect(() => read({ businessHoursUtc: '8-18' })).toThrow(
      /context\.businessHoursUtc: hours as HH-HH in UTC/,
    );
    expect(() => read({ businessHoursUtc: '18-08' })).toThrow(
      /context\.businessHoursUtc: the first hour must come before/,
    );
    expect(read({ businessHoursUtc: '00-24' }).monitoring.businessHoursUtc).toEqual({ from: 0, to: 24 });
    expect(() => read({ quietIntakeHours: '13' })).toThrow(
      /context\.quietIntakeHours: a whole number from 0 to 12/,
    );
  });

  test('production without a support address is refused, naming the setting', () => {
    expect(() => read({ stage: 'live', production: 'true' })).toThrow(
      /context\.supportAddress: is required in production/,
    );
    expect(() => read({ stage: 'prod' })).toThrow(/context\.supportAddress: is required in production/);
  });

  test('production follows the production setting, not the stage name; cdk.json may give a boolean', () => {
    const live = read({ stage: 'live', production: true, supportAddress: 'support@help.example.com' });
    expect(live.production).toBe(true);
    expect(live.exportRetention).toEqual({ days: 3650, mode: 'governance' });
    expect(read({ stage: 'staging' }).production).toBe(false);
    expect(read({ stage: 'staging', production: 'false' }).production).toBe(false);
  });

  test('stage prod alone is still production, with a warning to say so; prod with production=false is refused', () => {
    const settings = read({ stage: 'prod', supportAddress: 'support@help.example.com' });
    expect(settings.production).toBe(true);
    expect(settings.warnings).toEqual([expect.stringMatching(/say so with -c production=true/)]);
    expect(
      read({ stage: 'prod', production: 'true', supportAddress: 'support@help.example.com' }).warnings,
    ).toEqual([]);
    expect(() =>
      read({ stage: 'prod', production: 'false', supportAddress: 'support@help.example.com' }),
    ).toThrow(/context\.production: stage prod cannot be deployed unprotected/);
  });

  test('an unknown setting is refused with the closest known name', () => {
    expect(() => read({ alarmEmial: 'ops@example.com' })).toThrow(
      /context\.alarmEmial: is not a setting \(did you mean alarmEmail\?\)/,
    );
    expect(() => read({ slaAlertTo: 'a@example.com' })).toThrow(/did you mean slaAlertsTo\?/);
    expect(() => read({ prod: 'true' })).toThrow(/context\.prod: is not a setting/);
    // Far from every name: no guess, but the list of names.
    expect(() => read({ colour: 'blue' })).toThrow(
      new RegExp(`context\\.colour: is not a setting; the settings are ${SETTING_NAMES.join(', ')}`),
    );
  });

  test.each([
    [{ stage: 'Prod Stage' }, /context\.stage/],
    [{ supportAddress: 'support' }, /context\.supportAddress: an email address/],
    [{ alarmEmail: 'ops at example.com' }, /context\.alarmEmail: an email address/],
    [{ slaAlertsTo: 'oncall@example.com,lead' }, /context\.slaAlertsTo\[1\]: an email address/],
    [{ exportTimeZone: 'Mars/Olympus_Mons' }, /context\.exportTimeZone: an IANA time zone/],
    [{ mailDomain: 'localhost' }, /context\.mailDomain: a domain name/],
    [{ production: 'yes' }, /context\.production: true or false/],
    [{ takeOverMailReceiving: '1' }, /context\.takeOverMailReceiving: true or false/],
    [{ logLevel: 'verbose' }, /context\.logLevel: one of debug, info, warn, error/],
    [{ automaticMailPerHour: '0' }, /context\.automaticMailPerHour: a whole number from 1 to 1000/],
    [{ intakeConcurrency: 'ten' }, /context\.intakeConcurrency: a whole number from 0 to 1000/],
    [{ streamConcurrency: '2.5' }, /context\.streamConcurrency: a whole number from 0 to 1000/],
    [{ exportRetentionDays: '0' }, /context\.exportRetentionDays: a whole number from 1 to 36500/],
    [{ exportRetentionMode: 'legal-hold' }, /context\.exportRetentionMode: governance or compliance/],
    [{ sesConfigurationSet: 'bad name' }, /context\.sesConfigurationSet: an SES configuration set name/],
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
