// `npm start` as a test suite's global setup runs it: node local/main.ts on free ports with a fresh
// DATA_DIR, in a process group the run owns and kills on any failure (processes.ts), ready once it
// prints its "running" line. Stopping it checks that it stops cleanly on SIGTERM and that it logged
// no error the whole time; its output is kept in DATA_DIR/runtime.log when either goes wrong.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local.ts';
import { killOwnedProcesses, spawnOwned } from './processes.ts';

/**
 * A global setup has no timeout of its own, so a runtime that never gets ready is given up after
 * minutes: far beyond a start on a loaded machine.
 */
const READY_LIMIT_MS = 300_000;

export interface DeskProcess {
  base: string;
  smtpPort: number;
  dataDir: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Three distinct free ports; another process may still take one before the runtime binds it. */
async function freePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

export async function startDesk(label: string): Promise<DeskProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `support-desk-${label}-`));
  let output = '';
  let child: ChildProcess;
  let port: number;
  let smtpPort: number;
  // Other suites on this machine take free ports too: a port lost between choosing and binding
  // is retried with new ones, a few times.
  for (let attempt = 1; ; attempt++) {
    const [httpPort, mailPort, dynamoDbPort] = await freePorts();
    [port, smtpPort] = [httpPort, mailPort];
    output = '';
    const started = spawnOwned(process.execPath, ['local/main.ts'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(httpPort),
        SMTP_PORT: String(mailPort),
        DYNAMODB_PORT: String(dynamoDbPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const limit = Date.now() + READY_LIMIT_MS;
      while (!output.includes('Support desk running')) {
        if (started.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
        if (Date.now() > limit)
          throw new Error(`npm start not ready in ${READY_LIMIT_MS / 1000} s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      break;
    } catch (error) {
      if (!/already in use|BindException/.test(output) || attempt === 3) {
        killOwnedProcesses();
        throw error;
      }
      if (started.exitCode === null) {
        started.kill('SIGTERM');
        await new Promise((resolve) => started.once('exit', resolve));
      }
    }
  }

  const keepLog = () => writeFileSync(join(dataDir, 'runtime.log'), output);
  return {
    base: `http://127.0.0.1:${port}`,
    smtpPort,
    dataDir,
    output: () => output,
    async stop() {
      const running = child;
      const exited =
        running.exitCode !== null
          ? Promise.resolve(running.exitCode)
          : new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
      const stopping = Date.now();
      running.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), 20_000);
        }),
      ]);
      clearTimeout(timer);
      if (process.env.DESK_TEST_VERBOSE) console.log(`npm start stopped in ${Date.now() - stopping} ms`);
      if (code !== 0) {
        keepLog();
        killOwnedProcesses();
        throw new Error(
          `npm start did not stop cleanly on SIGTERM (${code}); output in ${dataDir}/runtime.log`,
        );
      }
      // Nothing the suite did made the desk log an error (handlers, timers, outbox, close).
      const errors = output.split('\n').filter((line) => /"level":"error"/i.test(line));
      if (errors.length > 0) {
        keepLog();
        throw new Error(
          `npm start logged ${errors.length} error(s), first: ${errors[0]}; output in ${dataDir}/runtime.log`,
        );
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
