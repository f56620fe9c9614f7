// An agent works a ticket in the console from the ticket list to resolved: reply and internal note
// (shown apart in the thread), time logged (the account's usage chart moves), a change someone else
// made meanwhile (If-Match: the conflict says what changed), then resolved.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { api, desk, launch, openPage, screenshot, seriousViolations, signIn } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('an agent works a ticket to resolved; logging time moves the usage chart', async () => {
  // Thames Logistics (SuiteCRM, dedicated 25 hours) draws logged time from an hour pool.
  const customer = desk().keys.customer['demo-suitecrm']!;
  const opened = await api<{ id: string; reference: string }>('/v1/tickets', customer, {
    method: 'POST',
    body: { subject: 'Workflow emails stopped', body: 'No workflow email since the upgrade.' },
  });
  const { page, context, problems } = await openPage(browser);
  await signIn(page, desk().keys.agent);

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Tickets' }).click();
  await page.getByRole('link', { name: opened.reference, exact: true }).click();
  await page
    .getByRole('heading', { level: 1, name: `${opened.reference}: Workflow emails stopped` })
    .waitFor();
  const thread = page.locator('ol.thread');
  await expect.poll(() => thread.locator('[data-kind="customer"]').count()).toBe(1);

  // A public reply and an internal note, told apart in the thread.
  await page.getByLabel('Message', { exact: true }).fill('We are looking at the mail queue now.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect
    .poll(async () => (await thread.locator('[data-kind="agent"]').allInnerTexts()).join('\n'))
    .toContain('We are looking at the mail queue now.');
  await page.getByLabel('Message', { exact: true }).fill('Cron on their side stopped after the upgrade.');
  await page.getByRole('button', { name: 'Add internal note' }).click();
  await expect
    .poll(async () => (await thread.locator('[data-kind="internal"]').allInnerTexts()).join('\n'))
    .toContain('Cron on their side stopped after the upgrade.');
  expect(await thread.locator('[data-kind="internal"]').first().innerText()).toContain('Internal note');

  // Time logged: the hour pool's bar and its words change.
  const legend = page.locator('.usage .chart-legend');
  await expect.poll(() => legend.innerText()).toMatch(/used of/);
  const before = await legend.innerText();
  const usedBar = page.locator('.usage rect.chart-used').first();
  const usedBefore = Number(await usedBar.getAttribute('data-used'));
  await page.getByLabel('Minutes', { exact: true }).fill('90');
  await page.getByLabel('Note', { exact: true }).fill('Restarted the scheduler');
  await page.getByRole('button', { name: 'Log time' }).click();
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([expect.stringMatching(/^Logged 90 min/)]));
  await expect.poll(() => legend.innerText()).not.toBe(before);
  expect(Number(await usedBar.getAttribute('data-used'))).toBe(usedBefore + 90);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'ticket');

  // Someone else changes the ticket meanwhile: saving with the old version says what changed.
  await api(`/v1/tickets/${opened.id}`, desk().keys.admin, { method: 'PATCH', body: { kind: 'incident' } });
  await page.getByLabel('Status', { exact: true }).selectOption('resolved');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.locator('.conflict');
  await expect.poll(() => conflict.innerText()).toContain('kind: request → incident');
  expect(await conflict.innerText()).toContain('someone changed this ticket since you loaded it');
  // The form now shows the ticket as it is; saving again applies.
  await expect.poll(() => page.getByLabel('Kind', { exact: true }).inputValue()).toBe('incident');
  await page.getByLabel('Status', { exact: true }).selectOption('resolved');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => page.locator('[data-field="status"]').innerText()).toBe('resolved');
  await expect.poll(() => page.locator('.conflict').count()).toBe(0);

  const ticket = await api<{ status: string; kind: string }>(`/v1/tickets/${opened.id}`, desk().keys.agent);
  expect(ticket).toMatchObject({ status: 'resolved', kind: 'incident' });
  expect(problems).toEqual([]);
  await context.close();
});
