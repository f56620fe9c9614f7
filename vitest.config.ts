// Two projects, chosen by file name:
// - `*.int.test.ts` is an integration test: it needs DynamoDB Local (the run starts one in
//   test/setup/dynamodb.global.ts) or starts `npm start` itself. `npm run test:integration`.
// - every other `*.test.ts` under test/ and examples/ is a unit test: no database, no child runtime,
//   files share workers (no per-file isolation), so `npm run test:unit` answers in seconds.
// `npm test` runs both. A unit test that reaches for the database fails at once with a message
// naming the rule (see `noDatabaseInUnitTests`). The end-to-end stories and the browser suite have their own configs.
import { defineConfig, type Plugin } from 'vitest/config';

const TESTS = ['test/**/*.test.ts', 'examples/**/*.test.ts'];
const INTEGRATION = ['test/**/*.int.test.ts', 'examples/**/*.int.test.ts'];
const NEVER = ['test/e2e/**', 'test/browser/**', 'node_modules/**'];

/** Unit files get no DynamoDB Local: one that reads its endpoint would otherwise fail obscurely. */
function noDatabaseInUnitTests(): Plugin {
  return {
    name: 'support-desk:no-database-in-unit-tests',
    transform(code, id) {
      if (!/\binject\(\s*['"](dynamoEndpoint|tableName)['"]/.test(code)) return undefined;
      throw new Error(
        `${id} uses DynamoDB Local, which unit tests do not get: name the test file that imports it *.int.test.ts`,
      );
    },
  };
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        plugins: [noDatabaseInUnitTests()],
        test: {
          name: 'unit',
          include: TESTS,
          exclude: [...INTEGRATION, ...NEVER],
          // Pure tests: module state is theirs to keep clean, so workers are reused across files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: NEVER,
          globalSetup: ['test/setup/dynamodb.global.ts'],
        },
      },
    ],
  },
});
