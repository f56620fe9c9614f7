// The intake on DynamoDB Local, through the SES-shaped handler: tickets and acknowledgements,
// threaded replies from Outlook, Gmail and Apple Mail, redelivery, verdicts and the quarantine,
// automatic mail, bounces, unknown senders, attachments and size limits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalBlobs } from '../../functions/adapters/blobs-local.ts';
import { changeTicket, loadTicket } from '../../functions/app/tickets.ts';
import { createIntake, type Intake } from '../../functions/email/intake.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import { ticketIdFromMessageId } from '../../functions/mail/threading.ts';
import type { OutboundMail } from '../../functions/ports/mail.ts';
import { listMessages } from '../../functions/store/messages.ts';
import {
  client,
  deskContext,
  type Harness,
  keyFor,
  seedAccount,
  seedCatalog,
  startApi,
} from '../api/harness.ts';
import {
  deliver,
  fixture,
  message,
  newSesId,
  PASS,
  releaseAndWait,
  SUPPORT,
  sendOutboxTo,
  uniqueAddress,
} from './helpers.ts';

const mailDir = mkdtempSync(join(tmpdir(), 'desk-mail-'));
const blobs = new LocalBlobs(mailDir);
const settings = mailSettings(SUPPORT);
let api: Harness;
let intake: Intake;
let b2bee: string;

beforeAll(async () => {
  api = await startApi({ mailDir });
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  b2bee = await seedCatalog('b2bee');
  intake = createIntake({
    context: deskContext,
    blobs,
    settings,
    limits: { maxMessageBytes: 15 * 1024 * 1024 },
  });
});
afterAll(() => api.close());

async function customerAccount(contacts = 1) {
  const emails = Array.from({ length: contacts }, (_, i) => uniqueAddress(`contact${i}`));
  const account = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' }, emails);
  return { account, emails };
}

async function messagesOf(ticketId: string) {
  return (await listMessages(deskContext().store, ticketId, { includeInternal: true, limit: 100 })).items;
}

function withAck(name: string, vars: { FROM: string; REF: string; ack: OutboundMail }) {
  const ackId = vars.ack.headers['Message-ID']!.replace(/[<>]/g, '');
  const thread = vars.ack.headers.References!.split(' ')[0]!.replace(/[<>]/g, '');
  return fixture(name, { FROM: vars.FROM, REF: vars.REF, ACK_ID: ackId, THREAD: thread });
}

