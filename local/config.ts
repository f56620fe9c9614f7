// Settings of the one-machine runtime, from the environment, with defaults from DESIGN.md.
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseWith } from '../functions/domain/validation.ts';

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  DATA_DIR: z.string().min(1).default('.data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  SMTP_PORT: port.default(2525),
  DYNAMODB_PORT: port.optional(),
  TABLE_NAME: z.string().min(3).default('support-desk'),
  SUPPORT_ADDRESS: z.email().default('support@desk.localhost'),
  SLA_ALERTS_TO: z
    .string()
    .default('agents@support-desk.localhost')
    .transform((list) =>
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email())),
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
  };
}
