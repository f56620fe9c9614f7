// Automatic mail end to end through the local SMTP server: for each kind (vacation responder, list
// server notice, daemon bounce, complaint, read receipts, challenge-response), a contact whose
// ticket is resolved, and whose acknowledgement the mail is about: no ticket opens, nothing lands
// in the outbox, the ticket is not reopened, and a report about our mail leaves an internal note.
// Then the verdicts a message asks for with X-Local-Verdicts: quarantine and release over SMTP.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { changeTicket, loadTicket } from '../../functions/app/tickets.ts';
import type { IntakeResult } from '../../functions/email/intake.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import { outboundMessageId } from '../../functions/mail/threading.ts';
import { listMessages } from '../../functions/store/messages.ts';
import { readLocalConfig } from '../../local/config.ts';
import { type LocalSmtpServer, startSmtpServer } from '../../local/smtp.ts';
import {
  client,
  deskContext,
  type Harness,
  keyFor,
  seedAccount,
  seedCatalog,
  startApi,
} from '../api/harness.ts';
import { fixture, message, releaseAndWait, SUPPORT, sendOutboxTo, uniqueAddress } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'desk-smtp-auto-'));
let api: Harness;
let smtp: LocalSmtpServer;
let catalog: string;
const processed: IntakeResult[] = [];

beforeAll(async () => {
  api = await startApi({ dataDir, mailDir: join(dataDir, 'mail') });
  catalog = await seedCatalog('b2bee');
  smtp = await startSmtpServer({
    host: '127.0.0.1',
    context: () => api.ctx,
    port: 0,
    supportAddress: SUPPORT,
    dataDir,
    verdictHeader: true,
    onProcessed: (r) => processed.push(r),
  });
});
afterAll(async () => {
  await smtp.stop();
  await api.close();
});

async function send(port: number, from: string, raw: Buffer) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from, to: [SUPPORT] }, raw });
  } finally {
    transport.close();
  }
  return processed.at(-1)!;
}

/** A contact with one resolved ticket, opened by mail, whose acknowledgement has been sent. */
async function resolvedTicket() {
  const contact = uniqueAddress('ivana');
  const account = await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
  const opened = await send(
    smtp.port,
    contact,
    message({ from: contact, subject: 'Orders stuck since 9:00', body: 'Nothing syncs' }),
  );
  expect(opened.outcome).toBe('ticket');
  const [ack] = await sendOutboxTo(deskContext(), [contact]);
  const ctx = deskContext();
  await changeTicket(ctx, opened.ticketId!, () => [{ type: 'setStatus', status: 'resolved' }]);
  await sendOutboxTo(deskContext(), [contact]); // the resolution notice
  const { ticket } = await loadTicket(ctx, undefined, opened.ticketId!);
  const vars = {
    FROM: contact,
    REF: ticket.reference,
    ACK_ID: ack!.headers['Message-ID']!.replace(/^<|>$/g, ''),
    THREAD: outboundMessageId(ticket.id, 'thread', mailSettings(SUPPORT)),
  };
  return { contact, account, ticket, vars };
}

async function messagesOf(ticketId: string) {
  return (await listMessages(deskContext().store, ticketId, { includeInternal: true, limit: 100 })).items;
}

