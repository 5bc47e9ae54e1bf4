/**
 * `npm run dlq -- list`: every dead-letter queue of the deployment, its depth, the queues it serves, and for up to 10
 * of its messages why each is there: the reason its consumer attached when it refused it (`FailureCode`,
 * `FailureReason`, `FailureDetails`, ...), EventBridge's `ERROR_CODE` and `ERROR_MESSAGE`, or none (the redrive policy
 * moved it after failed receives: the consumer's logs say why). Peeking leaves the messages where they are.
 * `npm run dlq -- redrive <queue>`: moves a DLQ's messages back to their source queue (a message move task) and waits
 * until they moved. `<queue>` is the DLQ's name, URL or ARN, or a stack output name such as `NotificationsDlqUrl`.
 * `npm run dlq -- replay <queue>`: finishes the sagas whose states a compensation DLQ holds (`CompensationDlqUrl`,
 * `ProvisioningCompensationDlqUrl`): each is replayed by its state machine from the parked compensation, record or
 * publication (tools/saga-replay.ts).
 * `npm run dlq -- resend <queue>`: sends the events an EventBridge target DLQ holds (`UndeliveredEventsQueueUrl`,
 * `UndeliveredAuditEventsUrl`) to the queue each could not reach, and deletes them (tools/undelivered-events.ts).
 *
 * Finds the deployment like `npm run saga` (the file `npm start` writes, or SAGASTACK_OUTPUTS_FILE for LocalStack and
 * AWS) and speaks only the SQS API, so it works the same against all three.
 */
import './closed-pipe.js';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { defineCli, RuntimeConditionError, runCli } from '../local-cloud/cli/define-cli.js';
import {
  type DeadLetterMessage,
  type DeadLetterQueue,
  deploymentScope,
  listDeadLetterQueues,
  peekDeadLetters,
  queueNameOf,
  redriveDeadLetterQueue,
} from './dead-letter-queues.js';
import { type Deployment, loadDeployment } from './deployment.js';
import { replayParkedStates } from './saga-replay.js';
import { resendUndeliveredEvents } from './undelivered-events.js';

const program = defineCli({
  name: 'dlq',
  invocation: 'npm run dlq --',
  description:
    "Lists a deployment's dead-letter queues and why their messages are there; redrives, replays or resends them.",
  epilog:
    'Finds the deployment in .local-cloud/endpoints.json (npm start), or SAGASTACK_OUTPUTS_FILE for LocalStack and AWS.\n' +
    "A command's own help: npm run dlq -- <command> --help",
});

program
  .command('list')
  .description('every dead-letter queue, its depth, the queues it serves, and why up to 10 of its messages are there')
  .action(async () => {
    const { deployment, sqs } = connect();
    const queues = await listDeadLetterQueues(sqs, deploymentScope(deployment.outputs));
    const messages = new Map<string, DeadLetterMessage[]>();
    for (const queue of queues) if (queue.visible > 0) messages.set(queue.url, await peekDeadLetters(sqs, queue.url));
    printQueues(queues, deployment.outputs, messages);
  });

program
  .command('redrive')
  .description("moves a DLQ's messages back to their source queue (a message move task) and waits until they moved")
  .argument('<queue>', 'the DLQ: name, URL, ARN or stack output name, e.g. NotificationsDlqUrl')
  .action(async (queue: string) => {
    const { deployment, sqs } = connect();
    const result = await redriveDeadLetterQueue(sqs, queue, { outputs: deployment.outputs });
    console.log(`Moved ${result.moved} message(s) from ${queueNameOf(result.dlqArn)} back to its source queue.`);
  });

