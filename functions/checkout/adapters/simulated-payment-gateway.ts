import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { PaymentDeclinedError, PaymentGatewayUnavailableError } from '../../../shared/errors.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { logger } from '../../../shared/powertools/index.js';
import type { PaymentGateway } from '../ports/payments.js';

/** Test tokens in the style of real providers, so every saga path can be exercised on purpose. */
export const SIMULATED_TOKENS = {
  approved: 'tok_visa',
  declined: 'tok_chargeDeclined',
  /** Unavailable on the first attempt of each checkout, approved on the next: exercises the saga's Retry. */
  transientFailure: 'tok_transientError',
} as const;

/**
 * A payment provider that moves no money. Its only state, the number of charge attempts per checkout, lives in the
 * payments table under `SIMULATED_GATEWAY#<checkoutId>`, counted atomically so that concurrent attempts agree on
 * which one was first.
 */
export function simulatedPaymentGateway(): PaymentGateway {
  const client = dynamoDocumentClient();

  const countAttempt = async (checkoutId: string): Promise<number> => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: requiredEnv('PAYMENTS_TABLE_NAME'),
        Key: { pk: `SIMULATED_GATEWAY#${checkoutId}`, sk: 'ATTEMPTS' },
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts ?? 1);
  };

  return {
    async charge({ checkoutId, amountCents, paymentToken }) {
      const attempt = await countAttempt(checkoutId);
      const log = { checkoutId, amountCents, attempt };
      switch (paymentToken) {
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
        default:
          logger.info('Simulated gateway does not know the payment token', log);
          throw new PaymentDeclinedError('unknown payment token');
      }
      logger.info('Simulated gateway approved the charge', log);
      return { chargeReference: `sim_ch_${checkoutId}` };
    },

    async refund({ checkoutId, refundId, amountCents }) {
      logger.info('Simulated gateway refunded', { checkoutId, refundId, amountCents });
      return { refundReference: `sim_re_${refundId}` };
    },
  };
}
