// End to end on one machine: tickets opened through the use cases, the local SLA runtime reading the
// real stream, timers in the table, `POST /local/clock` over HTTP moving the clock and firing what
// comes due through the sla-timer handler; its alerts are outbox items, delivered as .eml files by
// the local outbox sender (as in `npm start`).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { localScheduler } from '../../functions/adapters/scheduler-local.ts';
import { appContext } from '../../functions/app/context.ts';
import { changeTicket, type TicketRecord } from '../../functions/app/tickets.ts';
import { defaultSettings } from '../../functions/settings.ts';
import { scheduleName } from '../../functions/sla/schedules.ts';
import { deleteLocalSchedule } from '../../functions/store/local-runtime.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import { freePort } from '../../local/dynamodb-local.ts';
import { createHttpServer } from '../../local/http-server.ts';
import { type OutboxDelivery, startOutboxDelivery } from '../../local/outbox.ts';
import { deferredSlaRoutes, type SlaRuntime, startSlaRuntime } from '../../local/sla-runtime.ts';
import {
  b2beeCatalog,
  type Desk,
  deskOn,
  frozenClock,
  ONCALL,
  type SlaTestTable,
  START,
  slaTestTable,
} from './helpers.ts';

const MINUTE = 60_000;
const dataDir = mkdtempSync(join(tmpdir(), 'sla-runtime-'));
const outbox = join(dataDir, 'outbox');
/** What `npm start` sets from its configuration: every ticket change may write the agents' alert. */
const settings = defaultSettings({ alerts: { agents: [ONCALL] } });
let table: SlaTestTable;
let desk: Desk;
let runtime: SlaRuntime;
let delivery: OutboxDelivery;
let server: Server;
let base: string;

