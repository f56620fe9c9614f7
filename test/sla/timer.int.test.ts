// The sla-timer handler on DynamoDB Local: it records a due warning or breach once, and its alerts to
// the agents (and to the customer where the plan promises it) are outbox items written with it; it
// sends no mail itself. Stale, duplicate, early and malformed firings change nothing and alert nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { changeTicket, type TicketRecord } from '../../functions/app/tickets.ts';
import { desiredSchedules, type TicketImage } from '../../functions/sla/schedules.ts';
import { timerHandler } from '../../functions/sla/timer.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import { alertsOf, b2beeCatalog, deskOn, frozenClock, type SlaTestTable, slaTestTable } from './helpers.ts';

const clock = frozenClock();
let table: SlaTestTable;

beforeAll(async () => {
  table = await slaTestTable('timer');
});
afterAll(() => {
  table?.store.doc.destroy();
});

const read = async (id: string) => (await getTicket(table.store, id)) as unknown as TicketRecord;

async function setup(customerOnBreach: boolean) {
  const desk = await deskOn(table.store, clock, b2beeCatalog({ customerOnBreach }));
  const fire = timerHandler({ context: () => desk.ctx });
  const ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
  const [warning, breach] = desiredSchedules(ticket as unknown as TicketImage);
  return { desk, fire, ticket, warning: warning!, breach: breach! };
}

describe('sla-timer', () => {
  test('records a due breach once with its alerts to agents and the customer in the outbox; a duplicate changes nothing', async () => {
    const { fire, ticket, breach } = await setup(true);
    clock.set(new Date(Date.parse(breach.at) + 20_000));
    const first = await fire(breach.payload);
    expect(first).toEqual({ outcome: 'recorded', recorded: ['slaBreached'] });
    expect((await read(ticket.id)).sla.firstResponse?.breachedAt).toBe(breach.at);
    const alerts = await alertsOf(table.store, ticket.id);
    expect(alerts.map((a) => [a.kind, a.mail.to, a.automatic, a.status])).toEqual([
      ['slaBreached', ['oncall@vendor.test'], false, 'pending'],
      ['slaBreached', ['cto@acme.test'], true, 'pending'],
    ]);
    for (const alert of alerts) {
      expect(alert.mail.headers['Message-ID']).toBe(`<${alert.messageId}>`);
      expect(alert.mail.headers['Auto-Submitted']).toBe('auto-generated');
      expect(alert.mail.headers['X-Support-Desk-Ticket']).toBe(ticket.reference);
    }
    expect(new Set(alerts.map((a) => a.id)).size).toBe(2);
    expect(alerts[0]!.mail.subject).toBe(`[${ticket.reference}] SLA breached: first response`);
    expect(alerts[1]!.mail.text).not.toContain('oncall');
    const version = (await read(ticket.id)).version;
    expect(await fire(breach.payload)).toEqual({ outcome: 'unchanged', recorded: [] });
    expect((await read(ticket.id)).version).toBe(version);
    expect(await alertsOf(table.store, ticket.id)).toHaveLength(2);
  });

  test('a late warning timer after the breach records the breach only (no warning next to it)', async () => {
    const { fire, ticket, warning } = await setup(false);
    clock.advance(2 * 3_600_000);
    expect(await fire(warning.payload)).toEqual({ outcome: 'recorded', recorded: ['slaBreached'] });
    expect((await read(ticket.id)).sla.firstResponse?.warnedAt).toBeUndefined();
    expect((await alertsOf(table.store, ticket.id)).map((a) => [a.kind, a.mail.to])).toEqual([
      ['slaBreached', ['oncall@vendor.test']],
    ]);
  });

  test('stale: the clock was paused or met since; early; missing ticket; malformed payload: nothing changes', async () => {
    const { desk, fire, ticket, breach, warning } = await setup(false);
    await changeTicket(desk.ctx, ticket.id, () => [
      { type: 'reply', author: 'agent', visibility: 'public', automatic: false },
    ]);
    const version = (await read(ticket.id)).version;
    clock.set(new Date(Date.parse(breach.at) + 60_000));
    expect((await fire(breach.payload)).outcome).toBe('unchanged');
    expect((await fire(warning.payload)).outcome).toBe('unchanged');
    expect((await read(ticket.id)).version).toBe(version);

    const later = await setup(false);
    expect(
      await later.fire({
        ...later.breach.payload,
        dueAt: new Date(Date.parse(later.breach.at) + 3_600_000).toISOString(),
      }),
    ).toMatchObject({ outcome: 'early' });
    // A stale schedule made for an earlier deadline (the deadline moved later since) finds nothing due.
    const stale = { ...later.breach.payload, dueAt: clock.now().toISOString() };
    expect(await later.fire(stale)).toMatchObject({ outcome: 'unchanged' });
    expect(await fire({ ...breach.payload, ticketId: 'no-such-ticket' })).toMatchObject({
      outcome: 'missing',
    });
    expect(
      await fire({ ticketId: ticket.id, metric: 'speed', event: 'breach', dueAt: 'soon' }),
    ).toMatchObject({
      outcome: 'invalid',
    });
    expect(await alertsOf(table.store, ticket.id)).toEqual([]);
    expect(await alertsOf(table.store, later.ticket.id)).toEqual([]);
  });
});
