// Deployment settings read from CDK context (`cdk deploy -c stage=prod -c production=true ...`),
// validated once with messages that name the setting, and the one environment every function of
// the stack gets from them (functionEnvironment). Without context (CI's `cdk synth`) a dev stage
// with documented placeholder values synthesizes offline. A `-c` name we do not know is refused
// with the closest known name: a typo must not silently drop, say, the alarm subscription.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ValidationError } from '../functions/domain/errors.ts';
import { parseWith } from '../functions/domain/validation.ts';
import { DEFAULT_EXPORT_TIME_ZONE } from '../functions/settings.ts';
import { metricsNamespace } from '../functions/shared/metric-names.ts';

/** What a dev or CI synth uses when no support address is given (`.example` never resolves). */
export const DEV_SUPPORT_ADDRESS = 'support@support-desk.example';

/** Log levels functions/shared/log.ts (Powertools' Logger, through LOG_LEVEL) knows. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Export objects are locked this long by default: ten years in production, a day elsewhere. */
export const DEFAULT_EXPORT_RETENTION_DAYS = { production: 3650, other: 1 } as const;

const email = z.email('an email address, like support@help.example.com').transform((s) => s.toLowerCase());

/** A DNS name of two or more labels, as SES verifies it. */
const domain = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'a domain name, like help.example.com',
  )
  .transform((s) => s.toLowerCase());

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone, like Europe/Madrid or UTC');

/** `-c name=true` arrives as a string; cdk.json may hold a real boolean. */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')], {
  error: 'true or false',
});

/** A whole number in a range, given as `-c name=10` (a string) or as a number in cdk.json. */
const count = (min: number, max: number) =>
  z.coerce
    .number({ error: `a whole number from ${min} to ${max}` })
    .int(`a whole number from ${min} to ${max}`)
    .min(min, `a whole number from ${min} to ${max}`)
    .max(max, `a whole number from ${min} to ${max}`);

export const deploymentSettingsSchema = z
  .strictObject({
    stage: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,20}$/,
        'lowercase letters, digits and dashes, 2-21 characters, starting with a letter',
      ),
    /** Retains data and logs, protects the table, and refuses the placeholder support address. */
    production: flag.optional(),
    /** The address customers write to; SES receives it and every outbound mail comes from it. */
    supportAddress: email,
    /** The SES-verified domain identity we send as and sign Message-IDs with. */
    mailDomain: domain.optional(),
    /** Subscribed (by email) to the alarm topic; confirm the subscription mail once. */
    alarmEmail: email.optional(),
    /** Agents' addresses for SLA warnings and breaches, comma-separated. */
    slaAlertsTo: z
      .string()
      .transform((list) =>
        list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(email))
      .optional(),
    /** The zone whose 1st of the month closes a ledger month (EXPORT_TIME_ZONE). */
    exportTimeZone: timeZone.optional(),
    /** Replace another active SES receipt rule set in the region (it takes that set's mail). */
    takeOverMailReceiving: flag.optional(),
    /** LOG_LEVEL of every function. */
    logLevel: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).optional(),
    /** Automatic mail (acknowledgements, answers) one address gets per hour at most. */
    automaticMailPerHour: count(1, 1000).optional(),
    /** An SES configuration set outbound mail is sent with (event publishing, dedicated IPs). */
    sesConfigurationSet: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an SES configuration set name: letters, digits, _ and -, 1-64')
      .optional(),
    /** Reserved concurrency of the mail intake; 0 reserves none. */
    intakeConcurrency: count(0, 1000).optional(),
    /** Reserved concurrency of each stream consumer (SLA reconciler, outbox sender); 0 reserves none. */
    streamConcurrency: count(0, 1000).optional(),
    /** How long each export object is locked (S3 Object Lock), in days. */
    exportRetentionDays: count(1, 36500).optional(),
    /** governance (an admin with s3:BypassGovernanceRetention can still delete) or compliance (nobody can). */
    exportRetentionMode: z
      .enum(['governance', 'compliance'], { error: 'governance or compliance' })
      .optional(),
    /** Alarm when no mail arrived for this many hours within business hours; 0: no such alarm. */
    quietIntakeHours: count(0, 12).optional(),
    /** Weekday hours (Monday to Friday, UTC) in which mail is expected: `08-18`. */
    businessHoursUtc: z
      .string()
      .regex(/^([01][0-9]|2[0-3])-([01][0-9]|2[0-4])$/, 'hours as HH-HH in UTC, like 08-18')
      .transform((s) => ({ from: Number(s.slice(0, 2)), to: Number(s.slice(3)) }))
      .refine((h) => h.from < h.to, 'the first hour must come before the second, like 08-18')
      .optional(),
    /** SLA breaches in an hour above which the breach alarm fires. */
    breachAlarmPerHour: count(1, 100_000).optional(),
    /** The account's SES sending quota (Max24HourSend); the quota alarm fires at 80% of it. */
    sesDailyQuota: count(1, 1_000_000_000).optional(),
  })
  .superRefine((settings, ctx) => {
    // SES lets a verified domain send from its own and its subdomains' addresses, nothing else.
    const addressDomain = settings.supportAddress.slice(settings.supportAddress.lastIndexOf('@') + 1);
    const mailDomain = settings.mailDomain;
    if (mailDomain && addressDomain !== mailDomain && !addressDomain.endsWith(`.${mailDomain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mailDomain'],
        message: `must be the support address's domain (${addressDomain}) or a parent of it: SES sends from verified domains only`,
      });
    }
  });

