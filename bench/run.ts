// `npm run bench`: runs every benchmark in bench/ and prints its figures. Figures are ratios and
// rates from one run on one machine; compare them within a run, not across machines.
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .filter((file) => !only || file.startsWith(only))
  .sort();

// A benchmark may also say what must hold of its figures (`check`): a broken behaviour fails the
// run rather than only printing a 0 in a table.
const failures: string[] = [];
for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as {
    run?: () => Promise<Record<string, number>>;
    check?: (figures: Record<string, number>) => string[];
  };
  if (typeof module.run !== 'function') continue;
  const name = file.replace(/\.ts$/, '');
  console.log(`\n## ${name}`);
  const figures = await module.run();
  console.table(figures);
  for (const failure of module.check?.(figures) ?? []) failures.push(`${name}: ${failure}`);
}
if (failures.length > 0) {
  console.error(`\nbenchmark checks failed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
