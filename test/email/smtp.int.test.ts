// End to end through the local SMTP server with a real SMTP client (nodemailer): a demo-like contact
// writes, the ticket appears in the API, the acknowledgement lands in the outbox as an .eml file, and
// a reply to that acknowledgement threads onto the same ticket. Plus: the SES mail adapter's request.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import nodemailer from 'nodemailer';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { localMailSender } from '../../functions/adapters/mail-local.ts';
import { sesMailSender } from '../../functions/adapters/mail-ses.ts';
import type { IntakeResult } from '../../functions/email/intake.ts';
import { type LocalSmtpServer, startSmtpServer } from '../../local/smtp.ts';
import { client, type Harness, keyFor, seedAccount, seedCatalog, startApi } from '../api/harness.ts';
import { SUPPORT, sendOutboxTo, uniqueAddress } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'desk-smtp-'));
let api: Harness;
let smtp: LocalSmtpServer;
const processed: IntakeResult[] = [];

beforeAll(async () => {
  api = await startApi({ dataDir, mailDir: join(dataDir, 'mail') });
  smtp = await startSmtpServer({
    host: '127.0.0.1',
    context: () => api.ctx,
    port: 0,
    supportAddress: SUPPORT,
    dataDir,
    onProcessed: (r) => processed.push(r),
  });
});
afterAll(async () => {
  await smtp.stop();
  await api.close();
});

function transport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
}

describe('the local SMTP server', () => {
  test('mail from a contact opens a ticket; the acknowledgement is an .eml; replying to it threads', async () => {
    const catalog = await seedCatalog('b2bee');
    const contact = uniqueAddress('ivana');
    const account = await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
    const sent = await transport().sendMail({
      from: `Ivana Horvat <${contact}>`,
      to: SUPPORT,
      subject: 'Orders stuck',
      text: 'Nothing syncs since 9:00',
    });
    expect(sent.accepted).toEqual([SUPPORT]);

    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const list = await customer('GET', '/v1/tickets');
    expect(list.body.items).toHaveLength(1);
    const ticket = list.body.items[0];
    expect(ticket).toMatchObject({ subject: 'Orders stuck', channel: 'email', status: 'new' });

    const outbox = join(dataDir, 'outbox');
    await sendOutboxTo(api.ctx, [contact], localMailSender(outbox));
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const ack = await PostalMime.parse(readFileSync(join(outbox, files[0]!)));
    expect(ack.subject).toBe(`[${ticket.reference}] Orders stuck`);
    expect(ack.inReplyTo).toBe(sent.messageId);
    expect(ack.headers.find((h) => h.key === 'auto-submitted')?.value).toBe('auto-replied');

    // The customer hits "reply" in their mail client.
    await transport().sendMail({
      from: contact,
      to: SUPPORT,
      subject: `Re: ${ack.subject}`,
      inReplyTo: ack.messageId,
      references: [...(ack.references ?? '').split(/\s+/).filter(Boolean), ack.messageId!],
      text: `Still stuck.\n\nOn Wed, ${SUPPORT} wrote:\n> ${ack.text?.split('\n')[0]}`,
    });
    const messages = await customer('GET', `/v1/tickets/${ticket.id}/messages`);
    expect(messages.body.items.map((m: { body: string }) => m.body)).toEqual([
      'Nothing syncs since 9:00',
      'Still stuck.',
    ]);
    expect((await customer('GET', '/v1/tickets')).body.items).toHaveLength(1);
    expect(processed.map((p) => p.outcome).slice(-2)).toEqual(['ticket', 'reply']);
  });

  test('mail for any other address is refused at RCPT TO', async () => {
    await expect(
      transport().sendMail({ from: 'a@b.example', to: 'someone@else.example', subject: 'x', text: 'y' }),
    ).rejects.toThrow(/550/);
  });
});

describe('the SES mail adapter', () => {
  test('sends the composed raw message with our threading headers', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-test' });
    const sender = sesMailSender(new SESv2Client({ region: 'eu-west-1' }), { configurationSet: 'desk' });
    await sender.send({
      from: '"Support Desk" <support@desk.example>',
      to: ['ivana@jadran.example'],
      subject: '[B2B-1] Orders stuck',
      text: 'We have received your request.',
      headers: {
        'Message-ID': '<desk.t1.u1@desk.example>',
        'In-Reply-To': '<orig@jadran.example>',
        References: '<desk.t1.thread@desk.example> <orig@jadran.example>',
        'Auto-Submitted': 'auto-replied',
      },
    });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('support@desk.example');
    expect(input.Destination).toEqual({ ToAddresses: ['ivana@jadran.example'] });
    expect(input.ConfigurationSetName).toBe('desk');
    const raw = Buffer.from(input.Content!.Raw!.Data!).toString('utf8');
    expect(raw).toContain('In-Reply-To: <orig@jadran.example>');
    expect(raw).toContain('References: <desk.t1.thread@desk.example> <orig@jadran.example>');
    expect(raw).toContain('Auto-Submitted: auto-replied');
    expect(raw).toContain('Subject: [B2B-1] Orders stuck');
    ses.restore();
  });
});
