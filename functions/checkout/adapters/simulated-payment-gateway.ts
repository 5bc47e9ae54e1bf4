import { setTimeout as wait } from 'node:timers/promises';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv, testBehaviourOffered } from '../../../shared/environment.js';
import {
  PaymentDeclinedError,
  PaymentGatewayTimeoutError,
  PaymentGatewayUnavailableError,
} from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import type { ChargeRequest, PaymentGateway, ProviderCharge, RefundRequest } from '../ports/payments.js';

/**
 * Test tokens in the style of real providers' test cards, so every saga path can be exercised on purpose. The token
 * is the simulator's fault interface: a client (or the chaos plan, from its seed) chooses the fault by the card it
 * pays with; the simulator never decides on its own.
 */
export const SIMULATED_TOKENS = {
  approved: 'tok_visa',
  declined: 'tok_chargeDeclined',
  /** Unavailable on the first attempt of each checkout (nothing charged), approved on the next: the saga's Retry. */
  transientFailure: 'tok_transientError',
  /**
   * Charged on the first attempt, then the answer is lost (`PaymentGatewayTimeoutError`): the saga retries, and the
   * provider answers the charge it already made under the checkout's idempotency key.
   */
  timeoutAfterCapture: 'tok_timeoutAfterCapture',
  /** Charged, and answered `SLOW_ANSWER_DELAY_MS` late. */
  slowAnswer: 'tok_slowAnswer',
} as const;

/**
 * How late `tok_slowAnswer` answers. A quarter of the default function timeout (10 s): slow enough to show in the
 * step's duration and to hold its idempotency record in progress meanwhile, short enough that a cold start and the
 * SDK's retries still fit before the timeout, so the answer arrives. A lost answer is `tok_timeoutAfterCapture`.
 */
export const SLOW_ANSWER_DELAY_MS = 2_500;

/** Partition of the simulator's own items in the payments table, one per checkout (its idempotency key). */
export const SIMULATED_GATEWAY_PREFIX = 'SIMULATED_GATEWAY#';
/** Sort keys under it: the charge (at most one), each refund by its refund id, and the attempts counter. */
export const SIMULATED_GATEWAY_CHARGE = 'CHARGE';
export const SIMULATED_GATEWAY_REFUND_PREFIX = 'REFUND#';

export interface SimulatedPaymentGatewayOptions {
  /** Waits for a slow answer. @default setTimeout from node:timers/promises */
  readonly sleep?: (milliseconds: number) => Promise<unknown>;
  /**
   * Whether the fault tokens (every token but `tok_visa`) behave as documented; off, they are unknown tokens and
   * declined, as on production. @default the stage's `TEST_BEHAVIOUR`
   */
  readonly faultTokens?: boolean;
}

/**
 * A payment provider that keeps a ledger, as a real one does, in the payments table under
 * `SIMULATED_GATEWAY#<checkoutId>`: the charge (`CHARGE`), each refund (`REFUND#<refundId>`) and the number of charge
 * attempts (`ATTEMPTS`). The checkout id is the charge's idempotency key (Stripe's `Idempotency-Key`) and the refund
 * id the refund's: conditional writes make a repeat, or a concurrent attempt, answer the first charge or refund
 * instead of moving money twice. The ledger is the provider's view of the money that `money.providerAgrees`
 * (chaos/invariants.ts) compares with ours. It moves no real money.
 */
