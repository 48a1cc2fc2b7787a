import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the tests never download a browser (no `playwright install`). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchOptions {
  /** Command-line switches added to the usual ones (e.g. the bench's `--disable-frame-rate-limit`). @defaultValue [] */
  args?: string[];
}

/** A headless Chromium; `npm test` installs Debian's package when it is missing. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing. These tests drive Debian's Chromium (they never download a browser); ` +
        '`npm test` installs it (apt-get install chromium). Locally: sudo apt-get install chromium',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] });
}
