// Automatic-mail detection, threading tokens and subject references, and the outbound headers that
// make the desk's own mail recognisable. Pure.
import { describe, expect, test } from 'vitest';
import { classifyMail } from '../../functions/email/classify.ts';
import { parseMail } from '../../functions/email/parse.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import { acknowledgement, agentReply, unknownSenderReply } from '../../functions/mail/templates.ts';
import {
  outboundMessageId,
  subjectReferences,
  subjectWithReference,
  threadedTicketIds,
  ticketIdFromMessageId,
} from '../../functions/mail/threading.ts';
import { fixture, message } from './helpers.ts';

const settings = mailSettings('Support@Desk.localhost');
const ticketId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const vars = {
  FROM: 'ivana@jadran.example',
  REF: 'B2B-7',
  ACK_ID: outboundMessageId(ticketId, 'ack1', settings),
  THREAD: outboundMessageId(ticketId, 'thread', settings),
};

describe('automatic mail', () => {
  test('an Outlook out-of-office (Auto-Submitted: auto-replied) is automatic', async () => {
    expect(classifyMail(await parseMail(fixture('out-of-office.eml', vars)), settings)).toEqual({
      kind: 'automatic',
      reason: 'auto-submitted',
    });
  });

  test('a mailing-list message is automatic', async () => {
    const kind = classifyMail(await parseMail(fixture('mailing-list.eml', vars)), settings);
    expect(kind.kind).toBe('automatic');
  });

  test('a delivery report names the ticket through the thread token SES kept in References', async () => {
    expect(classifyMail(await parseMail(fixture('bounce.eml', vars)), settings)).toEqual({
      kind: 'report',
      report: 'delivery',
      ticketIds: [ticketId],
      detail: '5.1.1',
    });
  });

  test('header signals, each alone', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ Precedence: 'bulk' }, 'precedence-bulk'],
      [{ Precedence: 'junk' }, 'precedence-junk'],
      [{ 'X-Autoreply': 'yes' }, 'x-autoreply'],
      [{ 'X-Autorespond': 'Out of office' }, 'x-autorespond'],
      [{ 'List-Unsubscribe': '<mailto:u@example.org>' }, 'mailing-list'],
      [{ 'Auto-Submitted': 'auto-generated' }, 'auto-submitted'],
      [{ 'X-Loop': 'support@desk.localhost' }, 'own-mail'],
    ];
    for (const [headers, reason] of cases) {
      const mail = await parseMail(message({ from: 'a@b.example', subject: 'x', body: 'y', headers }));
      expect(classifyMail(mail, settings), reason).toEqual({ kind: 'automatic', reason });
    }
  });

  test('Auto-Submitted: no is a person', async () => {
    const mail = await parseMail(
      message({ from: 'a@b.example', subject: 'x', body: 'y', headers: { 'Auto-Submitted': 'no' } }),
    );
    expect(classifyMail(mail, settings)).toEqual({ kind: 'person' });
  });

  test('an empty Return-Path or a mailer-daemon sender is automatic', async () => {
    const empty = await parseMail(
      Buffer.from(
        message({ from: 'a@b.example', subject: 'x', body: 'y' })
          .toString()
          .replace(/^Return-Path: <[^>]*>/, 'Return-Path: <>'),
      ),
    );
    expect(classifyMail(empty, settings)).toEqual({ kind: 'automatic', reason: 'empty-return-path' });
    const daemon = await parseMail(message({ from: 'postmaster@b.example', subject: 'x', body: 'y' }));
    expect(classifyMail(daemon, settings)).toEqual({ kind: 'automatic', reason: 'daemon-sender' });
  });

  test('our own outbound coming back (from our address, or with our Message-ID) is automatic', async () => {
    const own = await parseMail(message({ from: 'support@desk.localhost', subject: 'x', body: 'y' }));
    expect(classifyMail(own, settings)).toEqual({ kind: 'automatic', reason: 'own-mail' });
    const echoed = await parseMail(
      message({ from: 'x@y.example', subject: 'x', body: 'y', messageId: vars.ACK_ID }),
    );
    expect(classifyMail(echoed, settings)).toEqual({ kind: 'automatic', reason: 'own-mail' });
  });

  test('client replies are from persons', async () => {
    for (const name of ['outlook-reply.eml', 'gmail-reply.eml', 'apple-mail-reply.eml', 'new-request.eml']) {
      expect(classifyMail(await parseMail(fixture(name, vars)), settings), name).toEqual({ kind: 'person' });
    }
  });
});

