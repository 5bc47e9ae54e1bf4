import {
  DescribeExecutionCommand,
  ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseParkedState, replayOf, replayParkedStates } from '../../../tools/saga-replay.js';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:checkout';
const SAGA = 'arn:aws:states:us-east-1:000000000000:execution:checkout:chk_1';
const QUEUE = 'http://localhost/000000000000/compensation-dlq';
const parked = {
  failedState: 'CancelOrderFailed',
  executionArn: SAGA,
  state: { checkoutId: 'chk_1', correlationId: 'corr-1', failure: { Error: 'X' } },
};

const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);

function parkedMessage(body: unknown = parked) {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [{ MessageId: 'msg-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(body) }] })
    .resolves({ Messages: [] });
}

function replayEndsWith(history: HistoryEvent[]) {
  sfn.on(DescribeExecutionCommand, { executionArn: SAGA }).resolves({ stateMachineArn: MACHINE, name: 'chk_1' });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: `${SAGA}:${input.name}` }));
  sfn
    .on(DescribeExecutionCommand)
    .callsFake((input: { executionArn: string }) =>
      input.executionArn === SAGA ? { stateMachineArn: MACHINE, name: 'chk_1' } : { status: ExecutionStatus.SUCCEEDED },
    );
  sfn.on(GetExecutionHistoryCommand).resolves({ events: history });
}

beforeEach(() => {
  sqs.reset();
  sfn.reset();
});

describe('replaying parked saga states', () => {
  it('reads a parked message, and says why another one is not', () => {
    // Assess
    expect(parseParkedState(JSON.stringify(parked))).toEqual(parked);
    expect(parseParkedState('not json')).toBe('the body is not JSON');
    expect(parseParkedState(JSON.stringify({ hello: 'world' }))).toMatch(/not a parked saga state/);
  });

  it('starts from the parked compensation, record or publication, under a name and key of its own', () => {
    // Act
    const compensation = replayOf(parked, 'msg-1', 'chk_1');
    const record = replayOf({ ...parked, failedState: 'PublishCheckoutFailedUndelivered' }, 'msg-2', 'chk_1');

    // Assess
    expect(compensation.name).toBe('chk_1-replay-msg1');
    expect(JSON.parse(compensation.input)).toEqual({
      ...parked.state,
      replay: { from: 'CancelOrder', of: 'chk_1-replay-msg1' },
    });
    expect(JSON.parse(record.input).replay.from).toBe('PublishCheckoutFailed');
  });

  it('replays a state parked by a replay under the saga’s own name, not one that grows each round', () => {
    // Act
    const again = replayOf(parked, 'msg-9', 'chk_1-replay-msg1');

    // Assess
    expect(again.name).toBe('chk_1-replay-msg9');
  });

  it('waits for a replay of the message that exists already instead of failing (a run stopped before deleting it)', async () => {
    // Prepare
    parkedMessage();
    replayEndsWith([]);
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE, {
      sleep: async () => {},
    });

    // Assess
    expect(results[0]).toMatchObject({
      outcome: 'FINISHED',
      replayArn: `${SAGA.replace(':chk_1', '')}:chk_1-replay-msg1`,
    });
  });

  it('reports a message it could not replay, and goes on', async () => {
    // Prepare
    parkedMessage();
    sfn.on(DescribeExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE);

    // Assess
    expect(results[0]).toMatchObject({ outcome: 'NOT_REPLAYABLE', problem: 'Error: Rate exceeded' });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('replays each message with the saga’s state machine and deletes it once the replay finished', async () => {
    // Prepare
    parkedMessage();
    replayEndsWith([
      {
        id: 1,
        type: 'TaskScheduled',
        timestamp: new Date(),
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          region: 'us-east-1',
          parameters: '{}',
        },
      },
    ]);

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE, {
      sleep: async () => {},
    });

    // Assess
    expect(results).toEqual([
      expect.objectContaining({ messageId: 'msg-1', failedState: 'CancelOrderFailed', outcome: 'FINISHED' }),
    ]);
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toMatchObject({ stateMachineArn: MACHINE, name: 'chk_1-replay-msg1' });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE,
      ReceiptHandle: 'rh-1',
    });
  });

  it('reports a replay that parked something again (its own message replaces this one)', async () => {
    // Prepare
    parkedMessage();
    replayEndsWith([
      {
        id: 1,
        type: 'TaskScheduled',
        timestamp: new Date(),
        taskScheduledEventDetails: {
          resourceType: 'sqs',
          resource: 'sendMessage',
          region: 'us-east-1',
          parameters: '{}',
        },
      },
    ]);

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE, {
      sleep: async () => {},
    });

    // Assess
    expect(results[0]?.outcome).toBe('PARKED_AGAIN');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });

  it('stops at a state its own replay parked again, and makes it visible for the next call', async () => {
    // Prepare: the replay of msg-1 parks a new message, which the next receive returns.
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'msg-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(parked) }] })
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'msg-2',
            ReceiptHandle: 'rh-2',
            // The ARN StartExecution answered for the replay of msg-1.
            Body: JSON.stringify({ ...parked, executionArn: `${SAGA}:chk_1-replay-msg1` }),
          },
        ],
      })
      .resolves({ Messages: [] });
    replayEndsWith([
      {
        id: 1,
        type: 'TaskScheduled',
        timestamp: new Date(),
        taskScheduledEventDetails: {
          resourceType: 'sqs',
          resource: 'sendMessage',
          region: 'us-east-1',
          parameters: '{}',
        },
      },
    ]);

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE, {
      sleep: async () => {},
    });

    // Assess
    expect(results.map((result) => result.outcome)).toEqual(['PARKED_AGAIN']);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toMatchObject({
      ReceiptHandle: 'rh-2',
      VisibilityTimeout: 0,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('leaves a message that is not a parked state for an operator', async () => {
    // Prepare
    parkedMessage({ something: 'else' });

    // Act
    const results = await replayParkedStates({ sqs: sqs as never, sfn: sfn as never }, QUEUE);

    // Assess
    expect(results[0]?.outcome).toBe('NOT_REPLAYABLE');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});
