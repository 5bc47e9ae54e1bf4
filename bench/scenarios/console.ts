/**
 * The saga console's page loads with 1,000 executions stored (docs/console.md): a state machine of its own (Pass and
 * Choice states, a third of its executions failing) gets 1,000 executions, one compensated checkout runs through the
 * API, then headless Chromium loads each page several times. A load is timed from navigation to the page's data
 * rendered (`main[data-loaded]`, which the console sets once it has shown what it read), the goal being 200 ms.
 * Execution views are measured twice: the checkout saga, which the local cloud lays out at boot, and the bench's own
 * machine, created after boot, whose graph the console's server lays out when its first view asks.
 */
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Browser } from 'playwright-core';
import type { LocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import { consoleUrl } from '../../local-cloud/console/server.js';
import { startDeclinedCheckout } from '../../scripts/declined-checkout.js';
import { launchChromium } from '../../scripts/headless-chromium.js';
import { atMost, type Figure } from '../figures.js';
import { median } from '../stats.js';

const STORED_EXECUTIONS = 1000;
const LOADS_PER_PAGE = 7;
const GOAL_MS = 200;

/** A saga-shaped machine that needs no function: validate, then succeed, or fail when the input says so. */
const DEFINITION = JSON.stringify({
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Pass', Next: 'Decide' },
    Decide: {
      Type: 'Choice',
      Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Compensate' }],
      Default: 'Done',
    },
    Compensate: { Type: 'Pass', Comment: 'Compensation: the bench undoes nothing', Next: 'Failed' },
    Failed: { Type: 'Fail', Error: 'BenchFailure' },
    Done: { Type: 'Succeed' },
  },
});

export async function consolePages(cloud: LocalCloud, progress: Progress): Promise<Figure[]> {
  const sfn = new SFNClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  progress.start(`store ${STORED_EXECUTIONS} executions and one compensated checkout`);
  const { stateMachineArn = '' } = await sfn.send(
    new CreateStateMachineCommand({
      name: 'ConsoleBenchSaga',
      definition: DEFINITION,
      roleArn: `arn:aws:iam::000000000000:role/console-bench`,
    }),
  );
  for (let first = 0; first < STORED_EXECUTIONS; first += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, STORED_EXECUTIONS - first) }, (_, offset) =>
        sfn.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: `bench-${first + offset}`,
            input: JSON.stringify({ fail: (first + offset) % 3 === 0 }),
          }),
        ),
      ),
    );
  }
  const checkoutId = await startDeclinedCheckout(cloud.apiUrl);
  await cloud.whenIdle();
  const stored = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
  progress.done(`${stored.executions?.length ?? 0}${stored.nextToken ? '+' : ''} executions`);

  const checkoutArn = `${cloud.output('CheckoutStateMachineArn').replace(':stateMachine:', ':execution:')}:${checkoutId}`;
  const pages = [
    { id: 'machines', label: 'state machines (executions counted by status)', hash: '#/' },
    {
      id: 'executions',
      label: `executions of a machine with ${STORED_EXECUTIONS} stored (first page)`,
      hash: `#/machine/${encodeURIComponent(stateMachineArn)}`,
    },
    {
      id: 'execution',
      label: 'a compensated checkout (graph laid out at boot, path, history)',
      hash: `#/execution/${encodeURIComponent(checkoutArn)}`,
    },
    {
      id: 'execution-new-machine',
      label: 'an execution of a machine created after boot (graph laid out on its first view)',
      hash: `#/execution/${encodeURIComponent(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:bench-0`)}`,
    },
  ];
  progress.start(`load each console page ${LOADS_PER_PAGE} times in headless Chromium`);
  const browser = await launchChromium();
  try {
    const figures: Figure[] = [];
    for (const page of pages) {
      const times = await loadTimes(browser, `${consoleUrl(cloud.endpoint)}${page.hash}`);
      figures.push({
        id: `console.${page.id}.load`,
        section: 'console',
        label: `Console page load: ${page.label}, median of ${LOADS_PER_PAGE}`,
        value: median(times),
        unit: 'ms',
        goal: atMost(GOAL_MS),
        note: `first load ${Math.round(times[0] ?? Number.NaN)} ms (a fresh browser: nothing cached yet)`,
      });
    }
    progress.done('done');
    return figures;
  } finally {
    await browser.close();
    sfn.destroy();
  }
}

/** Milliseconds from navigation to the page's data rendered, one fresh tab a load (the browser's cache is kept). */
async function loadTimes(browser: Browser, url: string): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const times: number[] = [];
  try {
    for (let load = 0; load < LOADS_PER_PAGE; load++) {
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(url);
      await page.locator('main[data-loaded="true"]').waitFor();
      times.push(performance.now() - started);
      await page.close();
    }
  } finally {
    await context.close();
  }
  return times;
}
