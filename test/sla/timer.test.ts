// The sla-timer handler on DynamoDB Local: it records a due warning or breach once and mails the
// agents (and the customer where the plan promises it); stale, duplicate, early and malformed
// firings change nothing and send nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { changeTicket, type TicketRecord } from '../../functions/app/tickets.ts';
import type { MailSender, OutboundMail } from '../../functions/ports/mail.ts';
import { desiredSchedules, type TicketImage } from '../../functions/sla/schedules.ts';
import { timerHandler } from '../../functions/sla/timer.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import { b2beeCatalog, deskOn, frozenClock, type SlaTestTable, slaTestTable } from './helpers.ts';

const clock = frozenClock();
const sent: OutboundMail[] = [];
const mail: MailSender = {
  async send(message) {
    sent.push(message);
  },
};
let table: SlaTestTable;

beforeAll(async () => {
  table = await slaTestTable('timer');
});
afterAll(() => table?.store.doc.destroy());

const alerts = { from: 'support@vendor.test', agents: ['oncall@vendor.test'] };
const read = async (id: string) => (await getTicket(table.store, id)) as unknown as TicketRecord;

async function setup(customerOnBreach: boolean) {
  const desk = await deskOn(table.store, clock, b2beeCatalog({ customerOnBreach }));
  const fire = timerHandler({ context: () => desk.ctx, mail, alerts });
  const ticket = await desk.open({ severity: 'Critical', contactEmail: 'cto@acme.test' });
  const [warning, breach] = desiredSchedules(ticket as unknown as TicketImage);
  return { desk, fire, ticket, warning: warning!, breach: breach! };
}

describe('sla-timer', () => {
  test('records a due breach once, mails agents and the customer; a duplicate changes nothing', async () => {
    const { fire, ticket, breach } = await setup(true);
    sent.length = 0;
    clock.set(new Date(Date.parse(breach.at) + 20_000));
    const first = await fire(breach.payload);
    expect(first).toEqual({ outcome: 'recorded', recorded: ['slaBreached'], mailed: 2 });
    expect((await read(ticket.id)).sla.firstResponse?.breachedAt).toBe(breach.at);
    expect(sent.map((m) => m.to)).toEqual([['oncall@vendor.test'], ['cto@acme.test']]);
    for (const message of sent) expect(message.headers['Auto-Submitted']).toBe('auto-generated');
    expect(sent[1]!.text).not.toContain('oncall');
    const version = (await read(ticket.id)).version;
    expect(await fire(breach.payload)).toEqual({ outcome: 'unchanged', recorded: [], mailed: 0 });
    expect((await read(ticket.id)).version).toBe(version);
    expect(sent).toHaveLength(2);
  });

  test('a late warning timer after the breach records the breach only (no warning next to it)', async () => {
    const { fire, ticket, warning } = await setup(false);
    sent.length = 0;
    clock.advance(2 * 3_600_000);
    expect(await fire(warning.payload)).toEqual({
      outcome: 'recorded',
      recorded: ['slaBreached'],
      mailed: 1,
    });
    expect((await read(ticket.id)).sla.firstResponse?.warnedAt).toBeUndefined();
  });

  test('stale: the clock was paused or met since; early; missing ticket; malformed payload: nothing changes', async () => {
    const { desk, fire, ticket, breach, warning } = await setup(false);
    sent.length = 0;
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
    expect(sent).toEqual([]);
  });
});
