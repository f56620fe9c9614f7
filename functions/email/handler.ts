// Lambda entry of the email intake: SES's receipt rule stores the raw message in S3 (key
// `<MAIL_RAW_PREFIX><SES message id>`) and invokes this with the receipt event. Each record goes
// through the intake; a failure throws, so Lambda's retries (and then its failure destination)
// take over, and redelivery is harmless. The local SMTP server calls `sesIntakeHandler` too. The mail
// API invokes it the same way (asynchronously) with a quarantine release (functions/email/release.ts).
import { S3Client } from '@aws-sdk/client-s3';
import type { SESEvent, SESReceiptStatus } from 'aws-lambda';
import { tracing } from '#tracing';
import { LocalBlobs } from '../adapters/blobs-local.ts';
import { S3Blobs } from '../adapters/blobs-s3.ts';
import type { AppContext } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';
import { createIntake, type Intake, type IntakeResult, type Receipt } from './intake.ts';
import { releaseEventSchema, releaseHeld } from './release.ts';

const status = (verdict: SESReceiptStatus | undefined) => verdict?.status ?? 'GRAY';

export function receiptsOf(event: SESEvent, rawPrefix: string): Receipt[] {
  return event.Records.map(({ ses }) => ({
    sesMessageId: ses.mail.messageId,
    rawKey: `${rawPrefix}${ses.mail.messageId}`,
    receivedAt: ses.receipt.timestamp ?? ses.mail.timestamp,
    envelopeFrom: ses.mail.source ?? '',
    verdicts: {
      spam: status(ses.receipt.spamVerdict),
      virus: status(ses.receipt.virusVerdict),
      spf: status(ses.receipt.spfVerdict),
      dkim: status(ses.receipt.dkimVerdict),
      dmarc: status(ses.receipt.dmarcVerdict),
    },
  }));
}

export function sesIntakeHandler(intake: Intake, rawPrefix: string) {
  return async function handle(event: SESEvent): Promise<IntakeResult[]> {
    const results: IntakeResult[] = [];
    for (const receipt of receiptsOf(event, rawPrefix)) {
      try {
        const result = await intake.receive(receipt);
        log('info', 'mail processed', { ...result });
        results.push(result);
      } catch (error) {
        log('error', 'mail intake failed', {
          sesMessageId: receipt.sesMessageId,
          error: error instanceof Error ? error.name : 'unknown',
        });
        throw error;
      }
    }
    return results;
  };
}

const intakes = new WeakMap<AppContext, Intake>();

/**
 * The intake as the context's settings configure it: raw mail and attachments in the mail bucket
 * (S3), or under the mail directory on one machine. One per context, so one per container.
 */
export function intakeOf(ctx: AppContext): Intake {
  let intake = intakes.get(ctx);
  if (!intake) {
    const { settings } = ctx;
    const directory = settings.mailDir;
    const bucket = settings.mailBucket;
    if (!directory && !bucket) throw new Error('MAIL_BUCKET (or MAIL_DIR locally) is not set');
    intake = createIntake({
      context: () => ctx,
      blobs: directory
        ? new LocalBlobs(directory)
        : new S3Blobs(tracing.captureClient(new S3Client({})), bucket!),
      settings: settings.mail,
    });
    intakes.set(ctx, intake);
  }
  return intake;
}

let fromEnvironment: ReturnType<typeof sesIntakeHandler> | undefined;

/**
 * Lambda entry: SES receipt events (raw mail under `MAIL_RAW_PREFIX`, default `inbound/`, in the mail
 * bucket), or a quarantine release handed over by the mail API.
 */
export const handler = observed(
  async (event: SESEvent | { quarantineRelease: unknown }): Promise<IntakeResult[]> => {
    if ('quarantineRelease' in event) {
      const release = releaseEventSchema.safeParse(event);
      // A malformed release never becomes valid: retrying it would only fill the dead-letter queue.
      if (!release.success) {
        log('error', 'quarantine release event invalid', {
          issues: release.error.issues.map((i) => i.path.join('.')),
        });
        return [];
      }
      return [await releaseHeld(intakeOf(runtimeContext()), release.data.quarantineRelease)];
    }
    fromEnvironment ??= sesIntakeHandler(intakeOf(runtimeContext()), runtimeContext().settings.mailRawPrefix);
    return fromEnvironment(event);
  },
);
