import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as completeCheckout } from '../../../../../functions/checkout/handlers/saga/complete-checkout.js';
import { OutcomeEvent } from '../../../../../shared/contracts/common.js';
import { OrderPlaced } from '../../../../../shared/contracts/events/checkout-events.js';
import { metrics } from '../../../../../shared/powertools/index.js';
import { lambdaContext, PRICING, SAGA_INPUT } from '../../checkouts-harness.js';
import { checkoutId, conditionFailed, dynamo, prepareStores, storedRecord } from './checkout-outcome-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    CHECKOUTS_TABLE_NAME: 'checkouts-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const ORDER_ID = `ord_${checkoutId}`;
const PAYMENT = { paymentId: `pay_${checkoutId}`, amountCents: PRICING.totals.totalCents };

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CompleteCheckout step', () => {
  const command = { ...SAGA_INPUT, pricing: PRICING, payment: PAYMENT, order: { orderId: ORDER_ID } };

  it('records the checkout COMPLETED and returns OrderPlaced.v1 for the state machine to publish', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const outcome = OutcomeEvent.parse(await completeCheckout(command, lambdaContext));

    // Assess
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      TableName: 'checkouts-table',
      Key: { checkoutId },
      ConditionExpression: '#status = :running',
      ExpressionAttributeValues: { ':completed': 'COMPLETED', ':orderId': ORDER_ID, ':totals': PRICING.totals },
    });
    // The token was charged; a settled checkout does not keep it (ADR 0029).
    expect(update?.args[0].input.UpdateExpression).toMatch(/ REMOVE paymentToken$/);
    expect(outcome.detailType).toBe('OrderPlaced.v1');
    expect(outcome.source).toBe('sagastack.checkout');
    const detail = OrderPlaced.detail.parse(outcome.detail);
    expect(detail.data).toEqual({
      orderId: ORDER_ID,
      checkoutId,
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      lines: PRICING.lines,
      totals: PRICING.totals,
    });
    expect(detail.metadata.correlationId).toBe(SAGA_INPUT.correlationId);
    expect(addMetric).toHaveBeenCalledWith('CheckoutCompleted', 'Count', 1);
  });

  it('succeeds when the checkout is already COMPLETED (the step ran before)', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves(storedRecord('COMPLETED'));

    // Act
    const outcome = await completeCheckout(command, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('OrderPlaced.v1');
  });

  it('refuses to complete a FAILED checkout with a ConflictError', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves(storedRecord('FAILED'));

    // Act / Assess
    await expect(completeCheckout(command, lambdaContext)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'CHECKOUT_NOT_RUNNING',
    });
  });

  it('refuses an unknown checkout with a NotFoundError', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});

    // Act / Assess
    await expect(completeCheckout(command, lambdaContext)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('lets a DynamoDB failure propagate by name, for the state machine to retry', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    dynamo.on(UpdateCommand).rejects(throttled);

    // Act / Assess
    await expect(completeCheckout(command, lambdaContext)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });

  it('refuses a command without the order with a ValidationError', async () => {
    // Prepare
    const { order: _order, ...withoutOrder } = command;

    // Act / Assess
    await expect(completeCheckout(withoutOrder, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
