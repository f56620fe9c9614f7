// Settings of the one-machine runtime, from the environment, with defaults from DESIGN.md.
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { parseWith } from '../functions/domain/validation.ts';

const port = z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65535));

const schema = z.object({
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  PORT: z._default(port, 3000),
  SMTP_PORT: z._default(port, 2525),
  DYNAMODB_PORT: z.optional(port),
  TABLE_NAME: z._default(z.string().check(z.minLength(3)), 'support-desk'),
  SUPPORT_ADDRESS: z._default(z.email(), 'support@desk.localhost'),
  LOCAL_VERDICT_HEADER: z._default(z.enum(['0', '1']), '1'),
  EXPORT_TIME_ZONE: z.optional(z.string().check(z.minLength(1))),
  REQUEST_BUDGET_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(1_000), z.maximum(900_000)),
    10_000,
  ),
  SLA_ALERTS_TO: z.pipe(
    z.pipe(
      z._default(z.string(), 'agents@support-desk.localhost'),
      z.transform((list: string) =>
        list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ),
    z.array(z.email()),
  ),
});

export interface LocalConfig {
  dataDir: string;
  host: string;
  port: number;
  smtpPort: number;
  dynamoDbPort: number | undefined;
  tableName: string;
  /** The address customers write to (the SMTP server accepts mail for it). */
  supportAddress: string;
  /** Where SLA warnings and breaches are mailed (the agents). */
  slaAlertsTo: string[];
  /** The local SMTP server takes verdicts from an `X-Local-Verdicts` header (docs/email.md). */
  localVerdictHeader: boolean;
  /** The zone whose months the exports close on (checked with the other desk settings). */
  exportTimeZone: string | undefined;
  /** Each API request's time from arrival, as the API functions' timeout in AWS: its deadline. */
  requestBudgetMs: number;
}

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = parseWith(schema, {
    DATA_DIR: env.DATA_DIR || undefined,
    HOST: env.HOST || undefined,
    PORT: env.PORT || undefined,
    SMTP_PORT: env.SMTP_PORT || undefined,
    DYNAMODB_PORT: env.DYNAMODB_PORT || undefined,
    TABLE_NAME: env.TABLE_NAME || undefined,
    SUPPORT_ADDRESS: env.SUPPORT_ADDRESS || undefined,
    SLA_ALERTS_TO: env.SLA_ALERTS_TO || undefined,
    LOCAL_VERDICT_HEADER: env.LOCAL_VERDICT_HEADER || undefined,
    EXPORT_TIME_ZONE: env.EXPORT_TIME_ZONE || undefined,
    REQUEST_BUDGET_MS: env.REQUEST_BUDGET_MS || undefined,
  });
  return {
    dataDir: resolve(parsed.DATA_DIR),
    host: parsed.HOST,
    port: parsed.PORT,
    smtpPort: parsed.SMTP_PORT,
    dynamoDbPort: parsed.DYNAMODB_PORT,
    tableName: parsed.TABLE_NAME,
    supportAddress: parsed.SUPPORT_ADDRESS,
    slaAlertsTo: parsed.SLA_ALERTS_TO,
    localVerdictHeader: parsed.LOCAL_VERDICT_HEADER === '1',
    exportTimeZone: parsed.EXPORT_TIME_ZONE,
    requestBudgetMs: parsed.REQUEST_BUDGET_MS,
  };
}
