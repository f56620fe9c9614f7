// The agents' queue in the console (GET /v1/queue, /v1/queue/summary, POST /v1/tickets/{id}/claim):
// a new ticket appears with its SLA state and a live countdown, the summary counts it, an agent takes
// it from the queue, works it to resolved, and it leaves the queue.
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

test('an agent takes a ticket from the queue and works it to resolved', async () => {
  const customer = desk().keys.customer['demo-b2bee']!;
  const opened = await api<{ id: string; reference: string }>('/v1/tickets', customer, {
    method: 'POST',
    body: {
      subject: 'Checkout fails for every order',
      body: 'Payment step returns an error.',
      severity: 'Critical',
    },
  });
  const { page, context, problems } = await openPage(browser);
  await signIn(page, desk().keys.agent);
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();

  // The ticket is listed with its state (in words and colour) and a countdown that runs.
  const row = page.locator(`tr[data-reference="${opened.reference}"]`);
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.getAttribute('class')).toMatch(/state-(running|at_risk|breached|paused)/);
  expect(await row.locator('.badge').innerText()).toMatch(/Running|At risk|Breached|Paused/);
  const countdown = row.locator('time').first();
  const first = await countdown.innerText();
  await expect.poll(() => countdown.innerText(), { timeout: 5_000 }).not.toBe(first);
  // The summary counts open tickets per state.
  expect(await page.getByRole('region', { name: 'Queue summary' }).innerText()).toMatch(/\d/);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'queue');

  // Filters: unassigned tickets only, then the agent's own.
  await page.getByLabel('Assignee').selectOption('none');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect.poll(() => row.count()).toBe(1);
  await row.getByRole('button', { name: `Take ${opened.reference}` }).click();
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([`You took ${opened.reference}.`]));
  await expect.poll(() => row.count()).toBe(0);
  await page.getByLabel('Assignee').selectOption('me');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect.poll(() => row.innerText()).toContain('me');

  // Worked to resolved from its page; back on the queue it is gone.
  await row.getByRole('link', { name: opened.reference }).click();
  await page
    .getByRole('heading', { level: 1, name: `${opened.reference}: Checkout fails for every order` })
    .waitFor();
  await page.getByLabel('Message', { exact: true }).fill('Fixed: the payment provider key was rotated.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect.poll(() => page.locator('[data-kind="agent"]').count()).toBeGreaterThan(0);
  await page.getByLabel('Status', { exact: true }).selectOption('resolved');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => page.locator('[data-field="status"]').innerText()).toBe('resolved');
  await page.getByRole('link', { name: '← Queue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  await expect.poll(() => page.locator('table.queue').count()).toBe(1);
  expect(await page.locator(`tr[data-reference="${opened.reference}"]`).count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
});
