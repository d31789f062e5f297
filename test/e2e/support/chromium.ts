import fs from 'node:fs';

/** The browser the end-to-end tests drive: the Debian package `chromium`, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function haveChromium(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const SKIP_MESSAGE =
  `Browser (e2e) tests SKIPPED: no Chromium executable at ${CHROMIUM_PATH}. ` +
  'Install the Debian package "chromium" (.ci/run does) or set CHROMIUM_PATH.';
