// Global setup of the browser suite: `npm start` on free ports with a fresh DATA_DIR
// (test/setup/desk-process.ts), stopped with SIGTERM at the end. The console is served by that same
// process at `/`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DeskProcess, startDesk } from '../setup/desk-process.ts';

export interface BrowserRuntime {
  base: string;
  smtpPort: number;
  dataDir: string;
  supportAddress: string;
  keys: { admin: string; agent: string; finance: string; customer: Record<string, string> };
}

declare module 'vitest' {
  export interface ProvidedContext {
    desk: BrowserRuntime;
  }
}

let desk: DeskProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  desk = await startDesk('browser');
  const { base, smtpPort, dataDir } = desk;
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
  if (!desk.output().includes(`Console    ${base}/`))
    throw new Error(`npm start did not print the console URL:\n${desk.output()}`);
  project.provide('desk', { base, smtpPort, dataDir, supportAddress: demo.supportAddress, keys: demo.keys });
}

export async function teardown(): Promise<void> {
  await desk?.stop();
}
