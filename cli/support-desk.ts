#!/usr/bin/env node
// Command-line tools for the support desk. `support-desk catalog validate FILE...` checks
// support-policy catalogs the way the admin API will: every bad field is named, the exit code says
// whether all were good (0), any was bad (1), or the command itself was wrong (2).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../functions/domain/catalog.ts';
import { ValidationError } from '../functions/domain/errors.ts';

const USAGE = `Usage: support-desk catalog validate FILE...

Commands:
  catalog validate FILE...   Validate support-policy catalog JSON files. Prints "FILE: ok (N plans)"
                             or one "FILE: <field path>: <message>" line per problem.

Options:
  -h, --help                 Show this help.

Exit codes: 0 all files valid, 1 a file is invalid or unreadable, 2 usage error.`;

/** The report lines of one file (results go to stdout, like a compiler's) and whether it is valid. */
async function validateFile(file: string): Promise<{ ok: boolean; lines: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      lines: [`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, lines: [`${file}: not JSON: ${(error as Error).message}`] };
  }
  try {
    const catalog = parseCatalog(json);
    const plans = catalog.plans.length;
    return { ok: true, lines: [`${file}: ok (${plans} ${plans === 1 ? 'plan' : 'plans'})`] };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return {
      ok: false,
      lines: error.issues.map((issue) => `${file}: ${issue.field || '(root)'}: ${issue.message}`),
    };
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [group, command, ...files] = parsed.positionals;
  if (group !== 'catalog' || command !== 'validate' || files.length === 0) {
    const what =
      group === undefined
        ? 'missing command'
        : `unknown or incomplete command: ${parsed.positionals.join(' ')}`;
    process.stderr.write(`${what}\n\n${USAGE}\n`);
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const { ok, lines } = await validateFile(file);
    failed ||= !ok;
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
