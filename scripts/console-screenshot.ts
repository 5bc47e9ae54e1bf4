/**
 * `npm run screenshot`: boots the local cloud, runs a checkout whose payment is declined (its saga compensates), opens
 * that execution in the saga console with headless Chromium, selects the failed step and writes
 * docs/images/console-execution.png, the README's picture of the console.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { bootLocalCloud } from '../local-cloud/boot.js';
import { synthesizeApp } from '../local-cloud/config.js';
import { consoleUrl } from '../local-cloud/console/server.js';
import { startDeclinedCheckout } from './declined-checkout.js';
import { launchChromium } from './headless-chromium.js';
import { seedLocalCloud } from './seed-data.js';

const OUTPUT = 'docs/images/console-execution.png';

const { assemblyDirectory } = await synthesizeApp(process.cwd());
const cloud = await bootLocalCloud({ assemblyDirectory, retryBaseDelayMs: 100, warmConsoleLayouts: true });
const browser = await launchChromium();
try {
  await seedLocalCloud(cloud);
  const checkoutId = await startDeclinedCheckout(cloud.apiUrl);
  const stateMachineArn = cloud.output('CheckoutStateMachineArn');
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${checkoutId}`;
  await cloud.whenIdle();
  const page = await browser.newPage({ viewport: { width: 1440, height: 1250 }, deviceScaleFactor: 1 });
  await page.goto(`${consoleUrl(cloud.endpoint)}#/execution/${encodeURIComponent(executionArn)}`);
  await page.locator('main[data-loaded="true"] #execution-status:text("FAILED")').waitFor();
  await page.locator('g.state[data-state="ProcessPayment"]').click();
  await page.locator('#state-error').waitFor();
  mkdirSync(dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT, fullPage: false });
  console.log(`Wrote ${OUTPUT} (execution ${checkoutId})`);
} finally {
  await browser.close();
  await cloud.stop();
}
