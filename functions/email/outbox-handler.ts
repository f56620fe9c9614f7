// Lambda entry of the outbox sender: the table's stream (new outbox items, sent at once) and a
// schedule every few minutes (the sweep: retries and anything the stream could not send).

import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { tracing } from '#tracing';
import { sesMailSender } from '../adapters/mail-ses.ts';
import { runtimeContext } from '../app/runtime.ts';
import { observed } from '../shared/observability.ts';
import { outboxSender } from './outbox-sender.ts';

let sender: ReturnType<typeof outboxSender> | undefined;

export const handler = observed(async function outbox(
  event: DynamoDBStreamEvent | { source?: string },
): Promise<DynamoDBBatchResponse | { sent: number }> {
  if (!sender) {
    const { settings } = runtimeContext();
    sender = outboxSender({
      context: runtimeContext,
      mail: sesMailSender(tracing.captureClient(new SESv2Client({})), {
        ...(settings.sesConfigurationSet ? { configurationSet: settings.sesConfigurationSet } : {}),
      }),
      automaticPerHour: settings.automaticMailPerHour,
    });
  }
  if ('Records' in event && Array.isArray(event.Records)) return sender.onStream(event);
  return { sent: await sender.drain() };
});
