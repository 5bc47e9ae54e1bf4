import { DescribeStateMachineCommand, ListStateMachinesCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidAslDefinitionError,
  type StateMachineConfig,
  UnsupportedAslFeatureError,
} from '../../local-cloud/stepfunctions/index.js';
import { FakeIntegrations, functionArn, type Harness, startHarness, stateMachine } from './stepfunctions-harness.js';

const lambdaTask = { Type: 'Task', Resource: functionArn('step'), End: true };

function singleState(state: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { StartAt: 'Step', States: { Step: state }, ...extra };
}

const inlineIterator = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } };

interface RefusedCase {
  feature: string;
  definition: Record<string, unknown>;
  type?: StateMachineConfig['type'];
  /** The state the refusal names; undefined for a machine-level feature. */
  stateName?: string;
}

const REFUSED_CASES: RefusedCase[] = [
  {
    feature: "QueryLanguage 'JSONata'",
    definition: singleState({ Type: 'Pass', End: true }, { QueryLanguage: 'JSONata' }),
    stateName: undefined,
  },
  { feature: 'Assign', definition: singleState({ Type: 'Pass', Assign: { total: 1 }, End: true }) },
  { feature: 'Arguments', definition: singleState({ ...lambdaTask, Arguments: { a: '{% $states.input %}' } }) },
  { feature: 'Output', definition: singleState({ Type: 'Pass', Output: '{% 1 %}', End: true }) },
  {
    feature: 'ItemReader (distributed Map)',
    definition: singleState({
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
      ItemProcessor: inlineIterator,
      End: true,
    }),
  },
  {
    feature: 'Mode DISTRIBUTED',
    definition: singleState({
      Type: 'Map',
      ItemProcessor: { ...inlineIterator, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      End: true,
    }),
  },
  {
    feature: "'.sync' integration 'arn:aws:states:::lambda:invoke.sync'",
    definition: singleState({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.sync',
      Parameters: { FunctionName: functionArn('step') },
      End: true,
    }),
  },
  {
    feature: "'.sync' in an EXPRESS state machine",
    type: 'EXPRESS',
    definition: singleState({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Child' },
      End: true,
    }),
  },
  {
    feature: "optimized integration 'arn:aws:states:::ecs:runTask'",
    definition: singleState({ Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask', End: true }),
  },
  {
    feature: 'activity resource',
    definition: singleState({
      Type: 'Task',
      Resource: 'arn:aws:states:us-east-1:000000000000:activity:approve',
      End: true,
    }),
  },
  {
    feature: "'.waitForTaskToken' in an EXPRESS state machine",
    type: 'EXPRESS',
    definition: singleState({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token' } },
      End: true,
    }),
  },
  {
    feature: 'the aws-sdk integration s3:getObject',
    definition: singleState({ Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', End: true }),
  },
];
const REFUSED = REFUSED_CASES.map((refused) => ({ stateName: 'Step', ...refused }));

describe('Step Functions definition checks at boot', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it.each(REFUSED)(
    'refuses $feature, naming the state and the feature',
    async ({ feature, definition, type, stateName }) => {
      // Prepare
      const integrations = new FakeIntegrations();
      Object.assign(integrations, { supportsService: (service: string) => service !== 's3' });
      const started = await startHarness(integrations);
      harness = started;
      const config = stateMachine('Refused', definition, type);

      // Act
      let refusal: unknown;
      try {
        started.service.addStateMachine(config);
      } catch (error) {
        refusal = error;
      }
      const lookup = await started.client
        .send(new DescribeStateMachineCommand({ stateMachineArn: config.arn }))
        .catch((error: unknown) => error);

      // Assess
      expect(refusal).toBeInstanceOf(UnsupportedAslFeatureError);
      const error = refusal as UnsupportedAslFeatureError;
      expect(error.feature).toContain(feature);
      expect(error.stateName).toBe(stateName);
      expect(error.message).toContain("State machine 'Refused'");
      expect(lookup).toBeInstanceOf(StateMachineDoesNotExist);
    },
  );

  it('rejects a definition that is not valid States Language', async () => {
    // Prepare
    harness = await startHarness(new FakeIntegrations());
    const config = stateMachine('Broken', { StartAt: 'Missing', States: { Step: { Type: 'Pass', Next: 'Nowhere' } } });

    // Act
    const act = () => harness?.service.addStateMachine(config);

    // Assess
    expect(act).toThrow(InvalidAslDefinitionError);
  });

  it('registers a JSONPath definition and describes it like AWS', async () => {
    // Prepare
    harness = await startHarness(new FakeIntegrations());
    const definition = singleState({ ...lambdaTask, QueryLanguage: 'JSONPath' });
    const config = { ...stateMachine('Accepted', definition), roleArn: 'arn:aws:iam::000000000000:role/saga' };

    // Act
    harness.service.addStateMachine(config);
    const described = await harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: config.arn }));
    const listed = await harness.client.send(new ListStateMachinesCommand({}));

    // Assess
    expect(described).toMatchObject({ name: 'Accepted', type: 'STANDARD', status: 'ACTIVE', roleArn: config.roleArn });
    expect(JSON.parse(described.definition ?? '')).toEqual(definition);
    expect(described.creationDate).toBeInstanceOf(Date);
    expect(listed.stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([config.arn]);
  });

  it('accepts states named Branches and Iterator, as AWS does (the validator took them for the fields)', async () => {
    // Prepare
    harness = await startHarness(new FakeIntegrations());
    const definition = {
      StartAt: 'Branches',
      States: { Branches: { Type: 'Pass', Next: 'Iterator' }, Iterator: { Type: 'Pass', End: true } },
    };

    // Act
    harness.service.addStateMachine(stateMachine('NamedLikeFields', definition));
    const described = await harness.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: stateMachine('NamedLikeFields', definition).arn }),
    );

    // Assess
    expect(described.status).toBe('ACTIVE');
  });
});
