import { defineConfig } from 'vitest/config';

// `npm run test:integration`: the packaged stack created in a local AWS (moto). Separate from
// `npm test` because it needs moto_server (pip) and takes about a minute.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Packages the stack, starts moto and creates the stack once, for every file (see the module).
    globalSetup: ['test/integration/global-setup.ts'],
    // CI counts this run's tests from its own report, as it does `.vitest.json` for `npm test`.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-integration.json' },
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
