import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    setupFiles: ['test/harness/setup.ts'],
    pool: 'forks',
    // Files share their worker's module cache: each file still gets its own database (a copy of
    // the template) and its own app, but the app's imports load once per worker, not once per
    // file (about 400 s of imports across the suite otherwise).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
