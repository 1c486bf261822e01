import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // DynamoDB Local / dynalite and the local Slack server bind to 127.0.0.1 only.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
