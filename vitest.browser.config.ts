// Browser suite (`npm run test:browser`): the web console driven in Debian's Chromium by
// playwright-core against one real `npm start` (started and stopped by test/browser/runtime.global.ts).
// Files run one at a time in name order: they share the runtime and its clock, which only moves forward.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/runtime.global.ts'],
    fileParallelism: false,
    sequence: { sequencer: ByName },
    testTimeout: 90_000,
    // A page waits on the API and a busy machine: give each expectation that polls the page time.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
