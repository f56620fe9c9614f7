// The SES adapter's failure paths, against a mocked SES v2 client: throttling (SES's sending rate
// and the API's own) becomes MailThrottledError, a mail SES will never take becomes MailRejectedError,
// anything else passes through for the outbox to retry and count.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { sesMailSender } from '../../functions/adapters/mail-ses.ts';
import { MailRejectedError, MailThrottledError, type OutboundMail } from '../../functions/ports/mail.ts';

const ses = mockClient(SESv2Client);
const mail: OutboundMail = {
  from: '"Support" <support@desk.example>',
  to: ['ivana@jadran.example'],
  subject: '[JAD-1] Orders stuck',
  text: 'We are on it.',
  headers: { 'Message-ID': '<t.1@desk.example>' },
};

function sesError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} from SES`), { name, $fault: 'client', $metadata: {}, ...extra });
}

beforeEach(() => ses.reset());

describe('SES adapter', () => {
  test('sends the raw message as the bare From address, with the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await sesMailSender(new SESv2Client({ region: 'eu-west-1' }), { configurationSet: 'desk' }).send(mail);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('support@desk.example');
    expect(input.Destination?.ToAddresses).toEqual(['ivana@jadran.example']);
    expect(input.ConfigurationSetName).toBe('desk');
    expect(Buffer.from(input.Content!.Raw!.Data!).toString()).toContain('Subject: [JAD-1] Orders stuck');
  });

  test.each(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'Throttling'])(
    '%s is throttling',
    async (name) => {
      ses.on(SendEmailCommand).rejects(sesError(name));
      const sending = sesMailSender(new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 })).send(mail);
      await expect(sending).rejects.toBeInstanceOf(MailThrottledError);
      await expect(sending).rejects.toMatchObject({ code: name });
    },
  );

  test('an error the SDK marks as throttling is throttling, whatever its name', async () => {
    ses.on(SendEmailCommand).rejects(sesError('SlowDown', { $retryable: { throttling: true } }));
    await expect(
      sesMailSender(new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 })).send(mail),
    ).rejects.toBeInstanceOf(MailThrottledError);
  });

  test.each(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException'])(
    '%s rejects the mail for good',
    async (name) => {
      ses.on(SendEmailCommand).rejects(sesError(name));
      await expect(sesMailSender(new SESv2Client({ region: 'eu-west-1' })).send(mail)).rejects.toBeInstanceOf(
        MailRejectedError,
      );
    },
  );

  test.each(['InternalFailure', 'SendingPausedException', 'AccountSuspendedException'])(
    '%s passes through as a failure to retry',
    async (name) => {
      ses.on(SendEmailCommand).rejects(sesError(name));
      const sending = sesMailSender(new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 })).send(mail);
      await expect(sending).rejects.toMatchObject({ name });
      await expect(sending).rejects.not.toBeInstanceOf(MailThrottledError);
      await expect(sending).rejects.not.toBeInstanceOf(MailRejectedError);
    },
  );
});
