// Quoted history in the languages customers write in, and format=flowed text (RFC 3676) decoded
// with its quote depth, so the quote can be stripped. Messages written for these tests. Pure.
import PostalMime from 'postal-mime';
import { describe, expect, test } from 'vitest';
import { mailBody, visibleReply } from '../../functions/email/body.ts';
import { decodeFlowed, unflowedCopy } from '../../functions/email/flowed.ts';
import { parseMail } from '../../functions/email/parse.ts';
import { cutQuotedHistory } from '../../functions/email/quotes.ts';

const REPLY = 'The export still fails after the update.';
const OURS = 'We have received your request B2B-7 and will answer within 4 business hours.';

/** A reply on top of an attribution line and a `>` quote of our acknowledgement. */
const attributed = (line: string) => `${REPLY}\n\n${line}\n> ${OURS}\n>\n> Support Desk`;
/** A reply on top of an unmarked quote (Outlook, and HTML converted to text). */
const unmarked = (head: string) => `${REPLY}\n\n${head}\n\n${OURS}\n\nSupport Desk`;

describe('attribution lines, in many languages', () => {
  const lines: [string, string][] = [
    ['en', 'On Mon, Dec 1, 2026 at 10:00 AM Support Desk <support@desk.example> wrote:'],
    ['es', 'El lun, 1 dic 2026 a las 10:00, Support Desk (<support@desk.example>) escribió:'],
    ['hr', 'pon, 1. pro 2026. u 10:00 Support Desk <support@desk.example> napisao je:'],
    ['hr (Thunderbird)', 'Dana 01.12.2026. u 10:00, Support Desk je napisao:'],
    ['ko', '2026년 12월 1일 (월) 오전 10:00, Support Desk <support@desk.example>님이 작성:'],
    ['de', 'Am Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Support Desk <support@desk.example>:'],
    ['fr', 'Le lun. 1 déc. 2026 à 10:00, Support Desk <support@desk.example> a écrit :'],
    ['it', 'Il giorno lun 1 dic 2026 alle ore 10:00 Support Desk <support@desk.example> ha scritto:'],
    ['pt', 'Em seg., 1 de dez. de 2026 às 10:00, Support Desk <support@desk.example> escreveu:'],
    ['nl', 'Op ma 1 dec 2026 om 10:00 schreef Support Desk <support@desk.example>:'],
    ['ru', '1 декабря 2026 г., в 10:00, пользователь Support Desk <support@desk.example> написал:'],
    ['ru (Gmail)', 'пн, 1 дек. 2026 г. в 10:00, Support Desk <support@desk.example>:'],
    ['ja', '2026年12月1日(月) 10:00 Support Desk <support@desk.example>:'],
    ['zh', 'Support Desk <support@desk.example> 于2026年12月1日周一 10:00写道：'],
    ['zh-Hant', 'Support Desk <support@desk.example> 於 2026年12月1日 週一 上午10:00 寫道：'],
  ];
  for (const [language, line] of lines) {
    test(`${language}: above a > quote, and above an unmarked quote`, () => {
      expect(visibleReply(attributed(line))).toBe(REPLY);
      expect(visibleReply(unmarked(line))).toBe(REPLY);
    });
  }

  test('an attribution wrapped over two lines is read as one', () => {
    const text = `${REPLY}\n\nOn Mon, Dec 1, 2026 at 10:00 AM Support Desk <support@desk.example>\nwrote:\n\n${OURS}`;
    expect(visibleReply(text)).toBe(REPLY);
  });

  test('an answer written below the quote is kept', () => {
    const text = `On Mon, Dec 1, 2026 at 10:00 AM Support Desk <support@desk.example> wrote:\n> ${OURS}\n\n${REPLY}`;
    expect(visibleReply(text)).toBe(REPLY);
  });

  test('"… wrote:" without a date or address is the customer\'s own text unless a quote follows', () => {
    const text = 'The importer wrote:\nrow 12: invalid VAT rate\nrow 13: invalid VAT rate';
    expect(visibleReply(text)).toBe(text);
    expect(cutQuotedHistory(`Ivana wrote:\n> ${OURS}\n\n${REPLY}`)).toBe(`> ${OURS}\n\n${REPLY}`);
  });
});

