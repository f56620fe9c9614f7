// Agents working tickets by mail, through the SES-shaped intake on DynamoDB Local: a reply to a
// notification from a registered staff address is the agent's reply to the customer (sent through
// the outbox in the customer's thread), `#note` makes it an internal note, and anything else from a
// staff address gets one answer and never a ticket.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalBlobs } from '../../functions/adapters/blobs-local.ts';
import { claimTicket } from '../../functions/app/assignment.ts';
import { createIntake, type Intake } from '../../functions/email/intake.ts';
import { mailSettings } from '../../functions/mail/settings.ts';
import type { OutboundMail } from '../../functions/ports/mail.ts';
import { createApiKey } from '../../functions/store/api-keys.ts';
import { listMessages } from '../../functions/store/messages.ts';
import { getTicket } from '../../functions/store/tickets.ts';
import { deskContext, type Harness, seedAccount, seedCatalog, startApi } from '../api/harness.ts';
import { deliver, message, SUPPORT, sendOutboxTo, uniqueAddress } from './helpers.ts';

const mailDir = mkdtempSync(join(tmpdir(), 'desk-staff-mail-'));
const blobs = new LocalBlobs(mailDir);
let api: Harness;
let intake: Intake;
let contact: string;
let agentAddress: string;
let agentKeyId: string;
let ticketId: string;
let notification: OutboundMail;

/** A reply to `to` as a mail client writes it: Re: subject, In-Reply-To, References, quoted text. */
function replyTo(to: OutboundMail, from: string, body: string): Buffer {
  const id = to.headers['Message-ID']!;
  return message({
    from,
    subject: `Re: ${to.subject}`,
    body: `${body}\n\nOn Mon, Support Desk wrote:\n> ${to.text.split('\n')[0]}`,
    headers: { 'In-Reply-To': id, References: `${to.headers.References ?? ''} ${id}`.trim() },
  });
}

beforeAll(async () => {
  api = await startApi({ mailDir });
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  const b2bee = await seedCatalog('b2bee');
  contact = uniqueAddress('ivana');
  await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' }, [contact]);
  agentAddress = uniqueAddress('agent', 'desk.example');
  const { record } = await createApiKey(
    deskContext().store,
    { role: 'agent', name: 'Ana', email: agentAddress },
    new Date(),
  );
  agentKeyId = record.keyId;
  intake = createIntake({ context: deskContext, blobs, settings: mailSettings(SUPPORT) });

  const opened = await deliver(
    intake,
    blobs,
    message({ from: contact, subject: 'Orders stuck', body: 'Since 9:00' }),
  );
  ticketId = opened.ticketId!;
  await sendOutboxTo(deskContext(), [contact]);
  await claimTicket(deskContext(), { role: 'agent', keyId: agentKeyId }, ticketId);
  // The customer writes again: the assignee hears of it at their staff address.
  const [ack] = await sendOutboxTo(deskContext(), [contact]);
  expect(ack).toBeUndefined();
  const again = await deliver(
    intake,
    blobs,
    message({
      from: contact,
      subject: 'Re: Orders stuck',
      body: 'Still nothing.',
      headers: { References: `<desk.${ticketId}.thread@desk.localhost>` },
    }),
  );
  expect(again).toMatchObject({ outcome: 'reply', ticketId });
  const told = await sendOutboxTo(deskContext(), [agentAddress]);
  expect(told).toHaveLength(1);
  notification = told[0]!;
});
afterAll(() => api.close());

const bodiesOf = async () =>
  (await listMessages(deskContext().store, ticketId, { includeInternal: true, limit: 100 })).items;

describe('agents by mail', () => {
  test('the notification names the ticket, the SLA state and the customer’s words, in the ticket’s thread', async () => {
    const ticket = (await getTicket(deskContext().store, ticketId))!;
    expect(notification.to).toEqual([agentAddress]);
    expect(notification.subject).toBe(`[${ticket.reference}] Customer reply: Orders stuck`);
    expect(notification.text).toContain('Still nothing.');
    expect(notification.text).toMatch(/SLA: (running|AT RISK), first response due 2026-12-03T08:00/);
    expect(notification.headers.References).toContain(`<desk.${ticketId}.thread@desk.localhost>`);
  });

  test('a reply from the staff address is the agent’s reply: on the ticket, mailed to the customer in their thread', async () => {
    const result = await deliver(
      intake,
      blobs,
      replyTo(notification, agentAddress, 'We restarted the sync.'),
    );
    expect(result).toMatchObject({ outcome: 'agentReply', ticketId });
    const posted = (await bodiesOf()).at(-1)!;
    expect(posted).toMatchObject({
      body: 'We restarted the sync.',
      visibility: 'public',
      channel: 'email',
      author: { type: 'agent', keyId: agentKeyId, email: agentAddress },
    });
    const ticket = (await getTicket(deskContext().store, ticketId))!;
    // The first public agent reply meets first response, as through the API.
    expect(ticket.sla.firstResponse?.state).toBe('met');
    const [sent, ...more] = await sendOutboxTo(deskContext(), [contact]);
    expect(more).toEqual([]);
    expect(sent!.text).toContain('We restarted the sync.');
    expect(sent!.text).not.toContain('On Mon, Support Desk wrote');
    expect(sent!.subject).toBe(`[${ticket.reference}] Orders stuck`);
    expect(sent!.from).toContain(SUPPORT);
    expect(sent!.headers['In-Reply-To']).toBeDefined();
    expect(sent!.headers.References).toContain(`<desk.${ticketId}.thread@desk.localhost>`);
  });

  test('#note on the first line makes an internal note; the customer gets nothing', async () => {
    const result = await deliver(
      intake,
      blobs,
      replyTo(notification, agentAddress, '#note\nCheck the worker logs.'),
    );
    expect(result).toMatchObject({ outcome: 'note', ticketId });
    expect((await bodiesOf()).at(-1)).toMatchObject({
      body: 'Check the worker logs.',
      visibility: 'internal',
    });
    expect(await sendOutboxTo(deskContext(), [contact])).toEqual([]);
  });

  test('staff mail that answers no notification gets one answer, and opens nothing', async () => {
    const before = (await bodiesOf()).length;
    const ticket = (await getTicket(deskContext().store, ticketId))!;
    // The reference in the subject is not enough: anyone can write a subject.
    const result = await deliver(
      intake,
      blobs,
      message({ from: agentAddress, subject: `[${ticket.reference}] about this`, body: 'Fixed?' }),
    );
    expect(result.outcome).toBe('staffUnmatched');
    expect(result.ticketId).toBeUndefined();
    expect((await bodiesOf()).length).toBe(before);
    const [answer, ...more] = await sendOutboxTo(deskContext(), [agentAddress]);
    expect(more).toEqual([]);
    expect(answer!.text).toContain('not added to any ticket');
    expect(answer!.headers['Auto-Submitted']).toBe('auto-replied');
  });

  test('a revoked key’s address is a stranger again', async () => {
    const { revokeApiKey } = await import('../../functions/store/api-keys.ts');
    await revokeApiKey(deskContext().store, agentKeyId, new Date());
    const result = await deliver(intake, blobs, replyTo(notification, agentAddress, 'One more thing.'));
    expect(result.outcome).toBe('unknownSender');
    expect((await bodiesOf()).some((m) => m.body === 'One more thing.')).toBe(false);
  });
});
