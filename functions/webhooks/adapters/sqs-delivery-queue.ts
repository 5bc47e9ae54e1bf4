/** The delivery queue (WEBHOOK_DELIVERY_QUEUE_URL). */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../../../shared/aws/sqs-client.js';
import { queueEnv, requiredEnv } from '../../../shared/environment.js';
import type { DeliveryQueue } from '../ports/delivery-queue.js';

export function sqsDeliveryQueue(): DeliveryQueue {
  return {
    async enqueue(message) {
      await sqs().send(
        new SendMessageCommand({
          QueueUrl: requiredEnv(queueEnv('WEBHOOK_DELIVERY')),
          MessageBody: JSON.stringify(message),
        }),
      );
    },
  };
}
