/**
 * The saga console (docs/console.md) driven in headless Chromium (Debian's `chromium` with playwright-core): a
 * compensated checkout seen as a graph, its failed step's error read from the page, and a dead letter redriven from
 * the page. The console is served by the local cloud, so this file runs against the local target only.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/headless-chromium.js';
import { checkoutExecutionArn, peekQueue } from './support/aws-reads.js';
import { aws, eventually, fillCart, newCustomer, newProduct, output, startCheckout, target } from './support/target.js';

const consoleUrl = `${target.awsEndpoint}/_console/`;

/** The queue's messages with `marker` in their body, left where they are. */
const peek = (queueUrl: string, marker: string) => peekQueue(queueUrl, (body) => body.includes(marker));

async function openConsole(browser: Browser, hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${consoleUrl}${hash}`);
  await page.locator('main[data-loaded="true"]').waitFor();
  return page;
}

describe.runIf(target.kind === 'local')('saga console in a browser', () => {
  // Launched by the first test that needs it, so that without /usr/bin/chromium every test fails with
  // ChromiumMissingError (a failing beforeAll would report them skipped).
  let launched: Promise<Browser> | undefined;
  const chromium = () => {
    launched ??= launchChromium();
    return launched;
  };
  afterAll(async () => {
    await (await launched?.catch(() => undefined))?.close();
  });

  it('shows a compensated checkout as a graph: the path through the compensations, and the declined step’s error', async () => {
    // Prepare
    const browser = await chromium();
    const customer = newCustomer();
    const cartId = await fillCart(customer, { [await newProduct(5, 2500)]: 1 });
    const accepted = await startCheckout(customer, { cartId, paymentToken: 'tok_chargeDeclined' });
    const checkoutId: string = accepted.body.checkoutId;
    const executionArn = checkoutExecutionArn(checkoutId);
    await eventually(
      () => aws.sfn.send(new DescribeExecutionCommand({ executionArn })),
      (execution) => execution.status !== 'RUNNING',
      { what: `the saga of ${checkoutId} to end` },
    );

    // Act
    const list = await openConsole(browser, `#/machine/${encodeURIComponent(output('CheckoutStateMachineArn'))}`);
    await list.locator('input[name="q"]').fill(checkoutId);
    await list.locator('#filters button[type="submit"]').click();
    await list.locator(`#execution-list tr[data-execution="${checkoutId}"] a`).click();
    await list.locator('main[data-page="execution"][data-loaded="true"] svg.graph').waitFor();
    const node = (name: string) => list.locator(`g.state[data-state="${name}"]`);
    const looks = async (name: string) => ({
      result: await node(name).getAttribute('data-result'),
      compensation: await node(name).getAttribute('data-compensation'),
      classes: (await node(name).getAttribute('class'))?.split(' ') ?? [],
    });
    const payment = await looks('ProcessPayment');
    const refund = await looks('RefundPayment');
    const release = await looks('ReleaseInventory');
    const notRun = await looks('CreateOrder');
    const catchTaken = await list
      .locator('path.edge--catch.edge--taken.edge--undo[data-edge^="ProcessPayment->RefundPayment"]')
      .count();
    await node('ProcessPayment').click();
    const error = await list.locator('#state-error').textContent();
    const cause = await list.locator('#state-cause').textContent();
    const status = await list.locator('#execution-status').textContent();
    await list.close();

    // Assess
    expect(status).toBe('FAILED');
    expect(payment.result).toBe('caught');
    expect(payment.classes).toContain('state--caught');
    for (const compensation of [refund, release]) {
      expect(compensation).toMatchObject({ result: 'succeeded', compensation: 'true' });
      expect(compensation.classes).toEqual(expect.arrayContaining(['state--compensation', 'state--succeeded']));
    }
    expect(notRun).toMatchObject({ result: 'not-run', compensation: 'false' });
    expect(catchTaken).toBe(1);
    expect(error).toBe('PaymentDeclinedError');
    expect(cause).toContain('The payment was declined: card declined');
  });

  it('shows a new execution in the list while it runs, and a retried step with its attempt count', async () => {
    // Prepare: tok_transientError fails the payment once with a retryable error, then approves (README, test cards).
    const browser = await chromium();
    const customer = newCustomer();
    const cartId = await fillCart(customer, { [await newProduct(5, 2500)]: 1 });
    const list = await openConsole(browser, `#/machine/${encodeURIComponent(output('CheckoutStateMachineArn'))}`);

    // Act: the list page is not reloaded; its live refresh has to bring the new execution in.
    const accepted = await startCheckout(customer, { cartId, paymentToken: 'tok_transientError' });
    const checkoutId: string = accepted.body.checkoutId;
    await list.locator(`#execution-list tr[data-execution="${checkoutId}"] a`).click();
    await list.locator('#execution-status:text("SUCCEEDED")').waitFor({ timeout: 60_000 });
    const payment = list.locator('g.state[data-state="ProcessPayment"]');
    const attempts = await payment.getAttribute('data-attempts');
    const classes = (await payment.getAttribute('class'))?.split(' ') ?? [];
    const badge = await payment.locator('.badge').textContent();
    await list.close();

    // Assess
    expect(attempts).toBe('2');
    expect(classes).toEqual(expect.arrayContaining(['state--succeeded', 'state--retried']));
    expect(badge?.trim()).toBe('×2');
  });

  it('lists the queues with their depths, and the recent events with the rules they matched and their deliveries', async () => {
    // Prepare: a failed checkout publishes CheckoutFailed.v1, which rules deliver to the notifier and the audit.
    const browser = await chromium();
    const customer = newCustomer();
    const cartId = await fillCart(customer, { [await newProduct(5, 2500)]: 1 });
    const checkoutId: string = (await startCheckout(customer, { cartId, paymentToken: 'tok_chargeDeclined' })).body
      .checkoutId;

    // Act
    const events = await openConsole(browser, `#/events?q=${encodeURIComponent(checkoutId)}`);
    const row = events.locator('#event-list tr', { hasText: 'CheckoutFailed' });
    await eventually(
      async () => {
        await events.reload();
        await events.locator('main[data-loaded="true"]').waitFor();
        return row.locator('.delivery--delivered').count();
      },
      (delivered) => delivered > 0,
      { what: `the CheckoutFailed event of ${checkoutId} delivered`, intervalMs: 500 },
    );
    const matchedRules = await row.locator('td').nth(4).textContent();
    await events.close();
    const queues = await openConsole(browser, '#/queues');
    const notifications = queues.locator('#queue-list tr', {
      hasText: output('NotificationsQueueUrl').split('/').at(-1) ?? '?',
    });
    const cells = {
      depth: await notifications.locator('[data-count="depth"]').textContent(),
      inFlight: await notifications.locator('[data-count="in-flight"]').textContent(),
      dlqDepth: await notifications.locator('[data-count="dlq-depth"]').textContent(),
    };
    await queues.close();

    // Assess
    expect(matchedRules?.trim().length).toBeGreaterThan(0);
    for (const value of Object.values(cells)) expect(value?.trim()).toMatch(/^\d+$/);
  });

  it('redrives a dead letter from the queue page back to its source queue', async () => {
    // Prepare: a message the notifier refuses goes to its DLQ on its first receive (poison-message.test.ts).
    const browser = await chromium();
    const queueUrl = output('NotificationsQueueUrl');
    const dlqUrl = output('NotificationsDlqUrl');
    const marker = `console-${randomUUID()}`;
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `${marker} {not JSON` }));
    const [deadLetter] = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => messages.length === 1,
      { timeoutMs: 60_000, what: 'the poison message in the notifications DLQ' },
    );
    const { Attributes = {} } = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const dlqArn = Attributes.QueueArn ?? '';
    const tasksBefore = (await aws.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];

    // Act
    const page = await openConsole(browser, `#/queue/${encodeURIComponent(dlqUrl)}`);
    const row = page.locator(`#message-list tr[data-message-id="${deadLetter?.MessageId}"]`);
    await row.waitFor();
    const body = await row.locator('pre.body').textContent();
    await page.locator('#redrive').click();
    await page.locator('#redrive-outcome:text("Redrive started")').waitFor();
    await page.close();
    const startedBefore = new Set(tasksBefore.map((task) => task.StartedTimestamp));
    const started = ((await aws.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? []).filter(
      (task) => !startedBefore.has(task.StartedTimestamp),
    );
    const stillThere = (await peek(dlqUrl, marker)).filter((message) => message.MessageId === deadLetter?.MessageId);

    // Assess
    expect(body).toBe(`${marker} {not JSON`);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ Status: 'COMPLETED', SourceArn: dlqArn });
    expect(started[0]?.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(1);
    // Moved: that message left the DLQ (the notifier refuses it again, so it comes back later as a new message).
    expect(stillThere).toEqual([]);
  });
});