program
  .command('replay')
  .description('finishes the sagas whose states a compensation DLQ holds, each by its state machine')
  .argument('<queue>', 'the compensation DLQ: name, URL or stack output name, e.g. CompensationDlqUrl')
  .action(async (queue: string) => {
    const { deployment, sqs } = connect();
    const queueUrl = await queueUrlOf(sqs, queue, deployment.outputs);
    const results = await replayParkedStates({ sqs, sfn: new SFNClient(deployment.clientConfig) }, queueUrl);
    if (results.length === 0) console.log(`Nothing parked in ${queueNameOf(queueUrl)}.`);
    for (const result of results) {
      console.log(
        `${result.outcome.padEnd(14)} ${result.failedState} of ${result.executionArn}` +
          `${result.replayArn ? `\n               replay ${result.replayArn}` : ''}${result.problem ? ` (${result.problem})` : ''}`,
      );
    }
    if (!results.every((result) => result.outcome === 'FINISHED')) process.exitCode = 1;
  });

program
  .command('resend')
  .description('sends the events an EventBridge target DLQ holds to the queue each could not reach, and deletes them')
  .argument('<queue>', 'the target DLQ: name, URL, ARN or stack output name, e.g. UndeliveredEventsQueueUrl')
  .action(async (queue: string) => {
    const { deployment, sqs } = connect();
    const results = await resendUndeliveredEvents(sqs, queue, { outputs: deployment.outputs });
    if (results.length === 0) console.log(`Nothing undelivered in ${queueNameOf(deployment.outputs[queue] ?? queue)}.`);
    for (const result of results) {
      console.log(
        `${result.outcome.padEnd(7)} event ${result.eventId ?? '?'} (message ${result.messageId}) to ` +
          `${result.targetArn ?? '?'}${result.error ? `, undelivered for ${result.error}` : ''}` +
          `${result.problem ? `\n        ${result.problem}` : ''}`,
      );
    }
    if (!results.every((result) => result.outcome === 'RESENT')) process.exitCode = 1;
  });

function connect(): { deployment: Deployment; sqs: SQSClient } {
  const deployment = loadDeployment();
  return { deployment, sqs: new SQSClient(deployment.clientConfig) };
}

/** A queue URL from its URL, its name, or a stack output holding either. */
async function queueUrlOf(
  sqs: SQSClient,
  reference: string,
  outputs: Readonly<Record<string, string>>,
): Promise<string> {
  const value = outputs[reference] ?? reference;
  if (/^https?:\/\//.test(value)) return value;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueNameOf(value) }));
  if (!QueueUrl) throw new RuntimeConditionError(`No queue ${value}`);
  return QueueUrl;
}

function printQueues(
  queues: readonly DeadLetterQueue[],
  outputs: Readonly<Record<string, string>>,
  messages: ReadonlyMap<string, readonly DeadLetterMessage[]>,
): void {
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
          : 'no SQS queue (EventBridge or Step Functions park undeliverable messages here: resend or replay them)'
      }`,
    );
    const peeked = messages.get(queue.url) ?? [];
    if (peeked.length > 0) console.log(peeked.length < queue.visible ? `  why     ${peeked.length} of them:` : '  why');
    for (const message of peeked) printMessage(message, queue.sourceQueueUrls.length > 0);
  }
}

/** One message and its reason, on a few indented lines; details cut at 300 characters. */
function printMessage(message: DeadLetterMessage, hasSourceQueue: boolean): void {
  const { reason } = message;
  console.log(`    ${message.messageId}${message.sentAt ? `  sent ${message.sentAt}` : ''}`);
  if (!reason) {
    console.log(
      hasSourceQueue
        ? '      no reason attached: the redrive policy moved it after failed receives ' +
            `(received ${message.receiveCount} times, peeks included); the consumer's logs say why`
        : '      no reason attached: see the runbook for this queue',
    );
    return;
  }
  console.log(`      ${reason.code ?? '?'}: ${reason.message ?? '(no message)'}`);
  if (reason.by || reason.originalMessageId) {
    const origin = reason.originalMessageId
      ? `; message ${reason.originalMessageId} of ${queueNameOf(reason.sourceQueue ?? '?')}`
      : '';
    console.log(`      by ${reason.by ?? '?'}${origin}`);
  }
  if (reason.details) {
    console.log(`      details ${reason.details.length > 300 ? `${reason.details.slice(0, 299)}…` : reason.details}`);
  }
}

await runCli(program);
