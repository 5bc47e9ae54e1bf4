/**
 * What `npm run dlq -- replay <queue>` does: finishes the sagas whose compensation, failure record or outcome event
 * was parked in a compensation DLQ. Each parked message (`{ failedState, executionArn, state }`) is replayed by
 * Step Functions itself: a new execution of the same state machine, started from the parked state's name
 * (`state.replay.from`), which runs that compensation and every one after it with the saga's own retries (and parks
 * again what fails again), or records and announces the failure. Steps run under idempotency keys of the replay
 * (`state.replay.of`), so results the first run stored (a release that found nothing to release yet) do not answer
 * for them. Only SQS and Step Functions API calls: the same against the local cloud, LocalStack and AWS.
 */

import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface ParkedState {
  readonly failedState: string;
  readonly executionArn: string;
  readonly state: Record<string, unknown>;
}

export interface ReplayResult {
  readonly messageId: string;
  readonly failedState: string;
  /** The saga execution that parked the state. */
  readonly executionArn: string;
  /** The replay's execution; none when the message could not be replayed (see `problem`). */
  readonly replayArn?: string;
  /** FINISHED: nothing was parked again. PARKED_AGAIN: something still fails, a new message holds it. */
  readonly outcome: 'FINISHED' | 'PARKED_AGAIN' | 'STILL_RUNNING' | 'NOT_REPLAYABLE';
  readonly problem?: string;
}

export interface ReplayOptions {
  /** How long to wait for one replay to end. @default 600000 (a deprovision's worker may take minutes) */
  readonly timeoutMs?: number;
  /** Poll of DescribeExecution while a replay runs. @default 1000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How a parking state is named after what it parks: `<compensation>Failed`, `<record or publication>Undelivered`. */
const PARKING_STATE = /(Failed|Undelivered)$/;

/** Reads a parked message, or says why it is not one. */
export function parseParkedState(body: string | undefined): ParkedState | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return 'the body is not JSON';
  }
  const candidate = parsed as Partial<ParkedState> | null;
  if (
    typeof candidate?.failedState !== 'string' ||
    !PARKING_STATE.test(candidate.failedState) ||
    typeof candidate.executionArn !== 'string' ||
    typeof candidate.state !== 'object' ||
    candidate.state === null
  ) {
    return 'not a parked saga state ({ failedState, executionArn, state })';
  }
  return candidate as ParkedState;
}

/**
 * The replay of one parked state: its execution name (the saga's, plus `-replay-` and a suffix unique to the message,
 * so replaying the same message twice is refused by Step Functions) and its input. A state parked by a replay is
 * replayed under the saga's own name again, not a name that grows with every round.
 */
export function replayOf(parked: ParkedState, messageId: string, sagaName: string): { name: string; input: string } {
  const from = parked.failedState.replace(PARKING_STATE, '');
  const suffix = messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  const name = `${sagaName.replace(/-replay-.*$/, '')}-replay-${suffix}`.slice(0, 80);
  return { name, input: JSON.stringify({ ...parked.state, replay: { from, of: name } }) };
}

/**
 * Replays every parked message of `queueUrl`, one at a time, deleting each once its replay ended. What the replays
 * park again is left for the next call (an operator fixes the cause first): a message parked by a replay of this
 * call is made visible again and ends the call.
 */
export async function replayParkedStates(
  clients: { sqs: SQSClient; sfn: SFNClient },
  queueUrl: string,
  options: ReplayOptions = {},
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const replaysOfThisCall = new Set<string>();
  for (;;) {
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        // Long enough for the replays of a whole batch; a message whose replay is cut short comes back.
        VisibilityTimeout: 900,
        WaitTimeSeconds: 0,
      }),
    );
    if (!Messages || Messages.length === 0) return results;
    const parkedAgain = Messages.filter((message) => {
      const parked = parseParkedState(message.Body);
      return typeof parked !== 'string' && replaysOfThisCall.has(parked.executionArn);
    });
    if (parkedAgain.length > 0) {
      for (const message of Messages) {
        await clients.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
      return results;
    }
    for (const message of Messages) {
      const result = await replayOne(clients, message, options).catch(
        (error: unknown): ReplayResult => ({
          messageId: message.MessageId ?? 'unknown',
          failedState: '?',
          executionArn: '?',
          outcome: 'NOT_REPLAYABLE',
          problem: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
      results.push(result);
      if (result.replayArn) replaysOfThisCall.add(result.replayArn);
      // A message that is not a parked state stays for an operator; everything else is done with: a replay that
      // parked something again left a message of its own.
      if (result.outcome !== 'NOT_REPLAYABLE' && result.outcome !== 'STILL_RUNNING') {
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    if (results.every((result) => result.outcome === 'NOT_REPLAYABLE')) return results;
  }
}

async function replayOne(
  clients: { sqs: SQSClient; sfn: SFNClient },
  message: Message,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const messageId = message.MessageId ?? 'unknown';
  const parked = parseParkedState(message.Body);
  if (typeof parked === 'string') {
    return { messageId, failedState: '?', executionArn: '?', outcome: 'NOT_REPLAYABLE', problem: parked };
  }
  const base = { messageId, failedState: parked.failedState, executionArn: parked.executionArn };
  const saga = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: parked.executionArn }));
  if (!saga.stateMachineArn || !saga.name) {
    return { ...base, outcome: 'NOT_REPLAYABLE', problem: 'the saga execution is gone' };
  }
  const replay = replayOf(parked, messageId, saga.name);
  const replayArn = await startOrFind(clients.sfn, saga.stateMachineArn, replay);
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: replayArn }));
    if (status !== 'RUNNING') break;
    if (Date.now() > deadline) return { ...base, replayArn, outcome: 'STILL_RUNNING' };
    await sleep(options.pollIntervalMs ?? 1000);
  }
  // Parking is a plain SQS SendMessage (worker commands go through a Lambda task, `lambda:invoke.waitForTaskToken`).
  const parkedAgain = (await historyOf(clients.sfn, replayArn)).some(
    (event) =>
      event.type === 'TaskScheduled' &&
      event.taskScheduledEventDetails?.resourceType === 'sqs' &&
      event.taskScheduledEventDetails.resource === 'sendMessage',
  );
  return { ...base, replayArn, outcome: parkedAgain ? 'PARKED_AGAIN' : 'FINISHED' };
}

/**
 * Starts the replay; a replay of this message that exists already (an earlier run of the tool stopped before it
 * deleted the message) is the one to wait for.
 */
async function startOrFind(
  sfn: SFNClient,
  stateMachineArn: string,
  replay: { name: string; input: string },
): Promise<string> {
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: replay.name, input: replay.input }),
    );
    if (executionArn) return executionArn;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ExecutionAlreadyExists') throw error;
  }
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${replay.name}`;
}

async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