/** What the alarms on business activity act on (lib/monitoring.ts). */
export interface MonitoringSettings {
  /** The stage's CloudWatch namespace of business metrics (functions/shared/metric-names.ts). */
  metricsNamespace: string;
  /** Hours without inbound mail, within business hours, that raise an alarm; 0: none. */
  quietIntakeHours: number;
  /** Weekday hours [from, to) in UTC. */
  businessHoursUtc: { from: number; to: number };
  breachAlarmPerHour: number;
  sesDailyQuota?: number;
}

export interface DeploymentSettings {
  stage: string;
  /** Production retains data and logs, protects the table and refuses the placeholder address. */
  production: boolean;
  supportAddress: string;
  mailDomain: string;
  alarmEmail?: string;
  slaAlertsTo: string[];
  exportTimeZone: string;
  takeOverMailReceiving: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  automaticMailPerHour: number;
  sesConfigurationSet?: string;
  /** 0: no reservation. */
  intakeConcurrency: number;
  /** 0: no reservation. */
  streamConcurrency: number;
  exportRetention: { days: number; mode: 'governance' | 'compliance' };
  monitoring: MonitoringSettings;
  /** What the deployer should know but that does not stop the synth (shown as stack warnings). */
  warnings: string[];
}

/** The names `-c name=value` accepts. */
export const SETTING_NAMES = Object.keys(deploymentSettingsSchema.shape) as readonly string[];

/** Context keys the CDK CLI itself writes without a colon (`cdk acknowledge`, in cdk.context.json). */
const CDK_PLAIN_KEYS = ['acknowledged-issue-numbers'];

/**
 * Settings from the app's whole context (`app.node.getAllContext()`). Keys with a colon are the
 * CDK's own (`aws:cdk:...`, feature flags `@aws-cdk/...:...`, cached lookups): not ours to judge.
 */
