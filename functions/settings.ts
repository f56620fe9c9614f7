// Every setting of the desk's functions, parsed once per container by one schema from the variables
// the stack sets (lib/functions.ts) or the local runtime builds (local/main.ts). Code below the entry
// points never reads the environment: it gets these settings in its AppContext or from its factory.
import * as z from 'zod/mini';
import { parseWith } from './domain/validation.ts';
import {
  type AlertSettings,
  DEFAULT_SUPPORT_ADDRESS,
  type MailSettings,
  mailSettings,
} from './mail/settings.ts';
import type { CursorSecretSource } from './store/cursor-secret.ts';

export const DEFAULT_EXPORT_TIME_ZONE = 'UTC';

const text = z.string().check(z.minLength(1));
const optionalText = z.optional(text);

const timeZone = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Madrid'),
);

const addressList = z.pipe(
  z.string(),
  z.transform((list: string) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
);

const schema = z.object({
  TABLE_NAME: optionalText,
  DYNAMODB_ENDPOINT: optionalText,
  SUPPORT_ADDRESS: z._default(z.email(), DEFAULT_SUPPORT_ADDRESS),
  MAIL_DOMAIN: optionalText,
  SUPPORT_NAME: optionalText,
  REGISTRATION_HINT: optionalText,
  SLA_ALERTS_TO: z._default(z.pipe(addressList, z.array(z.email())), []),
  EXPORT_TIME_ZONE: z._default(timeZone, DEFAULT_EXPORT_TIME_ZONE),
  EXPORTS_BUCKET: optionalText,
  DATA_DIR: z._default(text, '.data'),
  MAIL_BUCKET: optionalText,
  MAIL_DIR: optionalText,
  MAIL_RAW_PREFIX: z._default(z.string(), 'inbound/'),
  MAIL_INTAKE_FUNCTION: optionalText,
  AUTOMATIC_MAIL_PER_HOUR: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 10),
  SES_CONFIGURATION_SET: optionalText,
  SLA_SCHEDULE_GROUP: optionalText,
  SLA_TIMER_ARN: optionalText,
  SLA_SCHEDULER_ROLE_ARN: optionalText,
  SLA_TIMER_DLQ_ARN: optionalText,
  CURSOR_SECRET_ARN: optionalText,
  CURSOR_SECRET_FILE: optionalText,
});

export interface SchedulerTarget {
  groupName: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn: string;
}

export interface DeskSettings {
  /** The table (required wherever the store is used). */
  tableName?: string;
  /** DynamoDB Local's endpoint (local runtime and tests). */
  dynamodbEndpoint?: string;
  mail: MailSettings;
  alerts: AlertSettings;
  /** The zone whose 1st of the month ends a ledger month: every ledger entry is booked by it. */
  exportTimeZone: string;
  /** Exports in this bucket (AWS), else under `<dataDir>/exports`. */
  exportsBucket?: string;
  dataDir: string;
  /** Raw inbound mail and attachments in this bucket (AWS), or under `mailDir` on one machine. */
  mailBucket?: string;
  mailDir?: string;
  mailRawPrefix: string;
  /** The intake function released quarantine is handed to (AWS); absent: released in-process. */
  mailIntakeFunction?: string;
  /** Automatic mails one recipient may get in an hour (the outbox's loop and storm guard). */
  automaticMailPerHour: number;
  sesConfigurationSet?: string;
  /** Where the SLA reconciler puts schedules (AWS only). */
  scheduler?: SchedulerTarget;
  /** Where the secret that seals paging cursors is (store/cursor-secret.ts); read on first paging. */
  cursorSecret?: CursorSecretSource;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The settings in `env`; an empty variable counts as unset. A bad value names its variable. */
export function settingsFrom(env: Environment): DeskSettings {
  const given = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const s = parseWith(schema, given);
  const scheduler =
    s.SLA_SCHEDULE_GROUP && s.SLA_TIMER_ARN && s.SLA_SCHEDULER_ROLE_ARN && s.SLA_TIMER_DLQ_ARN
      ? {
          groupName: s.SLA_SCHEDULE_GROUP,
          targetArn: s.SLA_TIMER_ARN,
          roleArn: s.SLA_SCHEDULER_ROLE_ARN,
          deadLetterArn: s.SLA_TIMER_DLQ_ARN,
        }
      : undefined;
  return {
    ...(s.TABLE_NAME ? { tableName: s.TABLE_NAME } : {}),
    ...(s.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: s.DYNAMODB_ENDPOINT } : {}),
    mail: mailSettings(s.SUPPORT_ADDRESS, {
      ...(s.MAIL_DOMAIN ? { mailDomain: s.MAIL_DOMAIN.toLowerCase() } : {}),
      ...(s.SUPPORT_NAME ? { displayName: s.SUPPORT_NAME } : {}),
      ...(s.REGISTRATION_HINT ? { registrationHint: s.REGISTRATION_HINT } : {}),
    }),
    alerts: { agents: s.SLA_ALERTS_TO },
    exportTimeZone: s.EXPORT_TIME_ZONE,
    ...(s.EXPORTS_BUCKET ? { exportsBucket: s.EXPORTS_BUCKET } : {}),
    dataDir: s.DATA_DIR,
    ...(s.MAIL_BUCKET ? { mailBucket: s.MAIL_BUCKET } : {}),
    ...(s.MAIL_DIR ? { mailDir: s.MAIL_DIR } : {}),
    mailRawPrefix: s.MAIL_RAW_PREFIX,
    ...(s.MAIL_INTAKE_FUNCTION ? { mailIntakeFunction: s.MAIL_INTAKE_FUNCTION } : {}),
    automaticMailPerHour: s.AUTOMATIC_MAIL_PER_HOUR,
    ...(s.SES_CONFIGURATION_SET ? { sesConfigurationSet: s.SES_CONFIGURATION_SET } : {}),
    ...(scheduler ? { scheduler } : {}),
    ...(s.CURSOR_SECRET_ARN
      ? { cursorSecret: { secretArn: s.CURSOR_SECRET_ARN } }
      : s.CURSOR_SECRET_FILE
        ? { cursorSecret: { file: s.CURSOR_SECRET_FILE } }
        : {}),
  };
}

/** The settings with nothing set: every default (tests and tools that need no deployment). */
export function defaultSettings(overrides: Partial<DeskSettings> = {}): DeskSettings {
  return { ...settingsFrom({}), ...overrides };
}
