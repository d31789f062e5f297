/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Generous: start-up and backup tests do real I/O, and a shared CI machine can be slow; a hang still fails.
  testTimeout: 30_000,
  transform: {
    // Type checking is done once by `tsc --noEmit` (see .ci/run); here only transpile.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