export function readDeploymentSettings(context: Readonly<Record<string, unknown>>): DeploymentSettings {
  refuseUnknown(Object.keys(context).filter((key) => !key.includes(':') && !CDK_PLAIN_KEYS.includes(key)));
  const given: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = context[name];
    // `-c alarmEmail=` (empty) means "not set", as leaving it out does.
    if (value !== undefined && value !== null && value !== '') given[name] = value;
  }
  const warnings: string[] = [];
  const stage = given.stage ?? 'dev';
  // A stage named prod was the production switch before `production` existed: deployments that
  // still say only `-c stage=prod` stay protected, and are told to say so.
  if (stage === 'prod' && given.production === undefined) {
    given.production = true;
    warnings.push(
      'stage prod is deployed as production (retained data, deletion protection); say so with -c production=true',
    );
  }
  const production = flag.safeParse(given.production ?? false);
  if (production.success && production.data && given.supportAddress === undefined) {
    throw ValidationError.field(
      'context.supportAddress',
      'is required in production (-c supportAddress=support@help.example.com)',
    );
  }
  if (stage === 'prod' && production.success && !production.data) {
    throw ValidationError.field(
      'context.production',
      'stage prod cannot be deployed unprotected (production=false); name a non-production stage otherwise',
    );
  }
  const settings = parseWith(
    deploymentSettingsSchema,
    { ...given, stage, supportAddress: given.supportAddress ?? DEV_SUPPORT_ADDRESS },
    'context',
  );
  const address = settings.supportAddress;
  const isProduction = settings.production ?? false;
  return {
    stage: settings.stage,
    production: isProduction,
    supportAddress: address,
    mailDomain: settings.mailDomain ?? address.slice(address.lastIndexOf('@') + 1),
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    slaAlertsTo: settings.slaAlertsTo ?? [],
    exportTimeZone: settings.exportTimeZone ?? DEFAULT_EXPORT_TIME_ZONE,
    takeOverMailReceiving: settings.takeOverMailReceiving ?? false,
    logLevel: settings.logLevel ?? 'info',
    automaticMailPerHour: settings.automaticMailPerHour ?? 10,
    ...(settings.sesConfigurationSet ? { sesConfigurationSet: settings.sesConfigurationSet } : {}),
    intakeConcurrency: settings.intakeConcurrency ?? 10,
    streamConcurrency: settings.streamConcurrency ?? 5,
    exportRetention: {
      days:
        settings.exportRetentionDays ??
        (isProduction ? DEFAULT_EXPORT_RETENTION_DAYS.production : DEFAULT_EXPORT_RETENTION_DAYS.other),
      mode: settings.exportRetentionMode ?? 'governance',
    },
    monitoring: {
      metricsNamespace: metricsNamespace(settings.stage),
      quietIntakeHours: settings.quietIntakeHours ?? 4,
      businessHoursUtc: settings.businessHoursUtc ?? { from: 8, to: 18 },
      breachAlarmPerHour: settings.breachAlarmPerHour ?? 10,
      ...(settings.sesDailyQuota ? { sesDailyQuota: settings.sesDailyQuota } : {}),
    },
    warnings,
  };
}

function refuseUnknown(names: readonly string[]): void {
  const unknown = names.filter((name) => !SETTING_NAMES.includes(name));
  if (unknown.length === 0) return;
  throw new ValidationError(
    unknown.map((name) => {
      const near = closest(name, [...SETTING_NAMES]);
      // Within a third of the name's length it is a typo worth naming; beyond, only a guess.
      const typo = distance(name, near) <= Math.max(2, Math.floor(name.length / 3));
      return {
        field: `context.${name}`,
        message: `is not a setting${typo ? ` (did you mean ${near}?)` : ''}; the settings are ${SETTING_NAMES.join(', ')}`,
      };
    }),
  );
}

/**
 * The environment every function of the stack gets, built once from the settings: whichever
 * function writes mail, records an SLA alert or books a ledger entry reads the same values.
 * Names are what function code reads, once per container, through one schema (functions/settings.ts),
 * and what Powertools reads itself: the log level (LOG_LEVEL), the metrics namespace, and never
 * the event or a traced response in a log or trace (they hold customer content).
 */
export function functionEnvironment(settings: DeploymentSettings): Readonly<Record<string, string>> {
  return {
    SUPPORT_ADDRESS: settings.supportAddress,
    MAIL_DOMAIN: settings.mailDomain,
    EXPORT_TIME_ZONE: settings.exportTimeZone,
    LOG_LEVEL: settings.logLevel,
    POWERTOOLS_METRICS_NAMESPACE: settings.monitoring.metricsNamespace,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    AUTOMATIC_MAIL_PER_HOUR: String(settings.automaticMailPerHour),
    ...(settings.slaAlertsTo.length > 0 ? { SLA_ALERTS_TO: settings.slaAlertsTo.join(',') } : {}),
    ...(settings.sesConfigurationSet ? { SES_CONFIGURATION_SET: settings.sesConfigurationSet } : {}),
    NODE_OPTIONS: '--enable-source-maps',
  };
}
