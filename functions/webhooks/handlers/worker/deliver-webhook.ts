/**
 * The deliverer: one delivery attempt per SQS message (batch size 1, so a slow endpoint delays no other delivery in
 * its batch). A failed attempt puts its message aside with `ChangeMessageVisibility` for the backoff the use case
 * chose, then reports it failed, so SQS hands it back once the delay is over; the last failed attempt sends it to
 * the DLQ with the reason (docs/adr/0036-webhook-delivery.md).
 */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqs } from '../../../../shared/aws/sqs-client.js';
import { DeliveryMessage } from '../../../../shared/contracts/webhooks-api.js';
import { queueEnv, requiredEnv } from '../../../../shared/environment.js';
import { logger } from '../../../../shared/powertools/index.js';
import { observability } from '../../../../shared/powertools/middlewares.js';
import { isPermanentRefusal } from '../../../../shared/refusals.js';
import { sendToDeadLetterQueue } from '../../../../shared/sqs/dead-letter.js';
import { parseRecord } from '../../../../shared/sqs/event-consumer.js';
import { refusalOf } from '../../../../shared/sqs/failure-attributes.js';
import { dynamoDeliveries } from '../../adapters/dynamo-deliveries.js';
import { dynamoEndpointSlots } from '../../adapters/dynamo-endpoint-slots.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { fetchEndpoint } from '../../adapters/fetch-endpoint.js';
import { kmsSecretOpener } from '../../adapters/kms-secret-vault.js';
import { deliverySettingsFromEnv } from '../../adapters/settings-from-env.js';
import { type DeliveryDecision, deliver } from '../../use-cases/deliver.js';

const FUNCTION_NAME = () => process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'DeliverWebhook';

async function decide(record: SQSRecord): Promise<DeliveryDecision> {
  try {
    const message = parseRecord(DeliveryMessage, record);
    return await deliver(message, record.messageId, {
      webhooks: dynamoWebhooks(),
      deliveries: dynamoDeliveries(),
      slots: dynamoEndpointSlots(),
      opener: kmsSecretOpener(),
      endpoint: fetchEndpoint(),
      settings: deliverySettingsFromEnv(),
    });
  } catch (error) {
    // A message that can never be delivered (not JSON, not a delivery): the DLQ now, with the reason.
    if (isPermanentRefusal(error)) return { kind: 'dead-letter', reason: refusalOf(error).reason };
    throw error;
  }
}

/** Whether SQS should hand the record back (it stays on the queue) rather than delete it. */
async function handleRecord(record: SQSRecord): Promise<boolean> {
  const decision = await decide(record);
  if (decision.kind === 'done') return false;
  if (decision.kind === 'dead-letter') {
    const sent = await sendToDeadLetterQueue(
      record,
      { code: 'WEBHOOK_DELIVERY_FAILED', reason: decision.reason },
      FUNCTION_NAME(),
    );
    // Not taken by the DLQ: the record stays, and the redrive policy moves it there in the end.
    return !sent;
  }
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: requiredEnv(queueEnv('WEBHOOK_DELIVERY')),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: decision.delaySeconds,
    }),
  );
  return true;
}

const adapter = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      if (await handleRecord(record)) batchItemFailures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      // Unexpected (DynamoDB or KMS down): the message comes back after the queue's visibility timeout.
      logger.error('Delivery attempt failed before it was logged', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy(adapter).use(observability());
