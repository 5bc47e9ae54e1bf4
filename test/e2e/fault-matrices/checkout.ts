import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, it } from 'vitest';
import { driveCheckouts } from '../../../chaos/checkout-driver.js';
import { checkInvariants, restrictToSagas, type Snapshot } from '../../../chaos/invariants.js';
import { StoreReader } from '../../../chaos/snapshot.js';
import { SLOW_ANSWER_DELAY_MS } from '../../../functions/checkout/adapters/simulated-payment-gateway.js';
import type { InjectedFault } from '../../../local-cloud/faults/fault-plan.js';
import { resendUndeliveredEvents } from '../../../tools/undelivered-events.js';
import { checkoutExecutionArn, executionHistory, peekQueue } from '../support/aws-reads.js';
import { isGatewayFault, MATRIX_CASES, MATRIX_PRODUCT, NOTIFICATION_QUEUE } from '../support/fault-matrix.js';
import { aws, eventually, output, target } from '../support/target.js';

/**
 * What the saga saw of ProcessPayment, from its execution's history: the errors of its failed attempts, and how long
 * its last attempt took to answer.
 */
async function processPaymentAttempts(checkoutId: string) {
  const events = await executionHistory(checkoutExecutionArn(checkoutId));
  const errors: string[] = [];
  let state = '';
  let scheduledAt = 0;
  let lastAnswerMs = 0;
  for (const event of events.sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) state = event.stateEnteredEventDetails?.name ?? '';
    if (state !== 'ProcessPayment') continue;
    const at = event.timestamp?.getTime() ?? 0;
    if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled') scheduledAt = at;
    if (type === 'TaskSucceeded' || type === 'LambdaFunctionSucceeded') lastAnswerMs = at - scheduledAt;
    if (type === 'TaskFailed' || type === 'LambdaFunctionFailed') {
      errors.push(event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error ?? '?');
    }
  }
  return { errors, lastAnswerMs };
}

beforeAll(async () => {
  await aws.dynamodb.send(
    new PutCommand({
      TableName: output('CatalogTableName'),
      Item: {
        sku: MATRIX_PRODUCT.sku,
        name: MATRIX_PRODUCT.name,
        priceCents: MATRIX_PRODUCT.priceCents,
        available: MATRIX_PRODUCT.stock,
        reserved: 0,
      },
    }),
  );
});

