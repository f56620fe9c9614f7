// Lambda entry of the outbox sender: the table's stream (new outbox items, sent at once) and a
// schedule every few minutes (the sweep: retries and anything the stream could not send).
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { sesMailSenderFromEnvironment } from '../adapters/mail-ses.ts';
import { runtimeContext } from '../app/runtime.ts';
import { outboxSender } from './outbox-sender.ts';

let sender: ReturnType<typeof outboxSender> | undefined;

export async function handler(
  event: DynamoDBStreamEvent | { source?: string },
): Promise<DynamoDBBatchResponse | { sent: number }> {
  sender ??= outboxSender({
    context: runtimeContext,
    mail: sesMailSenderFromEnvironment(),
    automaticPerHour: Number(process.env.AUTOMATIC_MAIL_PER_HOUR ?? 10),
  });
  if ('Records' in event && Array.isArray(event.Records)) return sender.onStream(event);
  return { sent: await sender.drain() };
}
