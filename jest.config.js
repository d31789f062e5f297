const transform = {
  // Type checking is done once by `tsc --noEmit` (see .ci/run); here only transpile.
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
};

/** @type {import('jest').Config} */
module.exports = {
  // Generous: start-up and backup tests do real I/O, and a shared CI machine can be slow; a hang still fails.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      // The browser tests are the second project, with their own set-up.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      transform,
    },
    {
      // Browser end-to-end tests: the real app in headless Chromium through playwright-core. Without
      // Chromium (/usr/bin/chromium or CHROMIUM_PATH) they are skipped and global-setup says so.
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
      transform,
    },
  ],
};
