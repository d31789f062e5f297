const e2e = require('./jest.e2e.config');

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      // The browser tests are the second project, with their own set-up.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      transform: {
        // Type checking is done once by `tsc --noEmit` (see .ci/run); here only transpile.
        '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
      },
    },
    e2e,
  ],
};
