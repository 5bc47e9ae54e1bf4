/**
 * Debian's Chromium driven by playwright-core, for the console's e2e test, its load benchmark and its screenshot.
 * playwright-core downloads no browser; `.ci/run` installs the `chromium` package when it is missing.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium is not installed where it is looked for: the console cannot be driven, and that must not pass quietly. */
class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `No Chromium at ${path}: install Debian's package (sudo apt-get install -y chromium; .ci/run does it) ` +
        'or set CHROMIUM_PATH to a Chromium binary.',
    );
    this.name = 'ChromiumMissingError';
  }
}

/** A headless Chromium; throws `ChromiumMissingError` when there is none. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new ChromiumMissingError(CHROMIUM_PATH);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
