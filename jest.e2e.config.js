/** `npm run test:e2e`: only the browser tests (the "e2e" project of jest.config.js). */
const e2e = require('./jest.config').projects.find((p) => p.displayName === 'e2e');

/** @type {import('jest').Config} */
module.exports = {
  ...e2e,
  // Each file waits on its browser much of the time: two at once finish sooner even on two cores.
  // (maxWorkers belongs to a root configuration, so it cannot sit in the project itself.)
  maxWorkers: 2,
};
