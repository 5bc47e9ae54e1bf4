/** The queue the node agents take commands from (WORKER_QUEUE_URL). */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../../../shared/aws/sqs-client.js';
import { queueEnv, requiredEnv } from '../../../shared/environment.js';
import type { WorkerQueue } from '../ports/worker-fleet.js';

export function sqsWorkerQueue(): WorkerQueue {
  return {
    async send(command) {
      await sqs().send(
        new SendMessageCommand({ QueueUrl: requiredEnv(queueEnv('WORKER')), MessageBody: JSON.stringify(command) }),
      );
    },
  };
}