describe('a registered contact writes', () => {
  test('a new mail opens a ticket under the plan, with the acknowledgement carrying the reference', async () => {
    const { account, emails } = await customerAccount();
    const raw = Buffer.from(fixture('new-request.eml', { FROM: emails[0]! }));
    const result = await deliver(intake, blobs, raw);
    expect(result.outcome).toBe('ticket');
    const { ticket } = await loadTicket(deskContext(), undefined, result.ticketId!);
    expect(ticket.accountId).toBe(account.id);
    expect(ticket.channel).toBe('email');
    expect(ticket.contactEmail).toBe(emails[0]);
    expect(ticket.subject).toBe('Orders stuck since 9:00');
    expect(ticket.entitlement.decision).toBeDefined();
    const [first] = await messagesOf(ticket.id);
    expect(first!.body).toBe(
      'Hello,\n\nNothing syncs since 9:00. The order queue shows 214 pending orders.\n\nIvana',
    );
    expect(first!.messageId).toBe('CAF7xk2q9d1=new-request@mail.jadran.example');

    const [ack, ...more] = await sendOutboxTo(deskContext(), emails);
    expect(more).toEqual([]);
    expect(ack!.subject).toBe(`[${ticket.reference}] Orders stuck since 9:00`);
    expect(ack!.to).toEqual([emails[0]]);
    expect(ack!.headers['In-Reply-To']).toBe('<CAF7xk2q9d1=new-request@mail.jadran.example>');
    expect(ack!.headers['Auto-Submitted']).toBe('auto-replied');
    expect(ticketIdFromMessageId(ack!.headers['Message-ID']!, settings)).toBe(ticket.id);
    expect(ack!.text).toContain(ticket.reference);

    // The same mail again (SES redelivery), and again under another SES id: nothing changes.
    const sesId = newSesId();
    expect((await deliver(intake, blobs, raw, { sesMessageId: sesId })).outcome).toBe('duplicate');
    expect((await deliver(intake, blobs, raw, { sesMessageId: sesId })).outcome).toBe('duplicate');
    expect(await messagesOf(ticket.id)).toHaveLength(1);
    expect(await sendOutboxTo(deskContext(), emails)).toEqual([]);
  });

  test('replies from Outlook, Gmail and Apple Mail thread onto the ticket; quotes stripped; attachment kept', async () => {
    const { emails } = await customerAccount();
    const from = emails[0]!;
    const opened = await deliver(
      intake,
      blobs,
      message({ from, subject: 'Orders stuck since 9:00', body: 'Stuck' }),
    );
    const { ticket } = await loadTicket(deskContext(), undefined, opened.ticketId!);
    const [ack] = await sendOutboxTo(deskContext(), [from]);
    const vars = { FROM: from, REF: ticket.reference, ack: ack! };

    for (const name of ['outlook-reply.eml', 'gmail-reply.eml', 'apple-mail-reply.eml']) {
      const result = await deliver(intake, blobs, withAck(name, vars));
      expect(result, name).toMatchObject({ outcome: 'reply', ticketId: ticket.id });
    }
    const bodies = (await messagesOf(ticket.id)).map((m) => m.body);
    expect(bodies).toHaveLength(4);
    expect(bodies[1]).toBe(
      'Thanks, the restart fixed the queue. One more thing: invoices still show the old VAT rate.\n\nIvana Horvat\nJadran Foods d.o.o.',
    );
    expect(bodies[2]).toBe(
      'Still broken after the restart. Screenshot attached.\n\n[Attachment: queue.png (1 KB)]',
    );
    expect(bodies[3]).toBe(
      'Here is the log you asked for: the sync stopped at 09:00:12 with “token expired”.',
    );
    const attachments = await deskContext().store.doc.send(
      new QueryCommand({
        TableName: deskContext().store.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
        ExpressionAttributeValues: { ':pk': `TICKET#${ticket.id}`, ':a': 'ATTACHMENT#' },
      }),
    );
    expect(attachments.Items?.map((a) => [a.filename, a.size])).toEqual([['queue.png', 70]]);
    expect((await blobs.get(attachments.Items![0]!.key as string))?.byteLength).toBe(70);
    // Customer replies are not automatic mail: no acknowledgement for them.
    expect(await sendOutboxTo(deskContext(), [from])).toEqual([]);
  });

  test('the subject reference threads only for the ticket’s own account', async () => {
    const a = await customerAccount();
    const b = await customerAccount();
    const opened = await deliver(
      intake,
      blobs,
      message({ from: a.emails[0]!, subject: 'Printer', body: 'Jammed' }),
    );
    const { ticket } = await loadTicket(deskContext(), undefined, opened.ticketId!);
    const same = await deliver(
      intake,
      blobs,
      message({
        from: a.emails[0]!,
        subject: `Re: [${ticket.reference.toLowerCase()}] Printer`,
        body: 'Still jammed',
      }),
    );
    expect(same).toMatchObject({ outcome: 'reply', ticketId: ticket.id });
    // Another account's contact naming that reference opens a ticket on its own account instead.
    const other = await deliver(
      intake,
      blobs,
      message({ from: b.emails[0]!, subject: `Re: [${ticket.reference}] Printer`, body: 'Me too' }),
    );
    expect(other.outcome).toBe('ticket');
    expect(other.ticketId).not.toBe(ticket.id);
    expect((await loadTicket(deskContext(), undefined, other.ticketId!)).ticket.accountId).toBe(b.account.id);
  });

  test('charsets end up right in the ticket: windows-1252, iso-2022-jp, an unknown label', async () => {
    const { emails } = await customerAccount();
    const expectations: [string, string, string][] = [
      [
        'windows-1252.eml',
        'Factura “duplicada” de 120 €',
        'La factura “duplicada” cobra 120 € dos veces. ¿Podéis revisarlo?',
      ],
      ['iso-2022-jp.eml', '注文の同期エラー', '注文が同期されません。\n至急確認してください。'],
      ['unknown-charset.eml', 'Café orders', 'Café orders are missing since the update.'],
      ['html-base64.eml', 'Price list import fails', 'The price list import fails with error E-4021.'],
      ['missing-boundary.eml', 'Broken mailer', 'The export button does nothing.'],
      ['invalid-base64.eml', 'Bad encoding', 'The report page is empty.'],
    ];
    for (const [name, subject, text] of expectations) {
      const result = await deliver(intake, blobs, fixture(name, { FROM: emails[0]! }));
      expect(result.outcome, name).toBe('ticket');
      const { ticket } = await loadTicket(deskContext(), undefined, result.ticketId!);
      expect(ticket.subject, name).toBe(subject);
      expect((await messagesOf(ticket.id))[0]!.body, name).toContain(text);
    }
  });

  test('a mail without Message-ID: redelivered bytes are recognised', async () => {
    const { emails } = await customerAccount();
    const raw = fixture('no-message-id.eml', { FROM: emails[0]! });
    const first = await deliver(intake, blobs, raw);
    expect(first.outcome).toBe('ticket');
    expect(first.messageId).toMatch(/@derived\.invalid$/);
    expect((await deliver(intake, blobs, raw)).outcome).toBe('duplicate');
  });

  test('concurrent deliveries of one mail open one ticket', async () => {
    const { emails } = await customerAccount();
    const raw = message({ from: emails[0]!, subject: 'Twice at once', body: 'Race' });
    const results = await Promise.all([1, 2, 3, 4].map(() => deliver(intake, blobs, raw)));
    expect(results.filter((r) => r.outcome === 'ticket')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(3);
  });
});

describe('the ticket lifecycle by mail', () => {
  test('a reply while waiting on the customer resumes; after resolution it reopens; when closed it continues on a new ticket', async () => {
    const { emails } = await customerAccount();
    const from = emails[0]!;
    const opened = await deliver(intake, blobs, message({ from, subject: 'Sync', body: 'Broken' }));
    const id = opened.ticketId!;
    const ctx = deskContext();
    await changeTicket(ctx, id, () => [{ type: 'setStatus', status: 'waiting_on_customer' }]);
    const ref = (await loadTicket(ctx, undefined, id)).ticket.reference;
    await deliver(intake, blobs, message({ from, subject: `Re: [${ref}] Sync`, body: 'Here is the log' }));
    expect((await loadTicket(ctx, undefined, id)).ticket.status).not.toBe('waiting_on_customer');

    await changeTicket(ctx, id, () => [{ type: 'setStatus', status: 'resolved' }]);
    const sent = await sendOutboxTo(deskContext(), [from]);
    expect(sent.map((m) => m.subject)).toEqual([`[${ref}] Sync`, `[${ref}] Sync`]);
    expect(sent[1]!.text).toContain('has been resolved');
    await deliver(intake, blobs, message({ from, subject: `Re: [${ref}] Sync`, body: 'It broke again' }));
    const reopened = (await loadTicket(ctx, undefined, id)).ticket;
    expect(reopened.status).toBe('in_progress');
    expect(reopened.reopenedCount).toBe(1);

    await changeTicket(ctx, id, () => [
      { type: 'setStatus', status: 'resolved' },
      { type: 'setStatus', status: 'closed' },
    ]);
    const late = await deliver(
      intake,
      blobs,
      message({ from, subject: `Re: [${ref}] Sync`, body: 'Once more' }),
    );
    expect(late.outcome).toBe('reply');
    expect(late.ticketId).not.toBe(id);
    expect((await loadTicket(ctx, undefined, late.ticketId!)).ticket.relatedTicketId).toBe(id);
  });

  test('an agent’s public reply is mailed in the thread; the customer’s answer to it threads back', async () => {
    const { emails } = await customerAccount();
    const from = emails[0]!;
    const opened = await deliver(
      intake,
      blobs,
      message({ from, subject: 'VAT', body: 'Wrong rate', messageId: 'vat-1@c.example' }),
    );
    const agent = client(api.baseUrl, await keyFor('agent'));
    const posted = await agent('POST', `/v1/tickets/${opened.ticketId}/messages`, {
      body: 'Fixed in 2.3.1.',
    });
    expect(posted.status).toBe(201);
    const internal = await agent('POST', `/v1/tickets/${opened.ticketId}/messages`, {
      body: 'note to self',
      visibility: 'internal',
    });
    expect(internal.status).toBe(201);
    const [ack, reply, ...rest] = await sendOutboxTo(deskContext(), [from]);
    expect(rest).toEqual([]);
    expect(ack!.headers['Auto-Submitted']).toBe('auto-replied');
    expect(reply!.text).toContain('Fixed in 2.3.1.');
    expect(reply!.headers['Auto-Submitted']).toBeUndefined();
    expect(reply!.headers['In-Reply-To']).toBe('<vat-1@c.example>');
    // The customer answers the agent's mail with no reference in the subject: the token finds it.
    const answer = await deliver(
      intake,
      blobs,
      message({
        from,
        subject: 'thanks',
        body: 'Works now',
        headers: { 'In-Reply-To': reply!.headers['Message-ID']!, References: reply!.headers.References! },
      }),
    );
    expect(answer).toMatchObject({ outcome: 'reply', ticketId: opened.ticketId });
  });
});

describe('what never becomes a ticket', () => {
  test('virus: dropped; spam and failed authentication: quarantined until an agent releases it', async () => {
    const { emails } = await customerAccount();
    const from = emails[0]!;
    const virus = await deliver(intake, blobs, message({ from, subject: 'Invoice', body: 'x' }), {
      verdicts: { ...PASS, virus: 'FAIL' },
    });
    expect(virus).toMatchObject({ outcome: 'dropped', reason: 'virus' });

    const spam = await deliver(intake, blobs, message({ from, subject: 'Held one', body: 'Please help' }), {
      verdicts: { ...PASS, spam: 'FAIL', dkim: 'FAIL' },
    });
    expect(spam).toMatchObject({ outcome: 'quarantined', reason: 'spam,dkim' });
    expect(await sendOutboxTo(deskContext(), [from])).toEqual([]);

    const agent = client(api.baseUrl, await keyFor('agent'));
    const customer = client(api.baseUrl, await keyFor('customer', (await customerAccount()).account.id));
    expect((await customer('GET', '/v1/quarantine')).status).toBe(403);
    let held: { id: string; from: string; subject: string; reasons: string[] } | undefined;
    let cursor: string | undefined;
    do {
      const page = await agent('GET', `/v1/quarantine?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      held = page.body.items.find(
        (e: { from: string; subject: string }) => e.from === from && e.subject === 'Held one',
      );
      cursor = page.body.nextCursor;
    } while (!held && cursor);
    expect(held).toMatchObject({ reasons: ['spam', 'dkim'] });
    expect(held).not.toHaveProperty('rawKey');

    const released = await releaseAndWait(agent, held!.id);
    expect(released).toMatchObject({ status: 'released', outcome: 'ticket' });
    expect(released).not.toHaveProperty('rawKey');
    const again = await agent('POST', `/v1/quarantine/${held!.id}/release`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      id: held!.id,
      status: 'released',
      statusUrl: `/v1/quarantine/${held!.id}`,
      outcome: 'ticket',
      ticketId: released.ticketId,
    });
    expect((await agent('POST', '/v1/quarantine/nope/release')).status).toBe(404);
    expect((await agent('GET', '/v1/quarantine/nope')).status).toBe(404);
    const { ticket } = await loadTicket(deskContext(), undefined, released.ticketId);
    expect(ticket.subject).toBe('Held one');
    expect((await sendOutboxTo(deskContext(), [from])).map((m) => m.subject)).toEqual([
      `[${ticket.reference}] Held one`,
    ]);
  });

  test('an out-of-office and a mailing-list message are ignored and never answered', async () => {
    const { emails } = await customerAccount();
    const from = emails[0]!;
    const opened = await deliver(intake, blobs, message({ from, subject: 'Sync', body: 'Broken' }));
    const [ack] = await sendOutboxTo(deskContext(), [from]);
    const { ticket } = await loadTicket(deskContext(), undefined, opened.ticketId!);
    const ooo = await deliver(
      intake,
      blobs,
      withAck('out-of-office.eml', { FROM: from, REF: ticket.reference, ack: ack! }),
    );
    expect(ooo).toMatchObject({ outcome: 'automatic', reason: 'auto-submitted' });
    const list = await deliver(intake, blobs, fixture('mailing-list.eml'));
    expect(list.outcome).toBe('automatic');
    expect(await messagesOf(ticket.id)).toHaveLength(1);
    expect(await sendOutboxTo(deskContext(), [from, 'digest@lists.example.org'])).toEqual([]);
  });

  test('a bounce of our mail is recorded on its ticket, as an internal note', async () => {
    const { emails } = await customerAccount();
    const opened = await deliver(
      intake,
      blobs,
      message({ from: emails[0]!, subject: 'Sync', body: 'Broken' }),
    );
    const [ack] = await sendOutboxTo(deskContext(), emails);
    const { ticket } = await loadTicket(deskContext(), undefined, opened.ticketId!);
    const bounce = await deliver(
      intake,
      blobs,
      withAck('bounce.eml', { FROM: emails[0]!, REF: ticket.reference, ack: ack! }),
    );
    expect(bounce).toMatchObject({ outcome: 'bounce', ticketId: ticket.id });
    const notes = (await messagesOf(ticket.id)).filter((m) => m.visibility === 'internal');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('5.1.1');
    expect(notes[0]!.automatic).toBe(true);
  });

  test('an unknown sender gets one polite answer a day, and nothing else', async () => {
    const stranger = uniqueAddress('stranger', 'elsewhere.example');
    const first = await deliver(
      intake,
      blobs,
      message({ from: stranger, subject: 'Hello?', body: 'Can you help?' }),
    );
    expect(first).toMatchObject({ outcome: 'unknownSender', reason: 'answered' });
    const second = await deliver(
      intake,
      blobs,
      message({ from: stranger, subject: 'Hello again', body: '?' }),
    );
    expect(second).toMatchObject({ outcome: 'unknownSender', reason: 'not-answered' });
    const answers = await sendOutboxTo(deskContext(), [stranger]);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.subject).toBe('Re: Hello?');
    expect(answers[0]!.text).toContain('not registered');
    expect(answers[0]!.headers['Auto-Submitted']).toBe('auto-replied');
    api.clock.advance(25 * 3600_000);
    const later = await deliver(intake, blobs, message({ from: stranger, subject: 'Next day', body: '?' }));
    expect(later).toMatchObject({ outcome: 'unknownSender', reason: 'answered' });
    expect(await sendOutboxTo(deskContext(), [stranger])).toHaveLength(1);
  });
});

describe('size limits', () => {
  test('a 10 MB attachment is kept; one over the per-file limit is noted, not kept', async () => {
    const { emails } = await customerAccount();
    const full = createIntake({ context: deskContext, blobs, settings });
    const raw = withAttachments(emails[0]!, [['server.log', Buffer.alloc(10 * 1024 * 1024, 7)]]);
    const result = await deliver(full, blobs, raw);
    expect(result.outcome).toBe('ticket');
    const [first] = await messagesOf(result.ticketId!);
    expect(first!.body).toBe('Logs attached.\n\n[Attachment: server.log (10.0 MB)]');

    const strict = createIntake({
      context: deskContext,
      blobs,
      settings,
      limits: { maxAttachmentBytes: 1024 * 1024 },
    });
    const over = await deliver(
      strict,
      blobs,
      withAttachments(emails[0]!, [
        ['small.txt', Buffer.from('fine')],
        ['core.dump', Buffer.alloc(1024 * 1024 + 1, 8)],
      ]),
    );
    expect(over.outcome).toBe('ticket');
    expect((await messagesOf(over.ticketId!))[0]!.body).toBe(
      'Logs attached.\n\n[Attachment: small.txt (1 KB)]\n[Not kept: core.dump (1.0 MB, over the 1.0 MB limit)]',
    );
  });

  test('an oversized message gets one polite answer and is kept for inspection', async () => {
    const { emails } = await customerAccount();
    const small = createIntake({
      context: deskContext,
      blobs,
      settings,
      limits: { maxMessageBytes: 64 * 1024 },
    });
    const raw = message({ from: emails[0]!, subject: 'Huge', body: 'x'.repeat(100 * 1024) });
    const result = await deliver(small, blobs, raw);
    expect(result).toMatchObject({ outcome: 'oversized' });
    const answers = await sendOutboxTo(deskContext(), emails);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain('larger than');
    expect((await deliver(small, blobs, raw)).outcome).toBe('duplicate');
  });
});

function withAttachments(from: string, files: [string, Buffer][]): Buffer {
  const boundary = 'b-1234567890';
  const parts = files.map(([name, bytes]) =>
    [
      `--${boundary}`,
      `Content-Type: application/octet-stream; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ].join('\r\n'),
  );
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${SUPPORT}`,
      'Subject: Logs',
      `Message-ID: <logs-${newSesId()}@jadran.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Logs attached.',
      ...parts,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