describe('automatic mail that looks like a person', () => {
  const report = (name: string) => parseMail(fixture(name, vars));

  test("vacation responders without Auto-Submitted: Apple, and the other vendors' headers", async () => {
    expect(classifyMail(await report('apple-vacation.eml'), settings)).toEqual({
      kind: 'automatic',
      reason: 'apple-action',
    });
    const cases: [Record<string, string>, string][] = [
      [{ 'X-Autoreply-From': 'ivana@jadran.example' }, 'x-autoreply-from'],
      [{ 'X-Mail-Autoreply': 'yes' }, 'x-mail-autoreply'],
      [{ 'X-Auto-Reply': 'yes' }, 'x-auto-reply'],
      [{ 'X-MS-Exchange-Inbox-Rules-Loop': 'ivana@jadran.example' }, 'exchange-generated'],
      [{ 'X-Precedence': 'auto_reply' }, 'x-precedence-auto_reply'],
      [{ 'X-Precedence': 'bulk' }, 'x-precedence-bulk'],
      [{ Precedence: 'auto-reply' }, 'precedence-auto-reply'],
    ];
    for (const [headers, reason] of cases) {
      const mail = await parseMail(
        message({ from: 'ivana@jadran.example', subject: 'x', body: 'y', headers }),
      );
      expect(classifyMail(mail, settings), reason).toEqual({ kind: 'automatic', reason });
    }
  });

  test('a responder subject counts only with a second signal', async () => {
    const subjects = [
      'Auto: Orders',
      'Automatic reply: [B2B-7] Orders',
      'Out of Office: Orders',
      'Abwesenheitsnotiz: Bestellungen',
      'Respuesta automática: Pedidos',
      'Réponse automatique : Commandes',
      'Risposta automatica: Ordini',
      'Resposta automática: Pedidos',
      'Automatisch antwoord: Bestellingen',
      'Automatski odgovor: Narudžbe',
      'Автоответ: Заказы',
      '自動応答: 注文',
      '自动回复: 订单',
      '자동 회신: 주문',
    ];
    for (const subject of subjects) {
      const alone = await parseMail(message({ from: 'ivana@jadran.example', subject, body: 'Away' }));
      expect(classifyMail(alone, settings), subject).toEqual({ kind: 'person' });
      const suppress = await parseMail(
        message({
          from: 'ivana@jadran.example',
          subject,
          body: 'Away',
          headers: { 'X-Auto-Response-Suppress': 'All' },
        }),
      );
      expect(classifyMail(suppress, settings), subject).toEqual({
        kind: 'automatic',
        reason: 'responder-subject',
      });
      const answersOurs = await parseMail(
        message({
          from: 'ivana@jadran.example',
          subject,
          body: 'Away',
          headers: { 'In-Reply-To': `<${vars.ACK_ID}>` },
        }),
      );
      expect(classifyMail(answersOurs, settings), subject).toEqual({
        kind: 'automatic',
        reason: 'responder-subject',
      });
    }
    // A person's reply to our mail about their out-of-office settings.
    const person = await parseMail(
      message({
        from: 'ivana@jadran.example',
        subject: 'Re: [B2B-7] Out of office replies are not sent',
        body: 'Still not sent.',
        headers: { 'In-Reply-To': `<${vars.ACK_ID}>` },
      }),
    );
    expect(classifyMail(person, settings)).toEqual({ kind: 'person' });
  });

  test("mailing lists by any list header, and list servers' notices", async () => {
    const headers: Record<string, string>[] = [
      { 'List-Subscribe': '<mailto:tips-join@lists.example.org>' },
      { 'List-Help': '<mailto:tips-request@lists.example.org?subject=help>' },
      { 'List-Post': '<mailto:tips@lists.example.org>' },
      { 'List-Owner': '<mailto:tips-owner@lists.example.org>' },
      { 'List-Archive': '<https://lists.example.org/tips>' },
      { 'Mailing-List': 'contact tips-help@lists.example.org; run by ezmlm' },
      { 'X-Mailing-List': 'tips@lists.example.org' },
      { 'X-ML-Name': 'tips' },
    ];
    for (const header of headers) {
      const mail = await parseMail(
        message({ from: 'ivana@jadran.example', subject: 'x', body: 'y', headers: header }),
      );
      expect(classifyMail(mail, settings), Object.keys(header)[0]).toEqual({
        kind: 'automatic',
        reason: 'mailing-list',
      });
    }
    expect(classifyMail(await report('list-server-notice.eml'), settings)).toEqual({
      kind: 'automatic',
      reason: 'list-server',
    });
    for (const sender of ['tips-request@l.example', 'owner-tips@l.example', 'majordomo@l.example']) {
      const mail = await parseMail(message({ from: sender, subject: 'x', body: 'y' }));
      expect(classifyMail(mail, settings), sender).toEqual({ kind: 'automatic', reason: 'list-server' });
    }
    const loop = await parseMail(
      message({
        from: 'ivana@jadran.example',
        subject: 'Mail loop detected',
        body: 'y',
        headers: { 'X-Auto-Response-Suppress': 'All' },
      }),
    );
    expect(classifyMail(loop, settings)).toEqual({ kind: 'automatic', reason: 'list-notice-subject' });
  });

  test('daemon and no-reply senders, whatever the envelope says', async () => {
    const senders = [
      'MAILER-DAEMON@mx.example',
      'postmaster@mx.example',
      'post_master@mx.example',
      'mail-daemon@mx.example',
      'noreply@shop.example',
      'no-reply@shop.example',
      'no_reply@shop.example',
      'donotreply@shop.example',
      'do-not-reply@shop.example',
      'billing-noreply@shop.example',
    ];
    for (const from of senders) {
      const mail = await parseMail(message({ from, subject: 'x', body: 'y' }));
      expect(classifyMail(mail, settings, 'bounce-handler@mx.example'), from).toEqual({
        kind: 'automatic',
        reason: 'daemon-sender',
      });
    }
    for (const from of ['noreen@shop.example', 'replyteam@shop.example', 'postmasters-guild@x.example']) {
      const mail = await parseMail(message({ from, subject: 'x', body: 'y' }));
      expect(classifyMail(mail, settings), from).toEqual({ kind: 'person' });
    }
    // A plain-text bounce from a daemon that quotes our headers names the ticket.
    expect(classifyMail(await report('daemon-plain-bounce.eml'), settings)).toEqual({
      kind: 'report',
      report: 'delivery',
      ticketIds: [ticketId],
    });
  });

  test('a complaint (ARF) in multipart/mixed names our ticket through the attached original', async () => {
    expect(classifyMail(await report('arf-complaint-mixed.eml'), settings)).toEqual({
      kind: 'report',
      report: 'complaint',
      ticketIds: [ticketId],
      detail: 'abuse',
    });
  });

  test("read receipts: multipart/report, and MDN fields in a text part; from the contact's own address", async () => {
    for (const name of ['mdn-read-receipt.eml', 'mdn-in-text.eml']) {
      expect(classifyMail(await report(name), settings), name).toEqual({
        kind: 'report',
        report: 'read-receipt',
        ticketIds: [ticketId],
        detail: 'displayed',
      });
    }
  });

  test('challenge-response: by the vendor header, or by its subject answering our mail', async () => {
    expect(classifyMail(await report('challenge-response.eml'), settings)).toEqual({
      kind: 'automatic',
      reason: 'challenge-subject',
    });
    for (const header of ['X-Boxbe-Challenge', 'X-SpamArrest-Challenge', 'X-TMDA-Confirm']) {
      const mail = await parseMail(
        message({ from: 'verify@guard.example', subject: 'Hello', body: 'y', headers: { [header]: 'yes' } }),
      );
      expect(classifyMail(mail, settings), header).toEqual({
        kind: 'automatic',
        reason: 'challenge-response',
      });
    }
    const person = await parseMail(
      message({ from: 'ivana@jadran.example', subject: 'Please verify my invoice', body: 'Thanks' }),
    );
    expect(classifyMail(person, settings)).toEqual({ kind: 'person' });
  });
});

