// Stops `npm start` and the `npm test` scripts at once on a Node.js older than the project needs
// (`npm ci` is stopped by engine-strict in .npmrc): the project runs its TypeScript directly, which
// older Node.js refuses with an obscure error. Plain CommonJS with no newer syntax, so any Node.js
// can say so.
'use strict';
// biome-ignore lint/style/useNodejsImportProtocol: Node.js before 14.18 has no `node:` prefix
const { readFileSync } = require('fs');
// biome-ignore lint/style/useNodejsImportProtocol: as above
const { join } = require('path');

const root = join(__dirname, '..');
const required = /(\d+)\.(\d+)\.(\d+)/.exec(require(join(root, 'package.json')).engines.node);
const recommended = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
const have = process.versions.node.split('.').map(Number);
const want = required.slice(1, 4).map(Number);

/** Whether version `a` comes before `b` (both [major, minor, patch]). */
function before(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

if (before(have, want)) {
  console.error(
    `support-desk needs Node.js ${want.join('.')} or newer (${recommended} recommended, see .nvmrc), ` +
      `not ${process.version}: run \`nvm use\` or install it from https://nodejs.org`,
  );
  process.exit(1);
}
