// Parsing and body text on real-shaped fixtures: charsets (windows-1252, iso-2022-jp, an unknown
// label), transfer encodings, malformed MIME, and quoted-reply stripping for Outlook, Gmail and
// Apple Mail. Pure: no table, no network.
import { describe, expect, test } from 'vitest';
import { mailBody, visibleReply } from '../../functions/email/body.ts';
import { htmlToText } from '../../functions/email/html-text.ts';
import { derivedMessageId, parseHeaders, parseMail } from '../../functions/email/parse.ts';
import { fixture } from './helpers.ts';

const vars = {
  FROM: 'ivana@jadran.example',
  REF: 'B2B-7',
  ACK_ID: 'desk.0f8fad5b-d9cb-469f-a165-70867728950e.ack1@desk.localhost',
  THREAD: 'desk.0f8fad5b-d9cb-469f-a165-70867728950e.thread@desk.localhost',
};

describe('charsets and transfer encodings', () => {
  test('windows-1252: smart quotes, the euro sign and accents, in the body and in encoded words', async () => {
    const mail = await parseMail(fixture('windows-1252.eml', vars));
    expect(mail.subject).toBe('Factura “duplicada” de 120 €');
    expect(mail.text).toContain('La factura “duplicada” cobra 120 € dos veces. ¿Podéis revisarlo?');
    expect(mail.from).toEqual({ address: 'ivana@jadran.example', name: 'Ana María' });
  });

  test('iso-2022-jp in a 7bit body and a B-encoded subject', async () => {
    const mail = await parseMail(fixture('iso-2022-jp.eml', vars));
    expect(mail.subject).toBe('注文の同期エラー');
    expect(mail.text).toContain('注文が同期されません。');
  });

  test('an unknown charset label does not throw: it falls back and keeps the text', async () => {
    const mail = await parseMail(fixture('unknown-charset.eml', vars));
    expect(mail.subject).toBe('Café orders');
    expect(mail.text).toContain('Café orders are missing');
  });

  test('base64 HTML only: converted to text', async () => {
    const mail = await parseMail(fixture('html-base64.eml', vars));
    expect(mail.text).toBeUndefined();
    const body = await mailBody(mail);
    expect(body.source).toBe('html');
    expect(body.text).toContain('The price list import fails with error E-4021.');
    expect(body.text).toContain('File: prices-2026.csv');
  });
});

describe('malformed MIME', () => {
  test('a multipart without a boundary: the text is recovered from the raw body', async () => {
    const mail = await parseMail(fixture('missing-boundary.eml', vars));
    expect(mail.damaged).toBe('no-body-parts');
    expect(mail.text).toContain('The export button does nothing.');
    expect(mail.text).not.toContain('--frontier');
  });

  test('invalid base64 decodes what it can and does not throw', async () => {
    const mail = await parseMail(fixture('invalid-base64.eml', vars));
    expect(mail.text).toContain('The report page is empty.');
  });

  test('garbage bytes still give a result', async () => {
    const mail = await parseMail(
      Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x41, 0x0d, 0x0a, 0x0d, 0x0a, 0x42]),
    );
    expect(typeof mail.messageId).toBe('string');
  });
});

describe('message ids', () => {
  test('a message without Message-ID gets one derived from its bytes, stable across relays', async () => {
    const raw = fixture('no-message-id.eml', vars);
    const mail = await parseMail(raw);
    expect(mail.messageIdDerived).toBe(true);
    expect(mail.messageId).toMatch(/^[0-9a-f]{40}@derived\.invalid$/);
    // Another relay adds its trace headers in front: still the same message.
    const relayed = Buffer.concat([
      Buffer.from('Received: from mx2.example by mx3.example; Tue, 24 Nov 2026 13:00:05 +0100\r\n'),
      raw,
    ]);
    expect(derivedMessageId(relayed)).toBe(mail.messageId);
    const edited = Buffer.from(raw.toString('latin1').replace('could not', 'could'), 'latin1');
    expect(derivedMessageId(edited)).not.toBe(mail.messageId);
  });

  test('headers only (oversized mail): ids, sender and subject without reading the body', async () => {
    const mail = await parseHeaders(fixture('gmail-reply.eml', vars));
    expect(mail.messageId).toBe('CAJx7Y2kT3p9m+Gq5yQ2bZ0o1QvL8w@mail.gmail.com');
    expect(mail.inReplyTo).toEqual([vars.ACK_ID]);
    expect(mail.references).toEqual([vars.THREAD, vars.ACK_ID]);
    expect(mail.attachments).toEqual([]);
  });
});

describe('quoted replies are stripped, the new text kept', () => {
  test('Outlook: "From: … Sent: …" header block', async () => {
    const body = await mailBody(await parseMail(fixture('outlook-reply.eml', vars)));
    expect(body.source).toBe('text');
    expect(body.text).toBe(
      'Thanks, the restart fixed the queue. One more thing: invoices still show the old VAT rate.\n\nIvana Horvat\nJadran Foods d.o.o.',
    );
  });

  test('Outlook HTML only: the same after conversion', async () => {
    const mail = await parseMail(fixture('outlook-reply.eml', vars));
    const text = visibleReply(htmlToText(mail.html!));
    expect(text).toContain('invoices still show the old VAT rate');
    expect(text).not.toContain('We have received your request');
  });

  test('Gmail: "On … wrote:" and > quotes; the attachment is a part', async () => {
    const mail = await parseMail(fixture('gmail-reply.eml', vars));
    expect((await mailBody(mail)).text).toBe('Still broken after the restart. Screenshot attached.');
    expect(mail.attachments.map((a) => [a.filename, a.mimeType, a.content.byteLength])).toEqual([
      ['queue.png', 'image/png', 70],
    ]);
    // Gmail's HTML marks its quote; it is skipped.
    expect(visibleReply(htmlToText(mail.html!))).toBe('Still broken after the restart. Screenshot attached.');
  });

  test('Apple Mail: "Sent from my iPhone" and the quoted "On … wrote:"', async () => {
    const body = await mailBody(await parseMail(fixture('apple-mail-reply.eml', vars)));
    expect(body.text).toBe(
      'Here is the log you asked for: the sync stopped at 09:00:12 with “token expired”.',
    );
  });

  test('a message that is all quote keeps its text', () => {
    expect(visibleReply('> only a quote\n> nothing else')).toContain('only a quote');
  });
});
