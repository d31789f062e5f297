/**
 * Browser end-to-end tests (test/e2e): the real app in headless Chromium through playwright-core.
 * `npm run test:e2e` runs only these; `npm test` runs them as the "e2e" project of jest.config.js.
 * Without Chromium (/usr/bin/chromium or CHROMIUM_PATH) they are skipped and global-setup says so.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
