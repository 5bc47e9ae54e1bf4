import { ConditionalCheckFailedException, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // The stage offers the fault tokens (local, dev and staging do; production does not).
  process.env.TEST_BEHAVIOUR = 'on';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import {
  SIMULATED_TOKENS,
  SLOW_ANSWER_DELAY_MS,
  simulatedPaymentGateway,
} from '../../../../functions/checkout/adapters/simulated-payment-gateway.js';
import { tuning } from '../../../../lib/config/tuning.js';
import {
  isTransientErrorName,
  PaymentDeclinedError,
  PaymentGatewayTimeoutError,
  PaymentGatewayUnavailableError,
} from '../../../../shared/errors.js';
import { TABLES, useTestTables } from '../commerce-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

type Item = Record<string, unknown>;

/**
 * The payments table as DynamoDB keeps it, for the simulator's three operations: a put refused when its condition
 * `attribute_not_exists(pk)` meets an item, a consistent get, and the atomic ADD of the attempts counter. Each call is
 * applied whole before the next, as DynamoDB serialises writes to one item, so concurrent attempts race for real.
 * `applied` lists the puts that were written, so that a second write of the same item shows even if it overwrote.
 */
function fakePaymentsTable(): Map<string, Item> & { readonly applied: Item[] } {
  const items = Object.assign(new Map<string, Item>(), { applied: [] as Item[] });
  const keyOf = (key: Item) => `${key.pk}|${key.sk}`;
  dynamo.on(PutCommand).callsFake(async (input: { Item: Item; ConditionExpression?: string }) => {
    await Promise.resolve();
    if (input.ConditionExpression === 'attribute_not_exists(pk)' && items.has(keyOf(input.Item))) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    items.set(keyOf(input.Item), input.Item);
    items.applied.push(input.Item);
    return {};
  });
  dynamo.on(GetCommand).callsFake(async (input: { Key: Item }) => {
    await Promise.resolve();
    const item = items.get(keyOf(input.Key));
    return item ? { Item: item } : {};
  });
  dynamo.on(UpdateCommand).callsFake(async (input: { Key: Item }) => {
    await Promise.resolve();
    const counter = items.get(keyOf(input.Key)) ?? { ...input.Key, attempts: 0 };
    const updated = { ...counter, attempts: Number(counter.attempts) + 1 };
    items.set(keyOf(input.Key), updated);
    return { Attributes: { attempts: updated.attempts } };
  });
  return items;
}

/** The provider's ledger entries for one checkout, without the attempts counter. */
function ledgerOf(items: Map<string, Item>, checkoutId: string): Item[] {
  return [...items.values()].filter((item) => item.pk === `SIMULATED_GATEWAY#${checkoutId}` && item.sk !== 'ATTEMPTS');
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const noWait = async () => {};
const charge = (paymentToken: string, amountCents = 16084) => ({ checkoutId: 'chk_0001', amountCents, paymentToken });

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('simulated payment gateway: charges', () => {
  it('approves tok_visa and records the charge in its ledger under the checkout', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const answer = await gateway.charge(charge(SIMULATED_TOKENS.approved));

    // Assess
    expect(answer).toEqual({ chargeReference: 'sim_ch_chk_0001' });
    expect(ledgerOf(items, 'chk_0001')).toEqual([
      expect.objectContaining({
        pk: 'SIMULATED_GATEWAY#chk_0001',
        sk: 'CHARGE',
        checkoutId: 'chk_0001',
        chargeReference: 'sim_ch_chk_0001',
        amountCents: 16084,
        paymentToken: 'tok_visa',
      }),
    ]);
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      TableName: TABLES.PAYMENTS_TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers a second charge for the same checkout with the first one: same reference, no second capture', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });
    await gateway.charge(charge(SIMULATED_TOKENS.approved));

    // Act
    const again = await gateway.charge(charge(SIMULATED_TOKENS.approved, 99_999));

    // Assess
    expect(again).toEqual({ chargeReference: 'sim_ch_chk_0001' });
    expect(ledgerOf(items, 'chk_0001')).toEqual([expect.objectContaining({ sk: 'CHARGE', amountCents: 16084 })]);
  });

  it('captures once when concurrent attempts charge the same checkout', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => gateway.charge(charge(SIMULATED_TOKENS.approved))));

    // Assess
    expect(new Set(answers.map((answer) => answer.chargeReference))).toEqual(new Set(['sim_ch_chk_0001']));
    expect(items.applied).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('declines tok_chargeDeclined, and an unknown token, without charging', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const declined = await failureOf(gateway.charge(charge(SIMULATED_TOKENS.declined)));
    const unknown = await failureOf(gateway.charge({ ...charge('tok_mystery'), checkoutId: 'chk_0002' }));

    // Assess
    expect(declined).toBeInstanceOf(PaymentDeclinedError);
    expect(unknown).toBeInstanceOf(PaymentDeclinedError);
    expect(unknown.message).toContain('unknown payment token');
    expect(ledgerOf(items, 'chk_0001')).toEqual([]);
    expect(ledgerOf(items, 'chk_0002')).toEqual([]);
  });

  it('declines every fault token as unknown where the stage offers no test behaviour (production), charging nothing', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait, faultTokens: false });
    const faultTokens = [
      SIMULATED_TOKENS.declined,
      SIMULATED_TOKENS.transientFailure,
      SIMULATED_TOKENS.timeoutAfterCapture,
      SIMULATED_TOKENS.slowAnswer,
    ];

    // Act
    const refusals = await Promise.all(
      faultTokens.map((token, index) => failureOf(gateway.charge({ ...charge(token), checkoutId: `chk_p${index}` }))),
    );
    const approved = await gateway.charge({ ...charge(SIMULATED_TOKENS.approved), checkoutId: 'chk_visa' });

    // Assess
    expect(refusals.map((error) => [error.name, error.message])).toEqual(
      faultTokens.map(() => ['PaymentDeclinedError', expect.stringContaining('unknown payment token')]),
    );
    expect(faultTokens.flatMap((_, index) => ledgerOf(items, `chk_p${index}`))).toEqual([]);
    expect(approved.chargeReference).toBe('sim_ch_chk_visa');
  });

  it('is unavailable for tok_transientError on the first attempt, charging nothing, then approves', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const first = await failureOf(gateway.charge(charge(SIMULATED_TOKENS.transientFailure)));
    const ledgerAfterFirst = ledgerOf(items, 'chk_0001');
    const second = await gateway.charge(charge(SIMULATED_TOKENS.transientFailure));

    // Assess
    expect(first).toBeInstanceOf(PaymentGatewayUnavailableError);
    expect(ledgerAfterFirst).toEqual([]);
    expect(second).toEqual({ chargeReference: 'sim_ch_chk_0001' });
    expect(ledgerOf(items, 'chk_0001')).toHaveLength(1);
  });

  it('charges tok_timeoutAfterCapture on the first attempt and loses the answer; the retry gets that charge', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const first = await failureOf(gateway.charge(charge(SIMULATED_TOKENS.timeoutAfterCapture)));
    const ledgerAfterFirst = ledgerOf(items, 'chk_0001');
    const second = await gateway.charge(charge(SIMULATED_TOKENS.timeoutAfterCapture));

    // Assess
    expect(first).toBeInstanceOf(PaymentGatewayTimeoutError);
    expect(first.name).toBe('PaymentGatewayTimeoutError');
    expect(isTransientErrorName(first.name)).toBe(true);
    expect(ledgerAfterFirst).toEqual([expect.objectContaining({ sk: 'CHARGE', amountCents: 16084 })]);
    expect(second).toEqual({ chargeReference: 'sim_ch_chk_0001' });
    expect(items.applied.filter((item) => item.sk === 'CHARGE')).toEqual(ledgerAfterFirst);
  });

  it('charges tok_slowAnswer and answers late, well within the function timeout', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const waits: number[] = [];
    const gateway = simulatedPaymentGateway({ sleep: async (ms) => void waits.push(ms) });

    // Act
    const answer = await gateway.charge(charge(SIMULATED_TOKENS.slowAnswer));

    // Assess
    expect(answer).toEqual({ chargeReference: 'sim_ch_chk_0001' });
    expect(waits).toEqual([SLOW_ANSWER_DELAY_MS]);
    expect(SLOW_ANSWER_DELAY_MS).toBeGreaterThanOrEqual(2_000);
    expect(SLOW_ANSWER_DELAY_MS).toBeLessThanOrEqual((tuning.lambda.defaultTimeoutSeconds * 1000) / 2);
    expect(ledgerOf(items, 'chk_0001')).toHaveLength(1);
  });

  it('lets a failure of the table through, so the caller retries', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { attempts: 1 } });
    dynamo.on(PutCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const error = await failureOf(gateway.charge(charge(SIMULATED_TOKENS.approved)));

    // Assess
    expect(error.name).toBe('InternalServerError');
  });

  it('finds the charge made for a checkout, and nothing for one never charged', async () => {
    // Prepare
    fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });
    await failureOf(gateway.charge(charge(SIMULATED_TOKENS.timeoutAfterCapture)));

    // Act
    const found = await gateway.findCharge('chk_0001');
    const none = await gateway.findCharge('chk_0002');

    // Assess
    expect(found).toEqual({ chargeReference: 'sim_ch_chk_0001', amountCents: 16084 });
    expect(none).toBeUndefined();
  });
});

