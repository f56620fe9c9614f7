// Global setup of the browser suite: starts the desk as `npm start` does (node local/main.ts, on free
// ports with a fresh DATA_DIR, in its own process group that the run owns and kills on any failure)
// and stops it with SIGTERM at the end. The console is served by that same process at `/`.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/dynamodb-local.ts';
import { killOwnedProcesses, spawnOwned } from '../setup/processes.ts';

export interface BrowserRuntime {
  base: string;
  smtpPort: number;
  dataDir: string;
  supportAddress: string;
  keys: { admin: string; agent: string; finance: string; customer: Record<string, string> };
}

declare module 'vitest' {
  export interface ProvidedContext {
    desk: BrowserRuntime;
  }
}

const READY_LIMIT_MS = 300_000;
let child: ChildProcess | undefined;
let dataDir = '';
let output = '';

async function waitForReady(): Promise<void> {
  const limit = Date.now() + READY_LIMIT_MS;
  while (!output.includes('Support desk running')) {
    if (child?.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > limit) throw new Error(`npm start not ready in ${READY_LIMIT_MS / 1000} s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'support-desk-browser-'));
  let port = 0;
  let smtpPort = 0;
  for (let attempt = 1; ; attempt++) {
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freePort());
    const [httpPort, mailPort, dynamoDbPort] = [...ports] as [number, number, number];
    [port, smtpPort] = [httpPort, mailPort];
    output = '';
    child = spawnOwned(process.execPath, ['local/main.ts'], {
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
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await waitForReady();
      break;
    } catch (error) {
      // Another suite may take a chosen port before the runtime binds it: retry on new ones.
      if (!/already in use|BindException/.test(output) || attempt === 3) {
        killOwnedProcesses();
        throw error;
      }
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child?.once('exit', resolve));
      }
    }
  }
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
  const base = `http://127.0.0.1:${port}`;
  if (!output.includes(`Console    ${base}/`))
    throw new Error(`npm start did not print the console URL:\n${output}`);
  project.provide('desk', { base, smtpPort, dataDir, supportAddress: demo.supportAddress, keys: demo.keys });
}

export async function teardown(): Promise<void> {
  if (!child) return;
  const running = child;
  const exited =
    running.exitCode !== null
      ? Promise.resolve(running.exitCode)
      : new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
  running.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 20_000);
    }),
  ]);
  clearTimeout(timer);
  if (code !== 0) {
    writeFileSync(join(dataDir, 'runtime.log'), output);
    killOwnedProcesses();
    throw new Error(`npm start did not stop cleanly on SIGTERM (${code}); output in ${dataDir}/runtime.log`);
  }
  const errors = output.split('\n').filter((line) => line.includes('"level":"error"'));
  if (errors.length > 0) {
    writeFileSync(join(dataDir, 'runtime.log'), output);
    throw new Error(`npm start logged ${errors.length} error(s), first: ${errors[0]}`);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