export function simulatedPaymentGateway(options: SimulatedPaymentGatewayOptions = {}): PaymentGateway {
  const client = dynamoDocumentClient();
  const table = () => requiredEnv(tableEnv('PAYMENTS'));
  const sleep = options.sleep ?? wait;
  const partition = (checkoutId: string) => `${SIMULATED_GATEWAY_PREFIX}${checkoutId}`;

  /** Counted atomically, so that concurrent attempts agree on which one was first. */
  const countAttempt = async (checkoutId: string): Promise<number> => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: partition(checkoutId), sk: 'ATTEMPTS' },
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts ?? 1);
  };

  const findCharge = async (checkoutId: string): Promise<ProviderCharge | undefined> => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table(),
        Key: { pk: partition(checkoutId), sk: SIMULATED_GATEWAY_CHARGE },
        ConsistentRead: true,
      }),
    );
    return Item ? { chargeReference: String(Item.chargeReference), amountCents: Number(Item.amountCents) } : undefined;
  };

  /**
   * Writes `item` unless its key holds one already, which it answers instead: the provider's idempotency. Conditional,
   * so concurrent attempts agree on the first.
   */
  const putOnce = async (item: Record<string, unknown> & { pk: string; sk: string }) => {
    try {
      await client.send(
        new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { created: true as const };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const { Item } = await client.send(
        new GetCommand({ TableName: table(), Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
      );
      if (!Item) throw error;
      return { created: false as const, existing: Item };
    }
  };

  /** Charges once per checkout: a repeat answers the charge already made, whatever it asks for. */
  const capture = async ({ checkoutId, amountCents, paymentToken }: ChargeRequest): Promise<ProviderCharge> => {
    const charge: ProviderCharge = { chargeReference: `sim_ch_${checkoutId}`, amountCents };
    const written = await putOnce({
      pk: partition(checkoutId),
      sk: SIMULATED_GATEWAY_CHARGE,
      checkoutId,
      ...charge,
      paymentToken,
      createdAt: new Date().toISOString(),
    });
    if (written.created) return charge;
    const existing = {
      chargeReference: String(written.existing.chargeReference),
      amountCents: Number(written.existing.amountCents),
    };
    logger.info('Simulated gateway answers the charge already made for this checkout', {
      checkoutId,
      amountCents: existing.amountCents,
      requestedCents: amountCents,
    });
    return existing;
  };

  const refund = async ({ checkoutId, refundId, amountCents }: RefundRequest) => {
    const refundReference = `sim_re_${refundId}`;
    const written = await putOnce({
      pk: partition(checkoutId),
      sk: `${SIMULATED_GATEWAY_REFUND_PREFIX}${refundId}`,
      checkoutId,
      refundId,
      refundReference,
      amountCents,
      createdAt: new Date().toISOString(),
    });
    if (written.created) {
      logger.info('Simulated gateway refunded', { checkoutId, refundId, amountCents });
      return { refundReference };
    }
    logger.info('Simulated gateway answers the refund already made under this refund id', {
      checkoutId,
      refundId,
      amountCents: Number(written.existing.amountCents),
    });
    return { refundReference: String(written.existing.refundReference) };
  };

  return {
    async charge(request) {
      const attempt = await countAttempt(request.checkoutId);
      const log = { checkoutId: request.checkoutId, amountCents: request.amountCents, attempt };
      const faultTokens = options.faultTokens ?? testBehaviourOffered();
      const token =
        faultTokens || request.paymentToken === SIMULATED_TOKENS.approved ? request.paymentToken : 'fault-token-off';
      switch (token) {
        case SIMULATED_TOKENS.approved:
          break;
        case SIMULATED_TOKENS.declined:
          logger.info('Simulated gateway declined the charge', log);
          throw new PaymentDeclinedError('card declined');
        case SIMULATED_TOKENS.transientFailure:
          if (attempt === 1) {
            logger.info('Simulated gateway is unavailable for this first attempt', log);
            throw new PaymentGatewayUnavailableError();
          }
          break;
        case SIMULATED_TOKENS.timeoutAfterCapture: {
          const charge = await capture(request);
          if (attempt === 1) {
            logger.info('Simulated gateway charged, and its answer is lost', log);
            throw new PaymentGatewayTimeoutError();
          }
          logger.info('Simulated gateway approved the charge', log);
          return { chargeReference: charge.chargeReference };
        }
        case SIMULATED_TOKENS.slowAnswer: {
          const charge = await capture(request);
          logger.info('Simulated gateway charged, and answers late', { ...log, delayMs: SLOW_ANSWER_DELAY_MS });
          await sleep(SLOW_ANSWER_DELAY_MS);
          return { chargeReference: charge.chargeReference };
        }
        default:
          logger.info('Simulated gateway does not know the payment token', log);
          throw new PaymentDeclinedError('unknown payment token');
      }
      const charge = await capture(request);
      logger.info('Simulated gateway approved the charge', log);
      return { chargeReference: charge.chargeReference };
    },

    findCharge,

    refund,
  };
}
