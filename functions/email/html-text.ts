// HTML mail as text, for messages without a text/plain part. html-to-text with its HTML parser and
// entity tables is a third of the intake's own code and most mail has a text part: the intake
// imports this module as `#html-text` (package.json "imports") on the first HTML-only message,
// bundled apart (lib/functions.ts \`lazyModules\`), so it costs nothing at cold start.
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
