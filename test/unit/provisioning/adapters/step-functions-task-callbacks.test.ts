/**
 * The node agent's side of the task token: an answer that does not match the worker contract is never sent (Step
 * Functions would take any JSON and the saga would carry it on), and Step Functions' refusals of a token that is no
 * longer waited on are answers, not failures.
 */
import {
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stepFunctionsTaskCallbacks } from '../../../../functions/provisioning/adapters/step-functions-task-callbacks.js';
import type { ProvisionedNode } from '../../../../shared/contracts/provisioning-worker.js';
import { ValidationError } from '../../../../shared/errors.js';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('stepFunctionsTaskCallbacks', () => {
  it.each([
    ['a node id with a path in it', { nodeId: '../../etc/passwd', ipAddress: '10.0.0.1' }, 'nodeId'],
    ['a node id with a NUL byte', { nodeId: 'node-1\u0000', ipAddress: '10.0.0.1' }, 'nodeId'],
    ['an address that is not IPv4', { nodeId: 'node-1', ipAddress: '10.0.0.999' }, 'ipAddress'],
    ['a destroy that did not destroy', { destroyed: false }, 'destroyed'],
    ['nothing at all', {}, ''],
  ])('refuses to send %s, without calling Step Functions', async (_what, output, path) => {
    // Act
    const sent = stepFunctionsTaskCallbacks().succeed('task-token-0001', output as ProvisionedNode);

    // Assess
    await expect(sent).rejects.toBeInstanceOf(ValidationError);
    await expect(sent).rejects.toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining(path) })]),
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('sends an answer that matches the contract, without any key the contract does not name', async () => {
    // Act
    const receipt = await stepFunctionsTaskCallbacks().succeed('task-token-0001', {
      nodeId: 'node-1',
      ipAddress: '10.1.2.3',
      extra: 'dropped',
    } as ProvisionedNode);

    // Assess
    expect(receipt).toBe('DELIVERED');
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: 'task-token-0001', output: JSON.stringify({ nodeId: 'node-1', ipAddress: '10.1.2.3' }) },
    ]);
  });

  it.each([
    new InvalidToken({ message: 'Invalid Token', $metadata: {} }),
    new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }),
    new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }),
  ])('answers TASK_GONE when Step Functions refuses the token with $name', async (refusal) => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(refusal);

    // Act
    const receipt = await stepFunctionsTaskCallbacks().succeed('task-token-0001', { destroyed: true });

    // Assess
    expect(receipt).toBe('TASK_GONE');
  });

  it('throws any other refusal, so the command is retried and, if it keeps failing, dead-lettered', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(new ValidationException({ message: 'taskToken too long', $metadata: {} }));

    // Act
    const sent = stepFunctionsTaskCallbacks().succeed('task-token-0001', { destroyed: true });

    // Assess
    await expect(sent).rejects.toBeInstanceOf(ValidationException);
  });
});
