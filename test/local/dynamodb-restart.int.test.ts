// `npm start` survives the death of its DynamoDB Local. Regression: after a `kill -9` of the java
// process every request answered 500 in 5 ms and the runtime never recovered. Now java is restarted
// on the same data and port; meanwhile requests answer 503 with Retry-After; the runtime recovers
// without a restart; and nothing acknowledged is lost: tickets are opened in a loop while java is
// killed twice, and every ticket answered 201 is read back afterwards. The stream pollers resume:
// an SLA breach of a ticket opened after the kills is scheduled, fired and mailed.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../../local/dynamodb-local.ts';
import { killOwnedProcesses, spawnOwned } from '../setup/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-restart-'));
afterAll(() => {
  killOwnedProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startRuntime(): Promise<{ child: ChildProcess; output: () => string; base: string }> {
  const port = await freePort();
  const child = spawnOwned(process.execPath, ['local/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      DYNAMODB_PORT: String(await freePort()),
      SMTP_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await until(
    'the runtime to start',
    () => {
      if (child.exitCode !== null) throw new Error(`runtime exited early:\n${output}`);
      return output.includes('Support desk running') ? true : undefined;
    },
    240_000,
  );
  return { child, output: () => output, base: `http://127.0.0.1:${port}` };
}

interface Answer {
  status: number;
  id?: string;
  retryAfter: string | null;
}

test('kill -9 of DynamoDB Local twice: 503 meanwhile, recovery, and no acknowledged ticket lost', async () => {
  const runtime = await startRuntime();
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
  const payPerUse = demo.keys.customer['demo-performars-ppu'] as string;
  const critical = demo.keys.customer['demo-b2bee'] as string;
  const javaPids = () => [
    Number(/table support-desk \(created\), pid (\d+)/.exec(runtime.output())![1]),
    ...[...runtime.output().matchAll(/"message":"DynamoDB Local restarted"[^\n]*"pid":(\d+)/g)].map((m) =>
      Number(m[1]),
    ),
  ];

  const answers: Answer[] = [];
  let creating = true;
  const open = async (key: string, subject: string, severity?: string): Promise<Answer> => {
    const response = await fetch(`${runtime.base}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject,
        body: 'Opened while the database may be dying',
        ...(severity ? { severity } : {}),
      }),
    });
    const body = (await response.json()) as { id?: string };
    return {
      status: response.status,
      ...(body.id ? { id: body.id } : {}),
      retryAfter: response.headers.get('retry-after'),
    };
  };
  const creators = Array.from({ length: 3 }, async (_, worker) => {
    for (let i = 0; creating; i++) {
      answers.push(await open(payPerUse, `Loop ${worker}-${i}`));
      await sleep(30);
    }
  });

  // A failure shows what the runtime said last.
  const explain = (error: unknown) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- runtime output ---\n${runtime.output().slice(-6000)}`,
    );
  };
  await killTwice().catch(explain);
  async function killTwice() {
    for (let kill = 1; kill <= 2; kill++) {
      const served = answers.length;
      await until('tickets acknowledged before the kill', () =>
        answers.slice(served).filter((a) => a.status === 201).length >= 5 ? true : undefined,
      );
      const pid = javaPids().at(-1)!;
      const before = answers.length;
      process.kill(pid, 'SIGKILL');
      // Refused while java is down, then served again without restarting the runtime.
      await until('a 503 while java is down', () =>
        answers.slice(before).some((a) => a.status === 503) ? true : undefined,
      );
      await until('java restarted', () => (javaPids().length === kill + 1 ? true : undefined), 240_000);
      const restarted = answers.length;
      await until('a ticket acknowledged after the restart', () =>
        answers.slice(restarted).some((a) => a.status === 201) ? true : undefined,
      );
    }
  }
  const last = answers.length;
  await until('tickets acknowledged after the last restart', () =>
    answers.slice(last).filter((a) => a.status === 201).length >= 5 ? true : undefined,
  ).catch(explain);
  creating = false;
  await Promise.all(creators);

  const statuses = [...new Set(answers.map((a) => a.status))].sort();
  expect(statuses).toEqual([201, 503]);
  for (const answer of answers.filter((a) => a.status === 503))
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.id!);
  const lost: string[] = [];
  for (const id of acknowledged) {
    const read = await fetch(`${runtime.base}/v1/tickets/${id}`, {
      headers: { authorization: `Bearer ${payPerUse}` },
    });
    if (read.status !== 200) lost.push(id);
  }
  console.log(
    `restart test: ${acknowledged.length} acknowledged, ${answers.length - acknowledged.length} refused (503), ${lost.length} lost, java pids ${javaPids().join(' -> ')}`,
  );
  expect(lost).toEqual([]);

  // The stream pollers resumed: a Critical ticket opened now gets its SLA timers (SLA runtime's
  // poller) and its breach alert reaches the outbox (the outbox's poller).
  const ticket = await until('a Critical ticket', async () => {
    const answer = await open(critical, 'After the kills', 'Critical');
    return answer.status === 201 ? answer : undefined;
  });
  const { reference } = (await (
    await fetch(`${runtime.base}/v1/tickets/${ticket.id}`, {
      headers: { authorization: `Bearer ${critical}` },
    })
  ).json()) as { reference: string };
  await sleep(1_000);
  const advanced = await fetch(`${runtime.base}/local/clock`, {
    method: 'POST',
    body: JSON.stringify({ advance: 'P1D' }),
  });
  expect(advanced.status).toBe(200);
  const outbox = join(dataDir, 'outbox');
  await until(`the breach alert of ${reference}`, () =>
    readdirSync(outbox).find((file) =>
      readFileSync(join(outbox, file), 'utf8').includes(`[${reference}] SLA breached: first response`),
    ),
  );
  expect(runtime.child.exitCode).toBeNull();
}, 600_000);