describe('threading', () => {
  test('our token round-trips; other domains and other shapes are not ours', () => {
    expect(vars.ACK_ID).toBe(`desk.${ticketId}.ack1@desk.localhost`);
    expect(ticketIdFromMessageId(`<${vars.ACK_ID}>`, settings)).toBe(ticketId);
    expect(ticketIdFromMessageId(`desk.${ticketId}.ack1@evil.example`, settings)).toBeUndefined();
    expect(ticketIdFromMessageId('CAJx7Y2k@mail.gmail.com', settings)).toBeUndefined();
    expect(ticketIdFromMessageId(outboundMessageId(undefined, 'x', settings), settings)).toBeUndefined();
  });

  test('In-Reply-To first, then References newest first', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    expect(
      threadedTicketIds(
        {
          inReplyTo: [outboundMessageId(other, 'a', settings)],
          references: [vars.THREAD, 'x@y.example', outboundMessageId(other, 'b', settings)],
        },
        settings,
      ),
    ).toEqual([other, ticketId]);
  });

  test('references in the subject: bracketed, any case; not bare words', () => {
    expect(subjectReferences('RE: AW: [b2b-12] Orders [SL-3]')).toEqual(['B2B-12', 'SL-3']);
    expect(subjectReferences('COVID-19 and B2B-12 without brackets')).toEqual([]);
  });

  test('the subject carries the reference once, without piled-up Re: prefixes', () => {
    expect(subjectWithReference('B2B-12', 'Re: RE: [b2b-12] Orders stuck')).toBe('[B2B-12] Orders stuck');
    expect(subjectWithReference('B2B-12', '')).toBe('[B2B-12] (no subject)');
  });
});