describe('automatic mail through SMTP: no ticket, no answer, no reopen', () => {
  const cases: { name: string; fixture: string; outcome: string; reason?: string; note?: RegExp }[] = [
    {
      name: 'an iCloud vacation reply',
      fixture: 'apple-vacation.eml',
      outcome: 'automatic',
      reason: 'apple-action',
    },
    {
      name: "a list server's notice",
      fixture: 'list-server-notice.eml',
      outcome: 'automatic',
      reason: 'list-server',
    },
    {
      name: 'challenge-response',
      fixture: 'challenge-response.eml',
      outcome: 'automatic',
      reason: 'challenge-subject',
    },
    {
      name: "a daemon's plain-text bounce",
      fixture: 'daemon-plain-bounce.eml',
      outcome: 'bounce',
      note: /could not be delivered/,
    },
    {
      name: 'a complaint (ARF in multipart/mixed)',
      fixture: 'arf-complaint-mixed.eml',
      outcome: 'automatic',
      reason: 'complaint',
      note: /reported mail about this ticket as unwanted \(feedback type abuse\)/,
    },
    {
      name: 'a read receipt (MDN)',
      fixture: 'mdn-read-receipt.eml',
      outcome: 'automatic',
      reason: 'read-receipt',
      note: /read receipt .* \(displayed\)/,
    },
    {
      name: 'a read receipt with its fields in a text part',
      fixture: 'mdn-in-text.eml',
      outcome: 'automatic',
      reason: 'read-receipt',
      note: /read receipt/,
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const { contact, account, ticket, vars } = await resolvedTicket();
      const before = await messagesOf(ticket.id);
      const result = await send(smtp.port, contact, fixture(c.fixture, vars));
      expect(result).toMatchObject({ outcome: c.outcome, ...(c.reason ? { reason: c.reason } : {}) });

      const ctx = deskContext();
      const after = (await loadTicket(ctx, undefined, ticket.id)).ticket;
      expect(after.status).toBe('resolved');
      expect(after.reopenedCount ?? 0).toBe(0);
      const messages = await messagesOf(ticket.id);
      const added = messages.filter((m) => !before.some((b) => b.id === m.id));
      if (c.note) {
        expect(result.ticketId).toBe(ticket.id);
        expect(added).toHaveLength(1);
        expect(added[0]).toMatchObject({
          visibility: 'internal',
          automatic: true,
          author: { type: 'system' },
        });
        expect(added[0]!.body).toMatch(c.note);
      } else {
        expect(added).toEqual([]);
      }
      const customer = client(api.baseUrl, await keyFor('customer', account.id));
      expect((await customer('GET', '/v1/tickets')).body.items).toHaveLength(1);
      expect(await sendOutboxTo(deskContext(), [contact, vars.FROM, 'tips-owner@lists.example.org'])).toEqual(
        [],
      );
    });
  }

  test('a person writing "Out of office" in a fresh subject still opens a ticket', async () => {
    const { contact, account } = await resolvedTicket();
    const result = await send(
      smtp.port,
      contact,
      message({ from: contact, subject: 'Out of office replies are not sent', body: 'Since Monday.' }),
    );
    expect(result.outcome).toBe('ticket');
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    expect((await customer('GET', '/v1/tickets')).body.items).toHaveLength(2);
  });
});

describe('quoted text through SMTP: only the reply is stored', () => {
  function reply(vars: Record<string, string>, contentType: string, lines: string[]): Buffer {
    return Buffer.from(
      [
        `From: ${vars.FROM}`,
        `To: ${SUPPORT}`,
        `Subject: Re: [${vars.REF}] Orders stuck since 9:00`,
        `Message-ID: <reply-${vars.REF}-${lines.length}@jadran.example>`,
        `In-Reply-To: <${vars.ACK_ID}>`,
        `References: <${vars.THREAD}> <${vars.ACK_ID}>`,
        'MIME-Version: 1.0',
        `Content-Type: ${contentType}`,
        'Content-Transfer-Encoding: 8bit',
        '',
        ...lines,
        '',
      ].join('\r\n'),
    );
  }

  test('a flowed reply (DelSp) over a Russian attribution, and an Outlook block in Korean', async () => {
    const { contact, ticket, vars } = await resolvedTicket();
    const flowed = await send(
      smtp.port,
      contact,
      reply(vars, 'text/plain; charset=utf-8; format=flowed; delsp=yes', [
        'Синхронизация снова не рабо ',
        'тает.',
        '',
        '1 декабря 2026 г., в 10:00, пользователь Support Desk <support@desk.localhost> ',
        'написал: ',
        '> We have received your request.',
      ]),
    );
    expect(flowed).toMatchObject({ outcome: 'reply', ticketId: ticket.id });
    const outlook = await send(
      smtp.port,
      contact,
      reply(vars, 'text/plain; charset=utf-8', [
        '주문이 여전히 동기화되지 않습니다.',
        '',
        '보낸 사람: Support Desk',
        '보낸 날짜: 2026년 12월 1일 월요일 오전 10:00',
        '받는 사람: Ivana Horvat',
        `제목: [${vars.REF}] Orders stuck since 9:00`,
        '',
        'We have received your request.',
      ]),
    );
    expect(outlook).toMatchObject({ outcome: 'reply', ticketId: ticket.id });
    const bodies = (await messagesOf(ticket.id)).filter((m) => m.visibility === 'public').map((m) => m.body);
    expect(bodies.slice(-2)).toEqual([
      'Синхронизация снова не работает.',
      '주문이 여전히 동기화되지 않습니다.',
    ]);
    // The customer's reply reopened the resolved ticket and was acknowledged in the thread as usual.
    expect((await loadTicket(deskContext(), undefined, ticket.id)).ticket.status).not.toBe('resolved');
  });
});

