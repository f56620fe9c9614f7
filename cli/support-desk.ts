#!/usr/bin/env node
// Command-line tools for the support desk. `support-desk catalog validate FILE...` checks
// support-policy catalogs the way the admin API will: every bad field is named, the exit code says
// whether all were good (0), any was bad (1), or the command itself was wrong (2).
// `support-desk api-key create` writes an API key straight into a deployment's table with the
// caller's AWS credentials: the first admin key of a new deployment, which no API call can make.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { issueApiKey } from '../functions/app/api-keys.ts';
import { appContext } from '../functions/app/context.ts';
import { parseCatalog } from '../functions/domain/catalog.ts';
import { DeskError, ValidationError } from '../functions/domain/errors.ts';
import { ROLES, type Role } from '../functions/store/api-keys.ts';
import { createStoreContext } from '../functions/store/context.ts';

const USAGE = `Usage: support-desk catalog validate FILE...
       support-desk api-key create --role ROLE --table TABLE [--name NAME] [--account ID]

Commands:
  catalog validate FILE...   Validate support-policy catalog JSON files. Prints "FILE: ok (N plans)"
                             or one "FILE: <field path>: <message>" line per problem.
  api-key create             Write an API key into the table (the stack's TableName output) with
                             your AWS credentials and region; prints the secret, once, on stdout.
                             DYNAMODB_ENDPOINT points it at DynamoDB Local instead.

Options:
  --role ROLE                customer, agent, finance or admin.
  --table TABLE              The DynamoDB table name.
  --name NAME                What the key is for (default: "<role> key created by the CLI").
  --account ID               The account a customer key is scoped to (customer keys only).
  -h, --help                 Show this help.

Exit codes: 0 all files valid or key created, 1 a file is invalid or unreadable or the key could not
be created, 2 usage error.`;

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

/** `api-key create`: the secret on stdout (for `KEY=$(...)`), what was made on stderr. */
async function createKey(options: {
  role?: string | undefined;
  table?: string | undefined;
  name?: string | undefined;
  account?: string | undefined;
}): Promise<number> {
  const role = options.role as Role | undefined;
  if (!role || !ROLES.includes(role) || !options.table) {
    const what = !options.table ? '--table is required' : `--role must be one of ${ROLES.join(', ')}`;
    process.stderr.write(`${what}\n\n${USAGE}\n`);
    return 2;
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const store = createStoreContext(options.table, endpoint ? { endpoint } : {});
  try {
    const { secret, record } = await issueApiKey(appContext(store), {
      role,
      name: options.name ?? `${role} key created by the CLI`,
      accountId: options.account,
    });
    process.stdout.write(`${secret}\n`);
    process.stderr.write(
      `Created ${record.role} key ${record.keyId} ("${record.name}") in ${options.table}. The secret above is shown once.\n`,
    );
    return 0;
  } catch (error) {
    // Our own errors (an unknown account) and AWS's (no credentials, no such table) by name and message.
    const message =
      error instanceof Error
        ? `${error instanceof DeskError ? '' : `${error.name}: `}${error.message}`
        : String(error);
    process.stderr.write(`cannot create the key: ${message}\n`);
    return 1;
  } finally {
    store.doc.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [group, command, ...files] = parsed.positionals;
  if (group === 'api-key' && command === 'create' && files.length === 0) return createKey(parsed.values);
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

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      role: { type: 'string' },
      table: { type: 'string' },
      name: { type: 'string' },
      account: { type: 'string' },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