describe('outbound headers', () => {
  const ticket = {
    id: ticketId,
    reference: 'B2B-7',
    subject: 'Orders stuck',
    contactEmail: 'ivana@jadran.example',
  };

  test('the acknowledgement answers the customer mail, is automatic and carries the thread token', () => {
    const ack = acknowledgement(ticket, 'u1', settings, {
      inReplyTo: 'orig@jadran.example',
      references: ['orig@jadran.example'],
    });
    expect(ack.mail.subject).toBe('[B2B-7] Orders stuck');
    expect(ack.mail.headers).toMatchObject({
      'Message-ID': `<desk.${ticketId}.u1@desk.localhost>`,
      'In-Reply-To': '<orig@jadran.example>',
      References: `<${vars.THREAD}> <orig@jadran.example>`,
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      'X-Loop': 'support@desk.localhost',
    });
    expect(ack.automatic).toBe(true);
    expect(ack.mail.text).toContain('B2B-7');
  });

  test('an agent reply is not automatic', () => {
    const reply = agentReply(
      ticket,
      'u2',
      settings,
      { inReplyTo: 'c@x', references: ['a@x', 'c@x'] },
      'Fixed.',
    );
    expect(reply.automatic).toBe(false);
    expect(reply.mail.headers['Auto-Submitted']).toBeUndefined();
    expect(reply.mail.headers.References).toBe(`<${vars.THREAD}> <a@x> <c@x>`);
  });

  test('the unknown-sender answer is automatic and names no ticket', () => {
    const answer = unknownSenderReply('who@x.example', { messageId: 'm@x', subject: 'Help' }, 'u3', settings);
    expect(answer.mail.subject).toBe('Re: Help');
    expect(answer.mail.headers['Auto-Submitted']).toBe('auto-replied');
    expect(answer.ticketId).toBeUndefined();
  });
});
