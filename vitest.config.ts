import { defineConfig } from 'vitest/config';

// IDSYNC_UNIT=1 (npm run test:unit) runs only the pure-logic tests, without starting directories.
const unitOnly = process.env.IDSYNC_UNIT === '1';

export default defineConfig({
  test: {
    include: unitOnly ? ['src/**/*.unit.test.ts'] : ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The Samba DC listens on fixed ports (389/636) and the suite shares one DC and one slapd:
    // test files run one after another; each works in its own OU and its own store.
    fileParallelism: false,
    // IDSYNC_NO_DIRECTORIES=1 skips starting Samba and slapd (for tests that need only a database).
    globalSetup: unitOnly || process.env.IDSYNC_NO_DIRECTORIES === '1' ? [] : ['test/harness/global-setup.ts'],
    // IDSYNC_TEST_EXPECT_ALL=1 (set by .ci/run) fails the run if any test was skipped.
    reporters: ['default', './test/harness/skip-guard.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
