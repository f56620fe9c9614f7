// format=flowed plain text (RFC 3676), decoded with its quote depth. postal-mime unfolds flowed
// lines without looking at quote marks, so a reply line ending in a space swallows the quoted line
// under it ("Fixed, thanks.> On Monday … wrote:") and the quote can no longer be stripped. We ask
// postal-mime for the text as sent (the format parameter renamed in a copy of the raw bytes) and
// unfold it here: lines join only within the same quote depth, and quote marks stay on their line.
const FLOWED_PARAM = /(;[ \t]*(?:\r?\n[ \t]+)?)(format[ \t]*=[ \t]*"?flowed)/gi;
/** The renamed parameter: only a prefix is added, so taking it away restores the bytes exactly. */
const RENAMED = 'x-sent-';
const RENAMED_PARAM = /x-sent-(format[ \t]*=[ \t]*"?flowed)/gi;
const TEXT_PLAIN_TYPE = /^content-type:[ \t]*text\/plain\b[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

export interface FlowedText {
  /** The raw message with `format=flowed` renamed, for postal-mime to leave the text as sent. */
  raw: Uint8Array;
  delSp: boolean;
}

/** Whether any text/plain part is flowed; if so, a copy of the raw bytes postal-mime won't unfold. */
export function unflowedCopy(raw: Uint8Array): FlowedText | undefined {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // Cheap check first: most mail is not flowed, and a big message is not turned into a string.
  if (bytes.indexOf('flowed') < 0 && bytes.indexOf('FLOWED') < 0 && bytes.indexOf('Flowed') < 0) {
    return undefined;
  }
  let flowed = false;
  let delSp = false;
  const text = bytes.toString('latin1').replace(TEXT_PLAIN_TYPE, (type) => {
    if (!/format[ \t]*=[ \t]*"?flowed/i.test(type)) return type;
    flowed = true;
    if (/delsp[ \t]*=[ \t]*"?yes/i.test(type)) delSp = true;
    return type.replace(FLOWED_PARAM, `$1${RENAMED}$2`);
  });
  return flowed ? { raw: Buffer.from(text, 'latin1'), delSp } : undefined;
}

/**
 * The bytes as received, for a part of the renamed copy that is kept as it is (an attached message
 * whose own text part is flowed): the rename is taken back.
 */
export function restoreFlowedParam(content: Uint8Array): Uint8Array {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (bytes.indexOf(RENAMED) < 0) return content;
  return Buffer.from(bytes.toString('latin1').replace(RENAMED_PARAM, '$1'), 'latin1');
}

/** The same for a header value. */
export function restoreFlowedHeader(value: string): string {
  return value.includes(RENAMED) ? value.replace(RENAMED_PARAM, '$1') : value;
}

/** RFC 3676 section 4: unfold soft line breaks within one quote depth; keep `>` marks on each line. */
export function decodeFlowed(text: string, delSp: boolean): string {
  const out: string[] = [];
  let paragraph: string | undefined;
  let paragraphDepth = 0;
  const flush = () => {
    if (paragraph === undefined) return;
    out.push(paragraphDepth > 0 ? `${'>'.repeat(paragraphDepth)} ${paragraph}` : paragraph);
    paragraph = undefined;
  };
  for (const rawLine of text.split(/\r?\n/)) {
    let depth = 0;
    while (rawLine.charCodeAt(depth) === 0x3e) depth++;
    let line = rawLine.slice(depth);
    // Space-stuffing (4.4) comes after the quote marks.
    if (line.startsWith(' ')) line = line.slice(1);
    if (paragraph !== undefined && depth !== paragraphDepth) flush();
    // The signature separator is never flowed (4.3).
    const soft = line.endsWith(' ') && line !== '-- ';
    const content = soft && delSp ? line.slice(0, -1) : line;
    if (paragraph === undefined) {
      paragraph = content;
      paragraphDepth = depth;
    } else {
      paragraph += content;
    }
    if (!soft) flush();
  }
  flush();
  return out.join('\n');
}
