// Global setup of the end-to-end suite: starts `npm start` as a user would (a child process on free
// ports with a fresh DATA_DIR), picks the Monday the stories happen on, and at the end stops it with
// SIGTERM and requires a clean exit. The runtime runs in its own process group, killed whole when the
// run ends or is interrupted, whatever state it is in.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/dynamodb-local.ts';
import { killOwnedProcesses, spawnOwned } from '../setup/processes.ts';

export interface E2eRuntime {
  api: string;
  smtpPort: number;
  dataDir: string;
  supportAddress: string;
  keys: { admin: string; agent: string; finance: string; customer: Record<string, string> };
  /** The demo agent key's staff address (its replies by mail act as that key). */
  agentAddress: string;
  /** The Monday (YYYY-MM-DD) the stories start on; the whole timeline stays in its month. */
  anchor: string;
  /** Whether the Tuesday after the anchor is a Spanish national holiday (2026-12-08 is). */
  madridTuesdayHoliday: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eRuntime;
  }
}

/** 2026-12-07 is a Monday early in a month whose Tuesday is a Spanish holiday (Immaculate Conception). */
const PREFERRED_ANCHOR = '2026-12-07';
/** Calendars the stories compute by hand; their holidays must not fall in the timeline (but see Madrid). */
const CALENDARS = [
  'b2bee.every-day-8-24',
  'b2bee.wd-8-17',
  'sales-layer.madrid-business',
  'performars.kst-business',
  'saastech.always',
  'suitecrm.london-banking-days',
];

let child: ChildProcess | undefined;
let dataDir = '';
let output = '';

/**
 * Ready when it prints its "running" line. A global setup has no timeout of its own, so a runtime
 * that never gets there is given up after minutes: far beyond a start on a loaded machine.
 */
const READY_LIMIT_MS = 300_000;

async function waitForReady(): Promise<void> {
  const limit = Date.now() + READY_LIMIT_MS;
  while (!output.includes('Support desk running')) {
    if (child?.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > limit) throw new Error(`npm start not ready in ${READY_LIMIT_MS / 1000} s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The stories run on Monday `anchor` to the Tuesday a week later. The clock only moves forward, so
 * when it is already past 2026-12-07 the suite takes the next Monday in days 1-10 of a month whose
 * timeline meets no holiday of the calendars used (the hand-computed due times assume none, apart
 * from the Madrid Tuesday, which the Sales Layer story reads).
 */
async function chooseAnchor(
  api: string,
  agentKey: string,
): Promise<{ anchor: string; madridTuesdayHoliday: boolean }> {
  const holidays = new Map<string, Set<string>>();
  for (const id of CALENDARS) {
    const response = await fetch(`${api}/v1/calendars/${id}`, {
      headers: { authorization: `Bearer ${agentKey}` },
    });
    if (!response.ok) throw new Error(`GET /v1/calendars/${id}: ${response.status}`);
    const stored = (await response.json()) as { calendar: { holidays?: string[] } };
    holidays.set(id, new Set(stored.calendar.holidays ?? []));
  }
  const clock = (await (await fetch(`${api}/local/clock`)).json()) as { now: string };
  const today = Temporal.Instant.from(clock.now).toZonedDateTimeISO('UTC').toPlainDate();
  const madrid = holidays.get('sales-layer.madrid-business')!;
  const tuesdayOf = (monday: Temporal.PlainDate) => monday.add({ days: 1 }).toString();
  if (Temporal.PlainDate.compare(today, Temporal.PlainDate.from(PREFERRED_ANCHOR)) < 0) {
    return {
      anchor: PREFERRED_ANCHOR,
      madridTuesdayHoliday: madrid.has(tuesdayOf(Temporal.PlainDate.from(PREFERRED_ANCHOR))),
    };
  }
  for (let day = today.add({ days: 1 }); ; day = day.add({ days: 1 })) {
    if (day.dayOfWeek !== 1 || day.day > 10) continue;
    const dates = Array.from({ length: 9 }, (_, i) => day.add({ days: i }).toString());
    const clear = [...holidays.entries()].every(([id, set]) =>
      dates.every(
        (date) => !set.has(date) || (id === 'sales-layer.madrid-business' && date === tuesdayOf(day)),
      ),
    );
    if (clear) return { anchor: day.toString(), madridTuesdayHoliday: madrid.has(tuesdayOf(day)) };
  }
}

/** Three distinct free ports; another process may still take one before the runtime binds it. */
async function freePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

function start(port: number, smtpPort: number, dynamoDbPort: number): ChildProcess {
  output = '';
  const started = spawnOwned(process.execPath, ['local/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      SMTP_PORT: String(smtpPort),
      DYNAMODB_PORT: String(dynamoDbPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  started.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return started;
}

export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'support-desk-e2e-'));
  let port = 0;
  let smtpPort = 0;
  // Other suites on this machine take free ports too: a port lost between choosing and binding
  // is retried with new ones, a few times.
  for (let attempt = 1; ; attempt++) {
    const [httpPort, mailPort, dynamoDbPort] = await freePorts();
    [port, smtpPort] = [httpPort, mailPort];
    child = start(port, smtpPort, dynamoDbPort);
    try {
      await waitForReady();
      break;
    } catch (error) {
      const lostPort = /already in use|BindException/.test(output);
      if (!lostPort || attempt === 3) {
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
  const api = `http://127.0.0.1:${port}`;
  project.provide('e2e', {
    api,
    smtpPort,
    dataDir,
    supportAddress: demo.supportAddress,
    keys: demo.keys,
    agentAddress: demo.staff.agent,
    ...(await chooseAnchor(api, demo.keys.agent)),
  });
}

export async function teardown(): Promise<void> {
  if (!child) return;
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
    // Keep the data and the runtime's output for whoever reads the failure.
    writeFileSync(join(dataDir, 'runtime.log'), output);
    if (code === 'timeout') killOwnedProcesses();
    throw new Error(`npm start did not stop cleanly on SIGTERM (${code}); output in ${dataDir}/runtime.log`);
  }
  // Every story went through without the desk logging an error (handlers, timers, outbox, close).
  const errors = output.split('\n').filter((line) => line.includes('"level":"error"'));
  if (errors.length > 0) {
    writeFileSync(join(dataDir, 'runtime.log'), output);
    throw new Error(
      `npm start logged ${errors.length} error(s), first: ${errors[0]}; output in ${dataDir}/runtime.log`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
}
