import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The moto integration tests need moto and a deployed stack: `npm run test:integration`.
    exclude: [...configDefaults.exclude, 'test/integration/**'],
    setupFiles: ['test/support/setup.ts'],
    // The JSON report is what .ci/run reads to print its `tests: N passed, M failed` line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest.json' },
    // Local DynamoDB, the local Slack server and `serverless package` take seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