describe.concurrent('fault matrix: the checkout saga under one fault at each step and compensation', () => {
  it(`keeps every invariant through ${MATRIX_CASES.length} sagas, each meeting its fault`, async ({ expect }) => {
    // Act
    const clients = await driveCheckouts(
      MATRIX_CASES.map((matrixCase) => matrixCase.plan),
      { apiUrl: target.apiUrl, concurrency: MATRIX_CASES.length, terminationBoundMs: 90_000 },
    );
    // A refused event reaches its rule's dead-letter queue once its retries ran out (about 4 s with the backoff capped
    // at 1 s, support/global-setup.ts; 20 s without): the operator resends
    // it to its target (npm run dlq -- resend), as the runbook says.
    const refusedEvents = MATRIX_CASES.filter((matrixCase) => matrixCase.kind === 'eventbridge.targetRefused').length;
    await eventually(
      () => depthOf('UndeliveredEventsQueueUrl'),
      (depth) => depth >= refusedEvents,
      { timeoutMs: 45_000, what: 'the refused events in UndeliveredEvents' },
    );
    const resent = await resendUndeliveredEvents(aws.sqs, output('UndeliveredEventsQueueUrl'));
    const reader = new StoreReader({ endpoint: target.awsEndpoint ?? '', region: target.region, output });
    // A saga's record says FAILED or COMPLETED before its outcome event has reached the customer: notifications trail
    // the status the clients waited for by a moment. Read again until they arrive (or the assertion shows what did not).
    let snapshot: Snapshot | undefined;
    const violationsOf = async () => {
      snapshot = restrictToSagas(await reader.snapshot([MATRIX_PRODUCT], clients));
      return checkInvariants(snapshot).flatMap((result) =>
        result.violations.map((violation) => `${result.name}: ${violation.subject}: ${violation.detail}`),
      );
    };
    const violations = await eventually(violationsOf, (found) => found.length === 0, { timeoutMs: 20_000 }).catch(() =>
      violationsOf(),
    );
    reader.close();
    const injected = (
      (await (await fetch(`${target.awsEndpoint}/_local-cloud/faults`)).json()) as {
        injected: InjectedFault[];
      }
    ).injected;

    // Assess
    const label = (index: number) => `${MATRIX_CASES[index]?.kind} at ${MATRIX_CASES[index]?.task}`;
    expect(clients.map((client, index) => `${label(index)}: ${client.finalStatus}`)).toEqual(
      MATRIX_CASES.map((matrixCase, index) => `${label(index)}: ${matrixCase.expected}`),
    );
    const missed = MATRIX_CASES.filter(
      (matrixCase) =>
        !isGatewayFault(matrixCase.kind) &&
        !injected.some(
          (fault) =>
            fault.kind === matrixCase.kind &&
            fault.key.endsWith(`|${matrixCase.plan.correlationId}`) &&
            fault.key.includes(matrixCase.task),
        ),
    ).map((matrixCase) => `${matrixCase.kind} at ${matrixCase.task}`);
    expect(missed, 'faults of the matrix that never happened').toEqual([]);
    expect(violations).toEqual([]);
    expect(
      resent.map((result) => ({
        outcome: result.outcome,
        target: result.targetArn?.includes(NOTIFICATION_QUEUE),
        rule: result.ruleArn?.includes('NotifyCustomerRule'),
        error: result.error?.split(':')[0],
      })),
      'what EventBridge dead-lettered, and the operator resent',
    ).toEqual(Array(refusedEvents).fill({ outcome: 'RESENT', target: true, rule: true, error: 'THROTTLING' }));
    // A message received twice at once, or an event resent, is handled once and never dead-lettered.
    // What reached the DLQ, shown when anything did: a message without a reason attribute was moved by the redrive
    // policy after its receives ran out; one with a reason was dead-lettered by its consumer.
    const notificationsDeadLettered = await depthOf('NotificationsDlqUrl');
    const deadLettered =
      notificationsDeadLettered > 0 ? await peekQueue(output('NotificationsDlqUrl'), () => true) : [];
    expect(
      notificationsDeadLettered,
      `dead-lettered notifications: ${JSON.stringify(
        deadLettered.map((message) => ({
          body: message.Body?.slice(0, 300),
          receives: message.Attributes?.ApproximateReceiveCount,
          attributes: message.MessageAttributes,
        })),
      )}`,
    ).toBe(0);
    expect(await depthOf('UndeliveredEventsQueueUrl')).toBe(0);

    // The provider's faults: each checkout charged once, at the provider as in our books (money.providerAgrees held
    // above), and the fault did happen: the answer was lost and the retry got the charge, or the answer came late.
    const gatewayCases = MATRIX_CASES.flatMap((matrixCase, index) =>
      isGatewayFault(matrixCase.kind)
        ? [{ kind: matrixCase.kind, checkoutId: clients[index]?.checkoutIds[0] ?? '' }]
        : [],
    );
    expect(gatewayCases.map((gatewayCase) => gatewayCase.kind)).toEqual([
      'gateway.timeoutAfterCapture',
      'gateway.slowAnswer',
    ]);
    for (const { kind, checkoutId } of gatewayCases) {
      const charges = snapshot?.providerCharges.filter((charge) => charge.checkoutId === checkoutId) ?? [];
      const order = snapshot?.orders.find((candidate) => candidate.checkoutId === checkoutId);
      expect(charges, `${kind}: the provider's charges`).toEqual([
        expect.objectContaining({ amountCents: order?.totals.totalCents }),
      ]);
      expect(snapshot?.providerRefunds.filter((refund) => refund.checkoutId === checkoutId)).toEqual([]);
      const attempts = await aws.dynamodb.send(
        new GetCommand({
          TableName: output('PaymentsTableName'),
          Key: { pk: `SIMULATED_GATEWAY#${checkoutId}`, sk: 'ATTEMPTS' },
          ConsistentRead: true,
        }),
      );
      const seen = await processPaymentAttempts(checkoutId);
      if (kind === 'gateway.timeoutAfterCapture') {
        expect(seen.errors, kind).toEqual(['PaymentGatewayTimeoutError']);
        expect(attempts.Item?.attempts, kind).toBe(2);
      } else {
        expect(seen.errors, kind).toEqual([]);
        expect(attempts.Item?.attempts, kind).toBe(1);
        expect(seen.lastAnswerMs, kind).toBeGreaterThanOrEqual(SLOW_ANSWER_DELAY_MS);
      }
    }
  });
});

/** Visible and in-flight messages of the queue a stack output names. */
async function depthOf(queueOutput: string): Promise<number> {
  const { Attributes } = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: output(queueOutput),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
