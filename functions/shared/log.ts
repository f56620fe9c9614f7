// Structured JSON logs through Powertools for AWS Lambda's Logger: one line per entry, with the
// Lambda context (request id, cold start, function) once observed() has seen the invocation, and the
// correlation id of the work in progress. The level comes from the environment, read by Powertools
// (POWERTOOLS_LOG_LEVEL, else LOG_LEVEL) when the first line is logged.
// Callers pass ids and codes only: never subjects, bodies, addresses or keys.
import { Logger } from '@aws-lambda-powertools/logger';
import { correlationId } from './correlation.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** The desk's name in logs, metrics and traces when the stack names none (POWERTOOLS_SERVICE_NAME). */
export const SERVICE_NAME = 'support-desk';

let instance: Logger | undefined;

/** The container's Logger, made on first use (so a level set before the first line is the one read). */
export function logger(): Logger {
  instance ??= new Logger({ serviceName: SERVICE_NAME });
  return instance;
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const correlation = correlationId();
  logger()[level](message, correlation === undefined ? fields : { correlation_id: correlation, ...fields });
}
