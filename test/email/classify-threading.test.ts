// Automatic-mail detection, threading tokens and subject references, and the outbound headers that
// make the desk's own mail recognisable. Pure.
import { describe, expect, test } from 'vitest';
import { classifyMail } from '../../functions/email/classify.ts';
import { acknowledgement, agentReply, unknownSenderReply } from '../../functions/email/outbound.ts';
import { parseMail } from '../../functions/email/parse.ts';
import { mailSettings } from '../../functions/email/settings.ts';
import {
  outboundMessageId,
  subjectReferences,
  subjectWithReference,
  threadedTicketIds,
  ticketIdFromMessageId,
} from '../../functions/email/threading.ts';
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
