import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_FAILURE_MESSAGE } from '../../../../../functions/checkout/domain/checkout-outcome.js';
import { handler as failCheckout } from '../../../../../functions/checkout/handlers/saga/fail-checkout.js';
import { OutcomeEvent } from '../../../../../shared/contracts/common.js';
import { CheckoutFailed } from '../../../../../shared/contracts/events/checkout-events.js';
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

function caught(errorType: string, errorMessage: string) {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace: [] }) };
}

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FailCheckout step', () => {
  it('records a known failure with its code, message and totals, and returns CheckoutFailed.v1', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const command = {
      ...SAGA_INPUT,
      pricing: PRICING,
      failure: caught('OutOfStockError', 'Not enough stock for SKU-MONITOR'),
    };

    // Act
    const outcome = OutcomeEvent.parse(await failCheckout(command, lambdaContext));

    // Assess
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      Key: { checkoutId },
      ConditionExpression: 'attribute_exists(checkoutId) AND #status <> :failed',
      ExpressionAttributeValues: {
        ':failed': 'FAILED',
        ':failure': { code: 'OUT_OF_STOCK', message: 'Not enough stock for SKU-MONITOR' },
        ':totals': PRICING.totals,
      },
    });
    expect(update?.args[0].input.UpdateExpression).toContain('totals = :totals');
    // A compensated checkout has no order any more, even if CompleteCheckout had recorded one, and a settled one no
    // payment token (ADR 0029).
    expect(update?.args[0].input.UpdateExpression).toContain('REMOVE orderId, paymentToken');
    expect(outcome.detailType).toBe('CheckoutFailed.v1');
    expect(CheckoutFailed.detail.parse(outcome.detail).data).toEqual({
      checkoutId,
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      code: 'OUT_OF_STOCK',
      message: 'Not enough stock for SKU-MONITOR',
    });
    expect(addMetric.mock.calls.map(([name]) => name)).toEqual(['CheckoutCompensated']);
  });

  it('records an unexpected failure as INTERNAL with a generic message, and counts it apart', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const command = { ...SAGA_INPUT, failure: caught('TypeError', 'x is undefined at /var/task/index.js') };

    // Act
    const outcome = OutcomeEvent.parse(await failCheckout(command, lambdaContext));

    // Assess
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':failure': { code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE },
    });
    // Failed before pricing: there are no totals to record.
    expect(input?.ExpressionAttributeValues).not.toHaveProperty(':totals');
    expect(input?.UpdateExpression).not.toContain('totals');
    expect(CheckoutFailed.detail.parse(outcome.detail).data.message).toBe(INTERNAL_FAILURE_MESSAGE);
    expect(addMetric.mock.calls.map(([name]) => name)).toEqual(['CheckoutCompensated', 'CheckoutInternalFailure']);
  });

  it('succeeds when the checkout is already FAILED (the step ran before)', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves(storedRecord('FAILED'));
    const command = {
      ...SAGA_INPUT,
      failure: caught('PaymentDeclinedError', 'The payment was declined: card expired'),
    };

    // Act
    const outcome = await failCheckout(command, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('CheckoutFailed.v1');
  });

  it('refuses an unknown checkout with a NotFoundError', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});

    // Act / Assess
    await expect(failCheckout({ ...SAGA_INPUT, failure: { Error: 'X' } }, lambdaContext)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('refuses a command without the caught failure with a ValidationError', async () => {
    // Act / Assess
    await expect(failCheckout(SAGA_INPUT, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
