// Deployment settings read from CDK context (`cdk deploy -c stage=prod -c supportAddress=...`),
// validated with messages that name the setting. Without context (CI's `cdk synth`) a dev stage
// with documented placeholder values synthesizes offline; only `stage=prod` insists on a real
// support address, so no production desk ever answers mail as a placeholder.
import { z } from 'zod';
import { ValidationError } from '../functions/domain/errors.ts';
import { parseWith } from '../functions/domain/validation.ts';
import { DEFAULT_EXPORT_TIME_ZONE } from '../functions/settings.ts';

/** What a dev or CI synth uses when no support address is given (`.example` never resolves). */
export const DEV_SUPPORT_ADDRESS = 'support@support-desk.example';

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

export const deploymentSettingsSchema = z
  .strictObject({
    stage: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,20}$/,
        'lowercase letters, digits and dashes, 2-21 characters, starting with a letter',
      ),
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

export interface DeploymentSettings {
  stage: string;
  /** Production retains data and logs and refuses the placeholder support address. */
  production: boolean;
  supportAddress: string;
  mailDomain: string;
  alarmEmail?: string;
  slaAlertsTo: string[];
  exportTimeZone: string;
}

/** The names `-c name=value` accepts; anything else is a typo we would rather report. */
const SETTING_NAMES = [
  'stage',
  'supportAddress',
  'mailDomain',
  'alarmEmail',
  'slaAlertsTo',
  'exportTimeZone',
] as const;

export function readDeploymentSettings(context: (key: string) => unknown): DeploymentSettings {
  const given: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = context(name);
    // `-c alarmEmail=` (empty) means "not set", as leaving it out does.
    if (value !== undefined && value !== null && value !== '') given[name] = value;
  }
  const stage = given.stage ?? 'dev';
  if (stage === 'prod' && given.supportAddress === undefined) {
    throw ValidationError.field(
      'context.supportAddress',
      'is required for stage prod (-c supportAddress=support@help.example.com)',
    );
  }
  const settings = parseWith(
    deploymentSettingsSchema,
    { ...given, stage, supportAddress: given.supportAddress ?? DEV_SUPPORT_ADDRESS },
    'context',
  );
  const address = settings.supportAddress;
  return {
    stage: settings.stage,
    production: settings.stage === 'prod',
    supportAddress: address,
    mailDomain: settings.mailDomain ?? address.slice(address.lastIndexOf('@') + 1),
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    slaAlertsTo: settings.slaAlertsTo ?? [],
    exportTimeZone: settings.exportTimeZone ?? DEFAULT_EXPORT_TIME_ZONE,
  };
}
