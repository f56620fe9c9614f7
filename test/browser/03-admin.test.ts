// Admin and agent chores in the console: a broken catalog is refused with its field named, a new key
// is shown once and can be revoked, and a quarantined mail (sent over SMTP with a failing spam
// verdict) is released into a ticket.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { api, desk, launch, openPage, screenshot, signIn } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a broken catalog is refused with the field at fault named, and nothing is stored', async () => {
  const catalog = JSON.parse(readFileSync('examples/b2bee.catalog.json', 'utf8'));
  catalog.id = 'browser-broken';
  catalog.plans[0].defaultSeverity = 'P9';
  const { page, context, problems } = await openPage(browser);
  await signIn(page, desk().keys.admin);
  await page.goto(`${desk().base}/#/catalogs`);
  await page.getByLabel('Catalog JSON').fill(JSON.stringify(catalog, null, 2));
  await page.getByRole('button', { name: 'Check' }).click();
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([expect.stringContaining('Catalog “browser-broken”')]));
  await page.getByRole('button', { name: 'Upload' }).click();
  const fields = page.getByRole('list', { name: 'Fields at fault' });
  await expect.poll(() => fields.innerText()).toContain('plans[0].defaultSeverity');
  expect(await fields.innerText()).toContain('is not in the plan');
  expect(await page.getByRole('alert').first().innerText()).toContain('plans[0].defaultSeverity');
  await screenshot(page, 'catalogs');
  const stored = await fetch(`${desk().base}/v1/catalogs/browser-broken`, {
    headers: { authorization: `Bearer ${desk().keys.admin}` },
  });
  expect(stored.status).toBe(404);
  // Not JSON at all is said before anything is sent.
  await page.getByLabel('Catalog JSON').fill('{ "id": ');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('The file is not JSON');
  expect(problems).toEqual([]);
  await context.close();
});

test('a new key is shown once, works, and is refused once revoked', async () => {
  const { page, context, problems } = await openPage(browser);
  await signIn(page, desk().keys.admin);
  await page.goto(`${desk().base}/#/keys`);
  await page.getByLabel('Role').selectOption('agent');
  await page.getByLabel('Name', { exact: true }).fill('Night shift');
  await page.getByRole('button', { name: 'Issue key' }).click();
  const secret = page.getByLabel('Secret');
  await expect.poll(() => secret.inputValue()).toMatch(/^sd_agent_/);
  const key = await secret.inputValue();
  const keyId = await page.locator('.secret code').innerText();
  expect(
    (await fetch(`${desk().base}/v1/quarantine?limit=1`, { headers: { authorization: `Bearer ${key}` } }))
      .status,
  ).toBe(200);
  // Leaving the page forgets it: the secret is never shown again.
  await page.goto(`${desk().base}/#/accounts`);
  await page.goto(`${desk().base}/#/keys`);
  expect(await page.getByLabel('Secret').count()).toBe(0);
  await page.getByLabel('Key id').fill(keyId);
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([expect.stringContaining(`Key ${keyId} revoked`)]));
  expect(
    (await fetch(`${desk().base}/v1/quarantine?limit=1`, { headers: { authorization: `Bearer ${key}` } }))
      .status,
  ).toBe(401);
  expect(problems).toEqual([]);
  await context.close();
});

test('an agent releases a quarantined mail and it becomes a ticket', async () => {
  const subject = `Invoice portal down ${Date.now()}`;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: desk().smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await transport.sendMail({
      from: 'ivana@jadran.example',
      to: desk().supportAddress,
      subject,
      text: 'The invoice portal shows an error since this morning.',
      headers: { 'X-Local-Verdicts': 'spam=FAIL' },
    });
  } finally {
    transport.close();
  }
  const { page, context, problems } = await openPage(browser);
  await signIn(page, desk().keys.agent);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Quarantine' }).click();
  const row = page.locator(`tr[data-subject="${subject}"]`);
  await expect.poll(() => row.innerText()).toContain('spam');
  await screenshot(page, 'quarantine');
  await row.getByRole('button', { name: `Release “${subject}” from ivana@jadran.example` }).click();
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([expect.stringContaining(`Released “${subject}”: it became ticket`)]));
  // Release answers 202; the page follows the entry until it has the outcome and names the ticket.
  expect(await page.getByRole('status').allInnerTexts()).toEqual(
    expect.arrayContaining([expect.stringMatching(/: it became ticket [A-Z0-9]+-\d+\.$/)]),
  );
  // No longer held: listed as released, or no longer listed.
  await expect
    .poll(async () => ((await row.count()) === 0 ? 'not listed' : await row.innerText()))
    .toMatch(/not listed|released/);
  await page.getByRole('link', { name: 'Open the ticket' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(subject) }).waitFor();
  const tickets = await api<{ items: { subject: string }[] }>(
    '/v1/tickets?accountId=demo-b2bee&limit=100',
    desk().keys.agent,
  );
  expect(tickets.items.map((t) => t.subject)).toContain(subject);
  expect(problems).toEqual([]);
  await context.close();
});