describe('simulated payment gateway: refunds', () => {
  it('records a refund in its ledger under the checkout and the refund id', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });

    // Act
    const answer = await gateway.refund({ checkoutId: 'chk_0001', refundId: 'ref_1', amountCents: 500 });

    // Assess
    expect(answer).toEqual({ refundReference: 'sim_re_ref_1' });
    expect(ledgerOf(items, 'chk_0001')).toEqual([
      expect.objectContaining({
        pk: 'SIMULATED_GATEWAY#chk_0001',
        sk: 'REFUND#ref_1',
        checkoutId: 'chk_0001',
        refundId: 'ref_1',
        refundReference: 'sim_re_ref_1',
        amountCents: 500,
      }),
    ]);
  });

  it('answers a repeated refund id with the first refund, concurrent or not: money moves once', async () => {
    // Prepare
    const items = fakePaymentsTable();
    const gateway = simulatedPaymentGateway({ sleep: noWait });
    const request = { checkoutId: 'chk_0001', refundId: 'ref_1', amountCents: 500 };

    // Act
    const concurrent = await Promise.all([gateway.refund(request), gateway.refund(request)]);
    const later = await gateway.refund({ ...request, amountCents: 700 });
    const other = await gateway.refund({ ...request, refundId: 'ref_2' });

    // Assess
    expect([...concurrent, later]).toEqual([
      { refundReference: 'sim_re_ref_1' },
      { refundReference: 'sim_re_ref_1' },
      { refundReference: 'sim_re_ref_1' },
    ]);
    expect(other).toEqual({ refundReference: 'sim_re_ref_2' });
    expect(items.applied.map((item) => [item.sk, item.amountCents])).toEqual([
      ['REFUND#ref_1', 500],
      ['REFUND#ref_2', 500],
    ]);
  });
});
