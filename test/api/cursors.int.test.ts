// Cursors and authors as the API shows them. Regressions: cursors were base64 JSON of the table's
// keys and resumed for any caller; customers saw staff key ids as message authors. A cursor now
// resumes only the list it came from, for the key it was issued to (400 naming `cursor` otherwise),
// and customers see staff as a role and a display name.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, type Harness, keyFor, seedAccount, seedCatalog, startApi } from './harness.ts';

let api: Harness;
let performars: string;

beforeAll(async () => {
  api = await startApi();
  performars = await seedCatalog('performars');
});
afterAll(() => api.close());

const payPerUse = { planId: 'pay-per-use', startDate: '2026-01-01' };

function refusedCursor(answer: { status: number; body: { errors?: { field: string }[] } }) {
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.map((e) => e.field)).toEqual(['cursor']);
}

describe('a cursor resumes only the list and key it was issued to', () => {
  test('another key, another route, another filter or an edited cursor: 400 naming cursor', async () => {
    const account = await seedAccount(performars, payPerUse);
    const other = await seedAccount(performars, payPerUse);
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const sameAccount = client(api.baseUrl, await keyFor('customer', account.id));
    const agent = client(api.baseUrl, await keyFor('agent'));
    for (let i = 0; i < 3; i++) {
      expect((await customer('POST', '/v1/tickets', { subject: `T${i}`, body: 'x' })).status).toBe(201);
    }
    const first = await customer('GET', '/v1/tickets?limit=1');
    const cursor = first.body.nextCursor as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/GSI|TICKET|ACCOUNT|acct-/);
    const next = await customer('GET', `/v1/tickets?limit=1&cursor=${cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    // Another customer key of the same account, an agent on the same account's list.
    refusedCursor(await sameAccount('GET', `/v1/tickets?limit=1&cursor=${cursor}`));
    refusedCursor(await agent('GET', `/v1/tickets?accountId=${account.id}&limit=1&cursor=${cursor}`));
    // The same key with a status filter, or on a ticket's messages.
    refusedCursor(await customer('GET', `/v1/tickets?status=new&limit=1&cursor=${cursor}`));
    refusedCursor(await customer('GET', `/v1/tickets/${first.body.items[0].id}/messages?cursor=${cursor}`));
    // An agent's cursor for one account does not page another.
    const staffPage = await agent('GET', `/v1/tickets?accountId=${account.id}&limit=1`);
    refusedCursor(
      await agent('GET', `/v1/tickets?accountId=${other.id}&limit=1&cursor=${staffPage.body.nextCursor}`),
    );
    // A hand-made cursor of the old kind.
    const handMade = Buffer.from(JSON.stringify({ PK: 'TICKET#x', SK: 'TICKET' })).toString('base64url');
    refusedCursor(await customer('GET', `/v1/tickets?cursor=${handMade}`));
    // Another limit is not another list.
    expect((await customer('GET', `/v1/tickets?limit=5&cursor=${cursor}`)).status).toBe(200);
  });

  test('a customer paging messages past internal notes gets full pages of what they may see', async () => {
    const account = await seedAccount(performars, payPerUse);
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const agent = client(api.baseUrl, await keyFor('agent'));
    const ticket = (await customer('POST', '/v1/tickets', { subject: 'Notes', body: 'opening' })).body;
    for (const [body, visibility] of [
      ['note 1', 'internal'],
      ['note 2', 'internal'],
      ['reply 1', 'public'],
      ['note 3', 'internal'],
      ['note 4', 'internal'],
      ['reply 2', 'public'],
      ['note 5', 'internal'],
    ] as const) {
      expect((await agent('POST', `/v1/tickets/${ticket.id}/messages`, { body, visibility })).status).toBe(
        201,
      );
    }
    const bodies: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await customer(
        'GET',
        `/v1/tickets/${ticket.id}/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      bodies.push(page.body.items.map((m: { body: string }) => m.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(bodies).toEqual([['opening', 'reply 1'], ['reply 2']]);
  });
});

test('customers see staff authors as a role and a display name, never a key id', async () => {
  const account = await seedAccount(performars, payPerUse);
  const customer = client(api.baseUrl, await keyFor('customer', account.id));
  const named = client(api.baseUrl, await keyFor('agent', undefined, 'Ana from Support'));
  const unnamed = client(api.baseUrl, await keyFor('admin'));
  const ticket = (await customer('POST', '/v1/tickets', { subject: 'Who answers?', body: 'hello' })).body;
  await named('POST', `/v1/tickets/${ticket.id}/messages`, { body: 'Looking into it' });
  await unnamed('POST', `/v1/tickets/${ticket.id}/messages`, { body: 'Fixed' });

  const seen = await customer('GET', `/v1/tickets/${ticket.id}/messages`);
  const authors = seen.body.items.map((m: { author: unknown }) => m.author);
  expect(authors[1]).toEqual({ type: 'agent', name: 'Ana from Support' });
  expect(authors[2]).toEqual({ type: 'agent', name: 'Support agent' });
  expect(authors[0].type).toBe('customer');
  expect(JSON.stringify(authors.slice(1))).not.toContain('keyId');

  // Staff still see which key wrote what.
  const staff = await named('GET', `/v1/tickets/${ticket.id}/messages`);
  expect(staff.body.items[1].author).toMatchObject({ type: 'agent', name: 'Ana from Support' });
  expect(staff.body.items[1].author.keyId).toMatch(/^[0-9a-f]{16}$/);
  expect(staff.body.items[2].author.keyId).toMatch(/^[0-9a-f]{16}$/);
});

test('an admin gives a staff key a display name when creating it', async () => {
  const admin = client(api.baseUrl, await keyFor('admin'));
  const created = await admin('POST', '/v1/api-keys', {
    role: 'agent',
    name: 'Night shift',
    displayName: 'Marta',
  });
  expect(created.status).toBe(201);
  expect(created.body.key.displayName).toBe('Marta');
  const tooLong = await admin('POST', '/v1/api-keys', {
    role: 'agent',
    name: 'x',
    displayName: 'a'.repeat(101),
  });
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toEqual(['displayName']);
});
