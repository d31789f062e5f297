import { haveChromium, SKIP_MESSAGE } from './chromium';

/** Runs once when any e2e file is selected: one clear line when the browser tests cannot run. */
export default function globalSetup(): void {
  if (!haveChromium()) process.stderr.write(`\n${SKIP_MESSAGE}\n\n`);
}
