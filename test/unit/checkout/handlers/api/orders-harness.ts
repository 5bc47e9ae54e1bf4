/**
 * The stubs of the order handler tests (GET an order, POST a refund): a placed order, its payment, a requested refund.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { requestedRefundIdFor } from '../../../../../functions/checkout/domain/ids.js';
import { CUSTOMER, PRICING, SUPPORT, TABLES, useTestTables } from '../../commerce-harness.js';
// Installs the fake KMS behind the personal-data cipher of the handlers these fixtures serve.
import '../../personal-data-harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const eventBridge = mockClient(EventBridgeClient);

export const order = {
  orderId: 'ord_chk_0001',
  checkoutId: 'chk_0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  status: 'PLACED',
  lines: PRICING.lines,
  totals: PRICING.totals,
  paymentId: 'pay_chk_0001',
  refundedCents: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
};
export const paymentKey = { pk: 'PAYMENT#pay_chk_0001', sk: 'PAYMENT' };
export const payment = {
  ...paymentKey,
  paymentId: 'pay_chk_0001',
  checkoutId: 'chk_0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  amountCents: 10_000,
  refundedCents: 0,
  status: 'CAPTURED',
  createdAt: '2026-01-01T00:00:00.000Z',
};
export const IDEMPOTENCY_KEY = 'refund-key-0001';
export const refundId = requestedRefundIdFor(SUPPORT.sub, IDEMPOTENCY_KEY);
export const refundKey = { pk: 'PAYMENT#pay_chk_0001', sk: `REFUND#${refundId}` };

export function storeHolds(
  options: { order?: object | undefined; payments?: object[]; refund?: object; checkout?: object } = {},
) {
  const storedOrder = 'order' in options ? options.order : order;
  dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves(storedOrder ? { Item: storedOrder } : {});
  dynamo
    .on(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME })
    .resolves(options.checkout ? { Item: options.checkout } : {});
  const reads = dynamo.on(GetCommand, { TableName: TABLES.PAYMENTS_TABLE_NAME, Key: paymentKey });
  for (const stored of options.payments ?? [payment]) reads.resolvesOnce({ Item: stored });
  reads.resolves({ Item: options.payments?.at(-1) ?? payment });
  dynamo.on(GetCommand, { Key: refundKey }).resolves(options.refund ? { Item: options.refund } : {});
}

/** Fresh stubs and the test tables; audit events succeed. */
export function prepareStores(): void {
  dynamo.reset();
  eventBridge.reset();
  useTestTables();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}