describe("Outlook's separators and header blocks", () => {
  const separators = [
    '-----Original Message-----',
    '-----Mensaje original-----',
    "-----Message d'origine-----",
    '-----Ursprüngliche Nachricht-----',
    '-----Messaggio originale-----',
    '-----Mensagem original-----',
    '-----Oorspronkelijk bericht-----',
    '-----Izvorna poruka-----',
    '-----Исходное сообщение-----',
    '-----元のメッセージ-----',
    '-----原始邮件-----',
    '-----원본 메시지-----',
  ];
  for (const separator of separators) {
    test(separator, () => expect(visibleReply(unmarked(separator))).toBe(REPLY));
  }

  const blocks: [string, string][] = [
    [
      'en',
      'From: Support Desk\nSent: Monday, December 1, 2026 10:00 AM\nTo: Ivana Horvat\nSubject: [B2B-7] Orders',
    ],
    [
      'es',
      'De: Support Desk\nEnviado: lunes, 1 de diciembre de 2026 10:00\nPara: Ivana Horvat\nAsunto: [B2B-7] Pedidos',
    ],
    [
      'de',
      'Von: Support Desk\nGesendet: Montag, 1. Dezember 2026 10:00\nAn: Ivana Horvat\nBetreff: [B2B-7] Bestellungen',
    ],
    [
      'hr',
      'Od: Support Desk\nPoslano: ponedjeljak, 1. prosinca 2026. 10:00\nZa: Ivana Horvat\nPredmet: [B2B-7] Narudžbe',
    ],
    [
      'ko',
      '보낸 사람: Support Desk\n보낸 날짜: 2026년 12월 1일 월요일 오전 10:00\n받는 사람: Ivana Horvat\n제목: [B2B-7] 주문',
    ],
    ['ja', '差出人: Support Desk\n送信日時: 2026年12月1日 10:00\n宛先: Ivana Horvat\n件名: [B2B-7] 注文'],
    ['zh', '发件人: Support Desk\n发送时间: 2026年12月1日 10:00\n收件人: Ivana Horvat\n主题: [B2B-7] 订单'],
    [
      'zh (full-width colons)',
      '发件人：Support Desk\n发送时间：2026年12月1日 10:00\n收件人：Ivana Horvat\n主题：[B2B-7] 订单',
    ],
    [
      'fr',
      'De : Support Desk\nEnvoyé : lundi 1 décembre 2026 10:00\nÀ : Ivana Horvat\nObjet : [B2B-7] Commandes',
    ],
    [
      'it',
      'Da: Support Desk\nInviato: lunedì 1 dicembre 2026 10:00\nA: Ivana Horvat\nOggetto: [B2B-7] Ordini',
    ],
    [
      'pt',
      'De: Support Desk\nEnviado: segunda-feira, 1 de dezembro de 2026 10:00\nPara: Ivana Horvat\nAssunto: [B2B-7] Pedidos',
    ],
    [
      'nl',
      'Van: Support Desk\nVerzonden: maandag 1 december 2026 10:00\nAan: Ivana Horvat\nOnderwerp: [B2B-7] Bestellingen',
    ],
    ['ru', 'От: Support Desk\nОтправлено: 1 декабря 2026 г. 10:00\nКому: Ivana Horvat\nТема: [B2B-7] Заказы'],
    [
      'bold, from HTML',
      '*From:* Support Desk\n*Sent:* Monday, December 1, 2026 10:00 AM\n*To:* Ivana Horvat\n*Subject:* [B2B-7] Orders',
    ],
  ];
  for (const [language, block] of blocks) {
    test(`header block, ${language}`, () => expect(visibleReply(unmarked(block))).toBe(REPLY));
  }

  test('a lone "From:" line in the customer\'s text is not a header block', () => {
    const text = 'Steps:\nFrom: the orders page\nclick Export.\nNothing happens.';
    expect(visibleReply(text)).toBe(text);
  });
});

