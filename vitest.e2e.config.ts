// End-to-end suite (`npm run test:e2e`): one real `npm start` for every story (started and stopped by
// test/e2e/runtime.global.ts, which brings its own DynamoDB Local), files run one at a time and in
// name order because the stories share the runtime's clock, which only moves forward.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The story files are numbered in the order of their place on the shared timeline. */
class TimelineSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/runtime.global.ts'],
    fileParallelism: false,
    sequence: { sequencer: TimelineSequencer },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Stopping the runtime (SIGTERM, then DynamoDB Local) takes a few seconds on a busy machine.
    teardownTimeout: 30_000,
  },
});
