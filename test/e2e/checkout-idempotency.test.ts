import { randomBytes, randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, type ExecutionListItem, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  aws,
  type Caller,
  call,
  channelsNotified,
  defaultAddress,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  output,
  product,
  settledCheckout,
  startCheckout,
  tableItems,
} from './support/target.js';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A checkout id of the platform's shape (`chk_` + 26 Crockford base-32 characters) that no checkout has. */
function freshCheckoutId(): string {
  return `chk_${[...randomBytes(26)].map((byte) => CROCKFORD_BASE32.charAt(byte % 32)).join('')}`;
}

/** Every execution of the checkout saga with this name. */
async function executionsNamed(name: string): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: output('CheckoutStateMachineArn'), maxResults: 1000, nextToken }),
    );
    found.push(...(page.executions ?? []).filter((execution) => execution.name === name));
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

/** The checkout records of a customer, straight from the table. */
async function checkoutRecordsOf(customer: Caller) {
  const items = await tableItems('CheckoutsTableName');
  return items.filter((item) => item.customerId === customer.sub);
}

async function paymentItemsOf(checkoutId: string) {
  const result = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('PaymentsTableName'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PAYMENT#pay_${checkoutId}` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

/** Invokes a saga step's function as the state machine does, and answers its parsed result. */
async function invokeStep(outputName: string, command: unknown) {
  const response = await aws.lambda.send(
    new InvokeCommand({
      FunctionName: output(outputName),
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(command)),
    }),
  );
  const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  return { functionError: response.FunctionError, result: payload ? JSON.parse(payload) : undefined };
}

/** The payment provider's ledger for a checkout, as the simulated gateway keeps it (without its attempts counter). */
async function providerLedgerOf(checkoutId: string) {
  const result = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('PaymentsTableName'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SIMULATED_GATEWAY#${checkoutId}` },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).filter((item) => item.sk !== 'ATTEMPTS');
}

/**
 * A saga step command (the saga input plus `pricing`) for a fresh checkout of `quantity` units of `sku`, and the
 * checkout's record paying with `paymentToken`: the state carries no token, ProcessPayment reads it there (ADR 0029).
 */
async function stepCommand(
  customer: Caller,
  sku: string,
  quantity: number,
  unitPriceCents: number,
  paymentToken = 'tok_visa',
) {
  const subtotalCents = quantity * unitPriceCents;
  const checkout = {
    checkoutId: freshCheckoutId(),
    customerId: customer.sub,
    tenantId: customer.tenant,
    cartId: `cart-${randomUUID().slice(0, 8)}`,
  };
  const requestedAt = new Date().toISOString();
  await aws.dynamodb.send(
    new PutCommand({
      TableName: output('CheckoutsTableName'),
      Item: { ...checkout, paymentToken, shippingAddress: defaultAddress, status: 'RUNNING', createdAt: requestedAt },
    }),
  );
  return {
    ...checkout,
    correlationId: `e2e-${randomUUID()}`,
    requestedAt,
    pricing: {
      lines: [{ sku, name: `Test product ${sku}`, quantity, unitPriceCents }],
      totals: { subtotalCents, discountCents: 0, taxCents: 0, totalCents: subtotalCents },
    },
  };
}

describe('checkout: idempotency', () => {
  it('the same Idempotency-Key and body twice give the same checkout and exactly one saga', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 1200);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const idempotencyKey = `key-${randomUUID()}`;

    // Act
    const first = await startCheckout(customer, { cartId, idempotencyKey });
    const second = await startCheckout(customer, { cartId, idempotencyKey });
    const checkout = await settledCheckout(customer, first.body.checkoutId);
    // The record settles before the saga has published its outcome; the execution's own status comes last.
    const executions = await eventually(
      () => executionsNamed(first.body.checkoutId),
      (found) => found.length > 0 && found.every((execution) => execution.status !== 'RUNNING'),
      { what: `the saga of ${first.body.checkoutId} to end` },
    );

    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.checkoutId).toBe(first.body.checkoutId);
    expect(checkout.status).toBe('COMPLETED');

    expect(executions).toHaveLength(1);
    const described = await aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: executions[0]?.executionArn ?? '' }),
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.input ?? '{}')).toMatchObject({ checkoutId: first.body.checkoutId, cartId });

    const records = await checkoutRecordsOf(customer);
    expect(records.map((record) => record.checkoutId)).toEqual([first.body.checkoutId]);
    // One saga took the stock once and told the customer once.
    expect(await product(sku)).toMatchObject({ available: 9, reserved: 0 });
    expect(await channelsNotified(customer.sub, 'OrderPlaced.v1', 2)).toEqual(['email', 'push']);
  });

  it('ReserveInventory invoked twice with the same command takes the stock once', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 700);
    const command = await stepCommand(customer, sku, 3, 700);

    // Act
    const first = await invokeStep('ReserveInventoryFunctionName', command);
    const second = await invokeStep('ReserveInventoryFunctionName', command);

    // Assess
    expect(first.functionError).toBeUndefined();
    expect(second.functionError).toBeUndefined();
    expect(first.result).toEqual({ reservedSkus: [sku] });
    expect(second.result).toEqual(first.result);
    expect(await product(sku)).toMatchObject({ available: 7, reserved: 3 });
  });

  it('ProcessPayment invoked twice with the same command records one payment and answers the same payment id', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 2100);
    const command = await stepCommand(customer, sku, 2, 2100);

    // Act
    const first = await invokeStep('ProcessPaymentFunctionName', command);
    const second = await invokeStep('ProcessPaymentFunctionName', command);

    // Assess
    expect(first.functionError).toBeUndefined();
    expect(second.functionError).toBeUndefined();
    expect(first.result).toEqual({ paymentId: `pay_${command.checkoutId}`, amountCents: 4200 });
    expect(second.result.paymentId).toBe(first.result.paymentId);
    const payments = await paymentItemsOf(command.checkoutId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      sk: 'PAYMENT',
      paymentId: `pay_${command.checkoutId}`,
      amountCents: 4200,
      status: 'CAPTURED',
    });
  });

  it('RefundPayment finds and refunds a charge whose answer was lost before we recorded it', async () => {
    // Prepare: the provider charged and its answer was lost; say every retry of ProcessPayment failed after that.
    const customer = newCustomer();
    const sku = await newProduct(10, 1500);
    const command = await stepCommand(customer, sku, 2, 1500, 'tok_timeoutAfterCapture');
    const charge = await invokeStep('ProcessPaymentFunctionName', command);

    // Act
    const compensation = await invokeStep('RefundPaymentFunctionName', command);

    // Assess
    expect(charge.functionError).toBe('Unhandled');
    expect(charge.result).toMatchObject({ errorType: 'PaymentGatewayTimeoutError' });
    expect(compensation.functionError).toBeUndefined();
    expect(compensation.result).toEqual({ refundId: `ref_saga_${command.checkoutId}`, amountCents: 3000 });
    // Our books and the provider's agree: 3000 captured, 3000 refunded, on both sides.
    const payments = await paymentItemsOf(command.checkoutId);
    expect(payments.find((item) => item.sk === 'PAYMENT')).toMatchObject({
      amountCents: 3000,
      refundedCents: 3000,
      status: 'REFUNDED',
    });
    expect((await providerLedgerOf(command.checkoutId)).map((item) => [item.sk, item.amountCents])).toEqual([
      ['CHARGE', 3000],
      [`REFUND#ref_saga_${command.checkoutId}`, 3000],
    ]);
  });

  it('the same Idempotency-Key with another body is refused with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 900);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const otherCartId = await fillCart(customer, { [sku]: 2 });
    const idempotencyKey = `key-${randomUUID()}`;
    const first = await startCheckout(customer, { cartId, idempotencyKey });

    // Act
    const reused = await startCheckout(customer, { cartId: otherCartId, idempotencyKey });

    // Assess
    expect(first.status).toBe(202);
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      correlationId: reused.headers.get('x-correlation-id'),
    });
    const checkout = await settledCheckout(customer, first.body.checkoutId);
    expect(checkout.status).toBe('COMPLETED');
    const records = await checkoutRecordsOf(customer);
    expect(records.map((record) => record.checkoutId)).toEqual([first.body.checkoutId]);
    // Only the first cart was checked out: one unit left the shelf, and the other cart is untouched.
    expect(await product(sku)).toMatchObject({ available: 9, reserved: 0 });
    const otherCart = await call('GET', `carts/${otherCartId}`, { caller: customer });
    expect(otherCart.body.items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
    expect(await channelsNotified(customer.sub, 'OrderPlaced.v1', 2)).toEqual(['email', 'push']);
  });
});