describe('format=flowed (RFC 3676)', () => {
  test('lines join only within one quote depth; quote marks stay on their lines', () => {
    const sent = [
      'Fixed, thanks. ',
      '> On Mon, Support wrote: ',
      '> We have received ',
      '> your request.',
      '>> older ',
      '>> text',
      'Below the ',
      'quote.',
    ];
    expect(decodeFlowed(sent.join('\r\n'), false)).toBe(
      [
        'Fixed, thanks. ',
        '> On Mon, Support wrote: We have received your request.',
        '>> older text',
        'Below the quote.',
      ].join('\n'),
    );
  });

  test('DelSp=yes removes the space before each soft break; space-stuffing and "-- " are kept right', () => {
    expect(decodeFlowed('Lorem ip \r\nsum.\r\n From the log\r\n-- \r\nIvana', true)).toBe(
      'Lorem ipsum.\nFrom the log\n-- \nIvana',
    );
  });

  function flowedMail(lines: string[], params = 'format=flowed'): Buffer {
    return Buffer.from(
      [
        'From: ivana@jadran.example',
        'To: support@desk.localhost',
        'Subject: Re: [B2B-7] Orders',
        'Message-ID: <flowed-1@jadran.example>',
        'MIME-Version: 1.0',
        `Content-Type: text/plain; charset=utf-8; ${params}`,
        'Content-Transfer-Encoding: 8bit',
        '',
        ...lines,
        '',
      ].join('\r\n'),
    );
  }

  test('a flowed reply whose last line ends in a space keeps the quote apart, and it is stripped', async () => {
    // Thunderbird-style: the reply's soft break runs straight into the attribution and the quote.
    const raw = flowedMail([
      'The export still fails after ',
      'the update. ',
      '',
      'On 01.12.2026 10:00, Support Desk wrote: ',
      '> We have received your request B2B-7 ',
      '> and will answer within 4 business hours.',
    ]);
    const mail = await parseMail(raw);
    expect(mail.text).toContain('> We have received your request B2B-7 and will answer');
    expect((await mailBody(mail)).text).toBe(REPLY);
  });

  test('DelSp=yes (Apple Mail): a reply glued to the quote by a soft break is split and stripped', async () => {
    const raw = flowedMail(
      [
        'The export still fails af ',
        'ter the update. ',
        '> On 1 Dec 2026, at 10:00, Support Desk <support@desk.example> ',
        '> wrote: ',
        '> ',
        '> We have received your request.',
      ],
      'format=flowed; delsp=yes',
    );
    const mail = await parseMail(raw);
    expect(mail.text!.split('\n')[0]).toBe('The export still fails after the update.');
    expect((await mailBody(mail)).text).toBe(REPLY);
  });

  test('a folded Content-Type and a quoted format parameter are found; the raw is untouched', async () => {
    const raw = Buffer.from(
      flowedMail(['Hello ', 'there.']).toString().replace('; format=flowed', ';\r\n\tformat="flowed"'),
    );
    const before = Buffer.from(raw);
    expect(unflowedCopy(raw)).toMatchObject({ delSp: false });
    expect((await parseMail(raw)).text).toBe('Hello there.\n');
    expect(raw.equals(before)).toBe(true);
  });

  test('fixed text and HTML are not touched', async () => {
    expect(unflowedCopy(flowedMail(['Hello ', 'there.'], 'format=fixed'))).toBeUndefined();
    expect((await parseMail(flowedMail(['Hello ', 'there.'], 'format=fixed'))).text).toBe('Hello \nthere.\n');
  });
});

describe('format=flowed inside a kept attachment', () => {
  test('an attached message whose text is flowed is kept as received; the outer headers too', async () => {
    const inner = [
      'From: ana@jadran.example',
      'Subject: Original',
      'Content-Type: text/plain; charset=utf-8;',
      ' format="flowed"',
      '',
      'Soft ',
      'break.',
    ].join('\r\n');
    const raw = Buffer.from(
      [
        'From: ivana@jadran.example',
        'To: support@desk.localhost',
        'Subject: Fwd: Original',
        'Message-ID: <fwd-flowed@jadran.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8; format=flowed',
        '',
        'See the attached ',
        'mail.',
        '--b',
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment; filename="original.eml"',
        '',
        inner,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const mail = await parseMail(raw);
    expect(mail.text).toBe('See the attached mail.\n');
    const attached = mail.attachments.find((a) => a.mimeType === 'message/rfc822')!;
    // As postal-mime gives it from the message as received (it normalises line ends itself).
    const plain = await PostalMime.parse(raw, {
      attachmentEncoding: 'arraybuffer',
      forceRfc822Attachments: true,
    });
    const expected = plain.attachments.find((a) => a.mimeType === 'message/rfc822')!.content as ArrayBuffer;
    expect(Buffer.from(attached.content).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(attached.content).toString('utf8')).toContain(' format="flowed"');
    expect(mail.headers.get('content-type')?.[0]).not.toContain('x-sent-');
  });
});
