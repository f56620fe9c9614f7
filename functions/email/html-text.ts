// HTML mail as text, for messages without a text/plain part (html-to-text). Only the intake, an
// asynchronous function, bundles it: no API function answers with it.
import { convert } from 'html-to-text';

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      // Quoted history as mail clients mark it in HTML: Gmail, Apple Mail, Thunderbird.
      { selector: 'div.gmail_quote', format: 'skip' },
      { selector: 'blockquote[type="cite"]', format: 'skip' },
      { selector: 'div.moz-cite-prefix', format: 'skip' },
    ],
  });
}
