/**
 * Reads of the target's AWS resources that several scenarios share: a checkout's execution and its whole history, and
 * a look at a queue's messages that leaves them where they are.
 */
import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { aws, output } from './target.js';

/** The Step Functions execution of a checkout: the saga is named after its checkout. */
export function checkoutExecutionArn(checkoutId: string): string {
  return `${output('CheckoutStateMachineArn').replace(':stateMachine:', ':execution:')}:${checkoutId}`;
}

/** Every event of an execution's history, oldest first, across its pages. */
export async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * The messages of a queue whose body satisfies `matches`, with their system and message attributes, received with a
 * zero visibility timeout so that they stay where they are.
 */
export async function peekQueue(queueUrl: string, matches: (body: string) => boolean): Promise<Message[]> {
  const { Messages = [] } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages.filter((message) => matches(message.Body ?? ''));
}
