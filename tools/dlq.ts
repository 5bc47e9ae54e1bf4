/**
 * `npm run dlq -- list`: every dead-letter queue of the deployment, its depth and the queues it serves.
 * `npm run dlq -- redrive <queue>`: moves a DLQ's messages back to their source queue (a message move task) and waits
 * until they moved. `<queue>` is the DLQ's name, URL or ARN, or a stack output name such as `NotificationsDlqUrl`.
 *
 * Finds the deployment like `npm run saga` (the file `npm start` writes, or SAGASTACK_OUTPUTS_FILE for LocalStack and
 * AWS) and speaks only the SQS API, so it works the same against all three.
 */
import './closed-pipe.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type DeadLetterQueue,
  deploymentScope,
  listDeadLetterQueues,
  queueNameOf,
  redriveDeadLetterQueue,
} from './dead-letter-queues.js';
import { loadDeployment } from './deployment.js';

const USAGE = 'Usage: npm run dlq -- list | redrive <queue name, URL, ARN or stack output name>';

async function main(args: readonly string[]): Promise<number> {
  const [command, queue, ...rest] = args;
  if (command === 'list' && queue === undefined) {
    const deployment = loadDeployment();
    const sqs = new SQSClient(deployment.clientConfig);
    printQueues(await listDeadLetterQueues(sqs, deploymentScope(deployment.outputs)), deployment.outputs);
    return 0;
  }
  if (command === 'redrive' && queue !== undefined && rest.length === 0) {
    const deployment = loadDeployment();
    const sqs = new SQSClient(deployment.clientConfig);
    const result = await redriveDeadLetterQueue(sqs, queue, { outputs: deployment.outputs });
    console.log(`Moved ${result.moved} message(s) from ${queueNameOf(result.dlqArn)} back to its source queue.`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

function printQueues(queues: readonly DeadLetterQueue[], outputs: Readonly<Record<string, string>>): void {
  if (queues.length === 0) {
    console.log('No dead-letter queues found.');
    return;
  }
  const outputNameOf = (queue: DeadLetterQueue) =>
    Object.entries(outputs).find(([, value]) => queueNameOf(value) === queue.name)?.[0];
  for (const queue of queues) {
    const outputName = outputNameOf(queue);
    const depth = `${queue.visible} waiting, ${queue.inFlight} in flight${queue.delayed > 0 ? `, ${queue.delayed} delayed` : ''}`;
    console.log(`${queue.name}${outputName ? `  (${outputName})` : ''}`);
    console.log(`  depth   ${depth}`);
    console.log(
      `  serves  ${
        queue.sourceQueueUrls.length > 0
          ? queue.sourceQueueUrls.map(queueNameOf).join(', ')
          : 'no SQS queue (EventBridge or Step Functions park undeliverable messages here; not redrivable)'
      }`,
    );
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
