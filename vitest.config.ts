import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/setup/dynamodb.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
