// `npm run bench`: runs every benchmark in bench/ and prints its figures. Figures are ratios and
// rates from one run on one machine; compare them within a run, not across machines.
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .filter((file) => !only || file.startsWith(only))
  .sort();

for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as {
    run?: () => Promise<Record<string, number>>;
  };
  if (typeof module.run !== 'function') continue;
  console.log(`\n## ${file.replace(/\.ts$/, '')}`);
  console.table(await module.run());
}