async function serve(routes: SlaRuntime['routes']) {
  server = createHttpServer(routes);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${port}`;
}

async function start() {
  runtime = await startSlaRuntime({
    endpoint: table.endpoint,
    tableName: table.tableName,
    clock: frozenClock(),
    tickMs: 0,
    pollMs: 50,
    settings,
  });
  const ctx = appContext(table.store, runtime.clock, settings);
  delivery = await startOutboxDelivery({
    endpoint: table.endpoint,
    tableName: table.tableName,
    dataDir,
    context: () => ctx,
    pollMs: 50,
  });
  await serve(runtime.routes);
}

async function stop() {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await delivery.stop();
  await runtime.stop();
}

async function moveClock(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}/local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const ticketNow = async (id: string) => (await getTicket(table.store, id)) as unknown as TicketRecord;
/** The SLA alerts the outbox sender wrote so far (acknowledgements are `auto-replied`). */
async function mails(): Promise<string[]> {
  await delivery.flush();
  return readdirSync(outbox, { withFileTypes: true })
    .filter((entry) => entry.name.endsWith('.eml'))
    .map((entry) => readFileSync(join(outbox, entry.name), 'utf8'))
    .filter((mail) => mail.includes('Auto-Submitted: auto-generated'))
    .sort();
}

beforeAll(async () => {
  table = await slaTestTable('e2e');
  await start();
  // The desk's use cases run on the runtime's clock, as the API handlers do.
  desk = await deskOn(
    table.store,
    runtime.clock,
    b2beeCatalog({ warningAt: 'PT15M', customerOnBreach: true }),
  );
});

afterAll(async () => {
  await stop();
  table?.store.doc.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a Critical ticket under a 1-hour first-response target', () => {
  let ticket: TicketRecord;

  test('45 minutes later it is warned, and the agents are mailed', async () => {
    expect(runtime.clock.now()).toEqual(START);
    ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
    const moved = await moveClock({ advance: 'PT45M' });
    expect(moved).toEqual({ status: 200, json: { now: '2026-12-01T08:45:00.000Z', fired: 1 } });
    const clock = (await ticketNow(ticket.id)).sla.firstResponse!;
    expect(clock.warnedAt).toBe('2026-12-01T08:45:00.000Z');
    expect(clock.state).toBe('running');
    // The agents heard of the new ticket when it opened, then of the warning.
    const sent = await mails();
    expect(sent).toHaveLength(2);
    expect(sent.filter((m) => m.includes(`Subject: [${ticket.reference}] New ticket:`))).toHaveLength(1);
    const warning = sent.find((m) =>
      m.includes(`Subject: [${ticket.reference}] SLA warning: first response`),
    );
    expect(warning).toContain('To: oncall@vendor.test');
    expect(warning).toContain('Auto-Submitted: auto-generated');
    expect(warning).toContain('SLA: AT RISK');
  });

  test('20 minutes more and it is breached: agents and, as this plan promises, the customer are told', async () => {
    const moved = await moveClock({ advance: 'PT20M' });
    expect(moved).toEqual({ status: 200, json: { now: '2026-12-01T09:05:00.000Z', fired: 1 } });
    const clock = (await ticketNow(ticket.id)).sla.firstResponse!;
    expect(clock.state).toBe('breached');
    expect(clock.breachedAt).toBe('2026-12-01T09:00:00.000Z');
    const sent = await mails();
    expect(sent).toHaveLength(4);
    expect(sent.filter((m) => m.includes('SLA breached: first response'))).toHaveLength(1);
    expect(sent.filter((m) => m.includes('To: cto@acme.test'))).toHaveLength(1);
    // Nothing is left to fire for it, and firing again changes nothing.
    const left = await localScheduler(table.store).due(new Date('2100-01-01T00:00:00Z'));
    expect(left.filter((s) => s.payload.ticketId === ticket.id)).toEqual([]);
    expect(await moveClock({ advance: 'PT1H' })).toMatchObject({ json: { fired: 0 } });
    expect(await mails()).toHaveLength(4);
  });
});

describe('waiting on the customer', () => {
  test('a paused ticket does not breach; resumed, it breaches when its remaining time is used', async () => {
    const ticket = await desk.open({ severity: 'Critical' });
    const opened = runtime.clock.now().getTime();
    await moveClock({ advance: 'PT10M' });
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'setStatus', status: 'waiting_on_customer' }]);
    const moved = await moveClock({ advance: 'PT2H' });
    expect(moved.json.fired).toBe(0);
    const paused = (await ticketNow(ticket.id)).sla.firstResponse!;
    expect(paused.state).toBe('paused');
    expect(paused.breachedAt).toBeUndefined();

    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'setStatus', status: 'in_progress' }]);
    const resumedAt = runtime.clock.now().getTime();
    // 10 of 60 minutes were used before the pause: the warning (at 45) is 35 minutes on, the breach 50.
    expect(await moveClock({ advance: 'PT49M' })).toMatchObject({ json: { fired: 1 } });
    expect((await ticketNow(ticket.id)).sla.firstResponse!.state).toBe('running');
    expect(await moveClock({ advance: 'PT1M' })).toMatchObject({ json: { fired: 1 } });
    const breached = (await ticketNow(ticket.id)).sla.firstResponse!;
    expect(breached.state).toBe('breached');
    expect(Date.parse(breached.breachedAt!)).toBe(resumedAt + 50 * MINUTE);
    expect(resumedAt - opened).toBe(130 * MINUTE);
  });
});

describe('a deadline whose timer is gone', () => {
  test('the sweeper records it when the clock moves past it and its grace, once', async () => {
    const ticket = await desk.open({ severity: 'Critical' });
    await runtime.settle();
    const breach = scheduleName(ticket.id, 'firstResponse', 'breach');
    expect(
      (await localScheduler(table.store).due(new Date('2100-01-01T00:00:00Z'))).map((s) => s.name),
    ).toContain(breach);
    // As if the reconcile that created it had failed past the stream's retention.
    await deleteLocalSchedule(table.store, breach);

    const moved = await moveClock({ advance: 'PT1H10M' });
    // The warning's timer fired; the breach had none, and the sweep recorded it at its deadline.
    expect(moved.json.fired).toBe(1);
    const clock = (await ticketNow(ticket.id)).sla.firstResponse!;
    expect(clock.state).toBe('breached');
    expect(Date.parse(clock.breachedAt!)).toBe(Date.parse(ticket.createdAt) + 60 * MINUTE);
    expect(await moveClock({ advance: 'PT1H' })).toMatchObject({ json: { fired: 0 } });
  });
});

describe('POST /local/clock', () => {
  test('refuses bodies it cannot read and moves that go back, as problem+json', async () => {
    for (const body of [
      {},
      { advance: 'two hours' },
      { advance: 'P1M' },
      { set: 'tomorrow' },
      { set: '2020-01-01T00:00:00Z' },
    ]) {
      const response = await fetch(`${base}/local/clock`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  test('set jumps to an instant; the moved time and the timers survive a restart', async () => {
    const ticket = await desk.open({ severity: 'Critical' });
    const at = new Date(runtime.clock.now().getTime() + 60 * MINUTE);
    at.setUTCSeconds(0, 0);
    const set = await moveClock({ set: at.toISOString().replace('.000Z', 'Z') });
    expect(set.json.now).toBe(at.toISOString());
    const other = await desk.open({ severity: 'Critical' });
    await runtime.settle();
    await stop();

    await start();
    expect(runtime.clock.now().toISOString()).toBe(at.toISOString());
    const clock = (await fetch(`${base}/local/clock`).then((r) => r.json())) as { now: string };
    expect(clock.now).toBe(at.toISOString());
    // The other ticket's warning is 45 minutes on: its timer was kept in the table.
    expect(await moveClock({ advance: 'PT45M' })).toMatchObject({ json: { fired: 1 } });
    expect((await ticketNow(other.id)).sla.firstResponse!.warnedAt).toBeDefined();
    expect((await ticketNow(ticket.id)).sla.firstResponse!.state).toBe('breached');
  });
});

describe('deferredSlaRoutes', () => {
  test('answer 503 until the runtime is attached, then serve it', async () => {
    const deferred = deferredSlaRoutes();
    const read = deferred.routes.find((route) => route.routeKey === 'GET /local/clock')!;
    expect(read.public).toBe(true);
    const event = { headers: {}, requestContext: { requestId: 'r-1' } } as never;
    const before = await read.handler(event, {} as never);
    expect(before.statusCode).toBe(503);
    expect(before.headers?.['content-type']).toBe('application/problem+json');
    deferred.attach(runtime);
    const after = await read.handler(event, {} as never);
    expect(after.statusCode).toBe(200);
    expect(JSON.parse(String(after.body)).now).toBe(runtime.clock.now().toISOString());
  });
});
