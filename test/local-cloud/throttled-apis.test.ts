import { describe, expect, it } from 'vitest';
import { AwsServiceError, callJsonApi, type JsonProtocolApi } from '../../local-cloud/aws-protocol.js';
import { countingThrottledCalls, ThrottledApiCounter } from '../../local-cloud/throttled-apis.js';

/** A Step Functions-shaped API whose DescribeExecution refuses an unknown execution, as the real one does. */
function fakeStepFunctionsApi(): JsonProtocolApi {
  return {
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    operations: {
      GetExecutionHistory: async () => ({ events: [] }),
      DescribeExecution: async (input) => {
        if (input.executionArn === 'unknown') throw new AwsServiceError('ExecutionDoesNotExist', 'no such execution');
        return { status: 'RUNNING' };
      },
      StartExecution: async () => ({ executionArn: 'arn' }),
    },
  };
}

describe('countingThrottledCalls', () => {
  it('counts the calls of the APIs AWS throttles at a low rate, refused ones too, and answers as the API does', async () => {
    // Prepare
    const counter = new ThrottledApiCounter();
    const api = countingThrottledCalls(fakeStepFunctionsApi(), 'states', counter);

    // Act
    const history = await callJsonApi(api, 'GetExecutionHistory', { executionArn: 'a' });
    await callJsonApi(api, 'GetExecutionHistory', { executionArn: 'a' });
    const described = await callJsonApi(api, 'DescribeExecution', { executionArn: 'a' });
    const refused = callJsonApi(api, 'DescribeExecution', { executionArn: 'unknown' });
    await callJsonApi(api, 'StartExecution', {});

    // Assess
    await expect(refused).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
    expect(history).toEqual({ events: [] });
    expect(described).toEqual({ status: 'RUNNING' });
    expect(counter.snapshot()).toEqual({ 'states:GetExecutionHistory': 2, 'states:DescribeExecution': 2 });
  });

  it('leaves the APIs of another service uncounted, although their operations share a name', async () => {
    // Prepare
    const counter = new ThrottledApiCounter();
    const api = countingThrottledCalls(fakeStepFunctionsApi(), 'swf', counter);

    // Act
    await callJsonApi(api, 'DescribeExecution', { executionArn: 'a' });

    // Assess
    expect(counter.snapshot()).toEqual({ 'states:GetExecutionHistory': 0, 'states:DescribeExecution': 0 });
  });
});