describe('verdicts asked for with X-Local-Verdicts', () => {
  test('spam and DKIM failures quarantine the mail; the header is not stored; an agent releases it', async () => {
    const contact = uniqueAddress('ana');
    const account = await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
    const raw = message({
      from: contact,
      subject: 'Held by the filter',
      body: 'Please help',
      headers: { 'X-Local-Verdicts': 'spam=FAIL;\r\n dkim=fail' },
    });
    const held = await send(smtp.port, contact, raw);
    expect(held).toMatchObject({ outcome: 'quarantined', reason: 'spam,dkim' });
    expect(await sendOutboxTo(deskContext(), [contact])).toEqual([]);
    const stored = readFileSync(join(dataDir, 'mail', 'inbound', held.sesMessageId), 'latin1');
    expect(stored).toContain('Subject: Held by the filter');
    expect(stored).not.toMatch(/x-local-verdicts|dkim=fail/i);

    const agent = client(api.baseUrl, await keyFor('agent'));
    let entry: { id: string; reasons: string[] } | undefined;
    let cursor: string | undefined;
    do {
      const page = await agent('GET', `/v1/quarantine?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      entry = page.body.items.find((e: { from: string }) => e.from === contact);
      cursor = page.body.nextCursor;
    } while (!entry && cursor);
    expect(entry).toMatchObject({ reasons: ['spam', 'dkim'] });
    const released = await releaseAndWait(agent, entry!.id);
    expect(released.outcome).toBe('ticket');
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    expect(
      (await customer('GET', '/v1/tickets')).body.items.map((t: { subject: string }) => t.subject),
    ).toEqual(['Held by the filter']);
    expect((await sendOutboxTo(deskContext(), [contact])).map((m) => m.subject)).toHaveLength(1);
  });

  test('a virus verdict drops the mail', async () => {
    const contact = uniqueAddress('vera');
    await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
    const raw = message({
      from: contact,
      subject: 'x',
      body: 'y',
      headers: { 'X-Local-Verdicts': 'virus=FAIL' },
    });
    expect(await send(smtp.port, contact, raw)).toMatchObject({ outcome: 'dropped', reason: 'virus' });
  });

  test('a bad verdict is refused at DATA, naming the check', async () => {
    const raw = message({
      from: 'a@b.example',
      subject: 'x',
      body: 'y',
      headers: { 'X-Local-Verdicts': 'spamm=FAIL' },
    });
    await expect(send(smtp.port, 'a@b.example', raw)).rejects.toThrow(/550.*unknown check "spamm"/);
    const bad = message({
      from: 'a@b.example',
      subject: 'x',
      body: 'y',
      headers: { 'X-Local-Verdicts': 'spf=MAYBE' },
    });
    await expect(send(smtp.port, 'a@b.example', bad)).rejects.toThrow(/spf must be one of PASS, FAIL/);
  });

  test('LOCAL_VERDICT_HEADER: on unless 0; anything else is refused, naming the setting', () => {
    expect(readLocalConfig({}).localVerdictHeader).toBe(true);
    expect(readLocalConfig({ LOCAL_VERDICT_HEADER: '1' }).localVerdictHeader).toBe(true);
    expect(readLocalConfig({ LOCAL_VERDICT_HEADER: '0' }).localVerdictHeader).toBe(false);
    expect(() => readLocalConfig({ LOCAL_VERDICT_HEADER: 'yes' })).toThrow(/LOCAL_VERDICT_HEADER/);
  });

  test('with the setting off the header is an ordinary header: every verdict passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-smtp-noverdict-'));
    const results: IntakeResult[] = [];
    const plain = await startSmtpServer({
      host: '127.0.0.1',
      context: () => api.ctx,
      port: 0,
      supportAddress: SUPPORT,
      dataDir: dir,
      verdictHeader: false,
      onProcessed: (r) => results.push(r),
    });
    try {
      const contact = uniqueAddress('otto');
      await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
      const raw = message({
        from: contact,
        subject: 'Not held',
        body: 'y',
        headers: { 'X-Local-Verdicts': 'spam=FAIL' },
      });
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: plain.port,
        secure: false,
        ignoreTLS: true,
      });
      await transport.sendMail({ envelope: { from: contact, to: [SUPPORT] }, raw });
      transport.close();
      expect(results.at(-1)!.outcome).toBe('ticket');
      const [stored] = readdirSync(join(dir, 'mail', 'inbound'));
      expect(readFileSync(join(dir, 'mail', 'inbound', stored!), 'latin1')).toContain(
        'X-Local-Verdicts: spam=FAIL',
      );
    } finally {
      await plain.stop();
    }
  });
});
