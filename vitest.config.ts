import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `integration` (HTTP and sockets against a real FerretDB and
 * Redis) and `e2e` (real Chromium against a real server). Both share the
 * global setup that starts the databases.
 */
export default defineConfig({
  // Web modules without Svelte (parsers, formatters) are tested as plain modules: they import `$shared` as the app does.
  resolve: { alias: { $shared: fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], pool: 'forks' },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], pool: 'forks', fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
