// Where the quoted earlier conversation starts in a reply, in the languages customers write in:
// attribution lines ("On … wrote:", "El … escribió:", "… пользователь … написал:", "…님이 작성:",
// Gmail's verbless "<date> Name <address>:"), Outlook's "-----Original Message-----" and its
// translations, and Outlook's "From: / Sent: / To: / Subject:" header block in any of its languages.
// email-reply-parser (body.ts) does the rest: `>` quotes and signatures; it knows only some of
// these languages and needs an address in a "From:" line, which Outlook often leaves out.

/** Attribution verbs at the end of the line, per language. */
const ATTRIBUTION_END = new RegExp(
  `(${[
    '\\bwrote', // en
    '\\bescribió', // es
    '\\ba écrit', // fr
    '\\bha scritto', // it
    '\\bescreveu', // pt
    '\\bschrieb\\b.{0,200}', // de: "Am … schrieb Name <x>:"
    '\\bschreef\\b.{0,200}', // nl: "Op … schreef Name <x>:"
    '\\b(je )?napisa(o|la|o/la|o\\(la\\))( je)?', // hr
    '\\bpiše', // hr, sl
    'написал(а|\\(а\\))?', // ru
    'пишет', // ru
    '(님이 )?작성(했습니다)?', // ko
    '(の)?メッセージ', // ja
    '(さん)?は書きました', // ja
    '写道', // zh-Hans
    '寫道', // zh-Hant
    '\\bskrev\\b.{0,200}', // da, no, sv
    '\\bkirjoitti', // fi
    '\\b(pisze|napisał(a|\\(a\\))?)', // pl
  ].join('|')})\\s?[:：]$`,
  'iu',
);

/** Gmail's form in many languages: a time, then the name and address, then a colon. */
const VERBLESS_ATTRIBUTION = /\d{1,2}[:.]\d{2}.{0,200}[<[(]?[^\s<>@]+@[^\s<>@]+[>\])]?\s?[:：]$/u;

/** Outlook's separator, in the languages it is localised to. */
const ORIGINAL_MESSAGE = new RegExp(
  `^[\\s*_]*-{2,}\\s*(${[
    'original message',
    'mensaje original',
    "message d'origine",
    'ursprüngliche nachricht',
    'originalnachricht',
    'messaggio originale',
    'mensagem original',
    'oorspronkelijk bericht',
    'origineel bericht',
    'izvorna poruka',
    'izvorni e-?mail',
    'izvirno sporočilo',
    'исходное сообщение',
    'оригинальное сообщение',
    '元のメッセージ',
    '原始邮件',
    '原始郵件',
    '邮件原件',
    '원본 메시지',
    'oprindelig meddelelse',
    'opprinnelig melding',
    'ursprungligt meddelande',
    'alkuperäinen viesti',
    'wiadomość oryginalna',
    'původní zpráva',
  ].join('|')})\\s*-{2,}[\\s*_]*$`,
  'iu',
);

/** Outlook's header block words, by field, in the same languages. */
const FIELD_WORDS: Record<'from' | 'sent' | 'to' | 'cc' | 'subject', string[]> = {
  from: [
    'from',
    'de',
    'von',
    'od',
    'da',
    'van',
    'från',
    'fra',
    'от',
    'от кого',
    '보낸 사람',
    '差出人',
    '发件人',
    '寄件者',
    'expéditeur',
    'remitente',
    'mittente',
    'afzender',
    'nadawca',
    'lähettäjä',
  ],
  sent: [
    'sent',
    'date',
    'enviado',
    'enviado el',
    'fecha',
    'gesendet',
    'datum',
    'poslano',
    'poslan',
    'envoyé',
    'envoyé le',
    'inviato',
    'data',
    'verzonden',
    'отправлено',
    'дата',
    '보낸 날짜',
    '날짜',
    '送信日時',
    '日付',
    '发送时间',
    '日期',
    '寄件日期',
    'sendt',
    'skickat',
    'wysłano',
    'lähetetty',
  ],
  to: [
    'to',
    'para',
    'an',
    'za',
    'prima',
    'à',
    'a',
    'aan',
    'кому',
    '받는 사람',
    '宛先',
    '收件人',
    '收件者',
    'til',
    'till',
    'do',
    'vastaanottaja',
  ],
  cc: ['cc', 'kopie', 'kopija', 'копия', '참조', '抄送', '副本', 'kopio', 'kopia'],
  subject: [
    'subject',
    'asunto',
    'betreff',
    'predmet',
    'objet',
    'oggetto',
    'assunto',
    'onderwerp',
    'тема',
    '제목',
    '件名',
    '主题',
    '主旨',
    'emne',
    'ämne',
    'temat',
    'aihe',
  ],
};

const literal = (word: string) => word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const FIELD = Object.fromEntries(
  Object.entries(FIELD_WORDS).map(([field, words]) => [
    field,
    // "From:", "*From:*" (bold in converted HTML), "From :" (French spacing), full-width colons.
    new RegExp(`^[*_\\s]*(${words.map(literal).join('|')})[*_]?\\s?(:[*_]?(\\s|$)|：)`, 'iu'),
  ]),
) as Record<keyof typeof FIELD_WORDS, RegExp>;

/** A "From:" line followed, within six lines, by at least two of Sent / To / Cc / Subject. */
function isHeaderBlock(lines: readonly string[], at: number): boolean {
  if (!FIELD.from.test(lines[at]!)) return false;
  const seen = new Set<string>();
  for (const line of lines.slice(at + 1, at + 7)) {
    for (const field of ['sent', 'to', 'cc', 'subject'] as const)
      if (FIELD[field].test(line)) seen.add(field);
  }
  return seen.size >= 2;
}

/**
 * An attribution line: `strong` when it also names a time, date or address (then it starts the
 * quote whatever follows), `weak` when it only ends in the verb ("Ivana wrote:"), which counts
 * only above `>` quotes: "this is what the log said:" followed by a paste is the customer's text.
 */
function attribution(line: string): 'strong' | 'weak' | undefined {
  const text = line.trim();
  if (text.length > 400 || text.startsWith('>')) return undefined;
  if (VERBLESS_ATTRIBUTION.test(text)) return 'strong';
  if (!ATTRIBUTION_END.test(text)) return undefined;
  return /\d|@/.test(text) ? 'strong' : 'weak';
}

/**
 * The text without the quoted history this module recognises: cut at an Outlook separator or header
 * block, or at an attribution line followed by unmarked text; an attribution line followed by `>`
 * quotes is only dropped, so an answer written below the quote survives (body.ts strips the quote).
 */
export function cutQuotedHistory(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ORIGINAL_MESSAGE.test(line) || isHeaderBlock(lines, i)) break;
    // An attribution wrapped over two lines ("On Mon, … Name <x>\nwrote:") is read as one.
    let found = attribution(line);
    let span = 1;
    const after = lines[i + 1]?.trim() ?? '';
    const wraps = after !== '' && after.length <= 80 && !after.startsWith('>') && !attribution(after);
    if (!found && line.trim() !== '' && wraps) {
      found = attribution(`${line.trim()} ${after}`);
      span = 2;
    }
    if (found) {
      const next = lines.slice(i + span).find((l) => l.trim() !== '');
      const quoted = next?.trimStart().startsWith('>') === true;
      if (quoted) {
        i += span - 1;
        continue;
      }
      if (found === 'strong') break;
    }
    kept.push(line);
  }
  return kept.join('\n');
}
