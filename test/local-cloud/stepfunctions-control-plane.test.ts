/**
 * The runtime control plane (CreateStateMachine, UpdateStateMachine, DeleteStateMachine, ValidateStateMachineDefinition)
 * through the unchanged SFN client, beside a machine registered as the template's are.
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidName,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDeleting,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local-cloud/aws-protocol.js';
import { LocalIam } from '../../local-cloud/iam/index.js';
import type { InvokeFunctionResult, TaskIntegrations } from '../../local-cloud/stepfunctions/index.js';
import type { TaskCall } from '../../local-cloud/stepfunctions/types.js';
import {
  eventually,
  FakeIntegrations,
  functionArn,
  type Harness,
  startHarness,
  stateMachine,
} from './stepfunctions-harness.js';

const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/RuntimeMachineRole`;

/** Says whether `$.amount` is large, and how. */
function choiceDefinition(largeLabel: string): string {
  return JSON.stringify({
    StartAt: 'Classify',
    States: {
      Classify: {
        Type: 'Choice',
        Choices: [{ Variable: '$.amount', NumericGreaterThan: 100, Next: 'Large' }],
        Default: 'Small',
      },
      Large: { Type: 'Pass', Result: { size: largeLabel }, ResultPath: '$.classified', End: true },
      Small: { Type: 'Pass', Result: { size: 'small' }, ResultPath: '$.classified', End: true },
    },
  });
}

const JSONATA_DEFINITION = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Step',
  States: { Step: { Type: 'Pass', Output: '{% 1 %}', End: true } },
});

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(integrations: TaskIntegrations = new FakeIntegrations()): Promise<Harness> {
  harness = await startHarness(integrations);
  return harness;
}

async function runToEnd(h: Harness, stateMachineArn: string, input: unknown): Promise<DescribeExecutionCommandOutput> {
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await h.service.whenIdle();
  return h.client.send(new DescribeExecutionCommand({ executionArn }));
}

describe('CreateStateMachine', () => {
  it('creates a machine that DescribeStateMachine shows and StartExecution runs', async () => {
    const h = await start();
    const created = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    expect(created.stateMachineArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Classifier`);
    expect(created.creationDate).toBeInstanceOf(Date);

    const described = await h.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(described).toMatchObject({ name: 'Classifier', type: 'STANDARD', status: 'ACTIVE', roleArn: ROLE });
    expect(JSON.parse(described.definition ?? '')).toEqual(JSON.parse(choiceDefinition('large')));

    const execution = await runToEnd(h, created.stateMachineArn as string, { amount: 250 });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({ amount: 250, classified: { size: 'large' } });
  });

  it('is idempotent for the same definition and refuses another one under the same name', async () => {
    const h = await start();
    const first = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    const again = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    expect(again).toMatchObject({ stateMachineArn: first.stateMachineArn, creationDate: first.creationDate });
    // A different role is ignored by the idempotency check, and not applied, as on AWS.
    const otherRole = await h.client.send(
      new CreateStateMachineCommand({
        name: 'Classifier',
        definition: choiceDefinition('large'),
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Other`,
      }),
    );
    expect(otherRole.stateMachineArn).toBe(first.stateMachineArn);
    const described = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    expect(described.roleArn).toBe(ROLE);

    await expect(
      h.client.send(
        new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('huge'), roleArn: ROLE }),
      ),
    ).rejects.toBeInstanceOf(StateMachineAlreadyExists);
  });

  it('refuses with InvalidDefinition what boot refuses, with the reason', async () => {
    const h = await start();
    const unsupported = h.client.send(
      new CreateStateMachineCommand({ name: 'Jsonata', definition: JSONATA_DEFINITION, roleArn: ROLE }),
    );
    await expect(unsupported).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(unsupported).rejects.toThrow(/QueryLanguage 'JSONata' is not supported by the local cloud/);

    const noStart = h.client.send(
      new CreateStateMachineCommand({
        name: 'NoStart',
        definition: JSON.stringify({ States: { A: { Type: 'Pass', End: true } } }),
        roleArn: ROLE,
      }),
    );
    await expect(noStart).rejects.toBeInstanceOf(InvalidDefinition);

    const notJson = h.client.send(new CreateStateMachineCommand({ name: 'NotJson', definition: '{', roleArn: ROLE }));
    await expect(notJson).rejects.toThrow(/INVALID_JSON_DESCRIPTION/);

    // Nothing was registered by the refused calls.
    await expect(
      h.client.send(
        new DescribeStateMachineCommand({
          stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Jsonata`,
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('refuses an invalid name and a role ARN that is no role', async () => {
    const h = await start();
    await expect(
      h.client.send(
        new CreateStateMachineCommand({ name: 'has space', definition: choiceDefinition('large'), roleArn: ROLE }),
      ),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'BadRole',
          definition: choiceDefinition('large'),
          roleArn: `arn:aws:iam::${ACCOUNT}:user/someone`,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArn);
  });
});

describe('UpdateStateMachine', () => {
  it('gives the next execution the new definition and keeps the creation date', async () => {
    const h = await start();
    const { stateMachineArn, creationDate } = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    const before = await runToEnd(h, stateMachineArn as string, { amount: 500 });
    expect(JSON.parse(before.output ?? '')).toMatchObject({ classified: { size: 'large' } });

    const updated = await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn, definition: choiceDefinition('huge') }),
    );
    expect(updated.updateDate).toBeInstanceOf(Date);

    const after = await runToEnd(h, stateMachineArn as string, { amount: 500 });
    expect(JSON.parse(after.output ?? '')).toMatchObject({ classified: { size: 'huge' } });
    const described = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(JSON.parse(described.definition ?? '')).toEqual(JSON.parse(choiceDefinition('huge')));
    expect(described.creationDate).toEqual(creationDate);
  });

  it('updates a machine registered from the template too', async () => {
    const h = await start();
    const template = stateMachine('FromTemplate', JSON.parse(choiceDefinition('large')));
    h.service.addStateMachine(template);
    await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: template.arn, definition: choiceDefinition('xl') }),
    );
    const execution = await runToEnd(h, template.arn, { amount: 101 });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({ classified: { size: 'xl' } });
  });

  it('answers StateMachineDoesNotExist for an unknown machine and InvalidDefinition for a bad definition', async () => {
    const h = await start();
    await expect(
      h.client.send(
        new UpdateStateMachineCommand({
          stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Nowhere`,
          definition: choiceDefinition('large'),
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);

    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    await expect(
      h.client.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSONATA_DEFINITION })),
    ).rejects.toBeInstanceOf(InvalidDefinition);
    // The refused update left the machine as it was.
    const execution = await runToEnd(h, stateMachineArn as string, { amount: 101 });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({ classified: { size: 'large' } });
  });
});

describe('ValidateStateMachineDefinition', () => {
  it('answers OK for a good definition and FAIL with a diagnostic for a refused one', async () => {
    const h = await start();
    const good = await h.client.send(
      new ValidateStateMachineDefinitionCommand({ definition: choiceDefinition('large') }),
    );
    expect(good).toMatchObject({ result: 'OK', diagnostics: [], truncated: false });

    const refused = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: JSONATA_DEFINITION }));
    expect(refused.result).toBe('FAIL');
    expect(refused.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        code: 'UNSUPPORTED_FEATURE',
        message: expect.stringMatching(/JSONata/),
      }),
    ]);

    const notJson = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: '{"StartAt":' }));
    expect(notJson.result).toBe('FAIL');
    expect(notJson.diagnostics?.[0]).toMatchObject({ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' });
  });
});

describe('DeleteStateMachine', () => {
  it('lets running executions finish, refuses new ones meanwhile, then removes the machine', async () => {
    let release: (result: InvokeFunctionResult) => void = () => {};
    const fake = new FakeIntegrations({
      slow: () => new Promise<InvokeFunctionResult>((resolve) => (release = resolve)),
    });
    const h = await start(fake);
    const definition = JSON.stringify({
      StartAt: 'Slow',
      States: { Slow: { Type: 'Task', Resource: functionArn('slow'), End: true } },
    });
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'Slow', definition, roleArn: ROLE }),
    );
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    await eventually(() => (fake.functionCalls.length > 0 ? true : undefined));

    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn }));
    const deleting = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(deleting.status).toBe('DELETING');
    await expect(h.client.send(new StartExecutionCommand({ stateMachineArn }))).rejects.toBeInstanceOf(
      StateMachineDeleting,
    );
    await expect(
      h.client.send(new CreateStateMachineCommand({ name: 'Slow', definition, roleArn: ROLE })),
    ).rejects.toBeInstanceOf(StateMachineDeleting);

    release({ payload: { done: true } });
    await h.service.whenIdle();
    const execution = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({ done: true });
    await expect(h.client.send(new DescribeStateMachineCommand({ stateMachineArn }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
  });

  it('removes an idle machine at once, and a machine that does not exist is no error', async () => {
    const h = await start();
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('large'), roleArn: ROLE }),
    );
    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn }));
    await expect(h.client.send(new DescribeStateMachineCommand({ stateMachineArn }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
    await expect(h.client.send(new DeleteStateMachineCommand({ stateMachineArn }))).resolves.toBeDefined();
    // The name is free again.
    await expect(
      h.client.send(
        new CreateStateMachineCommand({ name: 'Classifier', definition: choiceDefinition('huge'), roleArn: ROLE }),
      ),
    ).resolves.toMatchObject({ stateMachineArn });
  });
});

describe('IAM of a runtime machine', () => {
  /** The integrations the local cloud builds: each Task call judged against the machine's role by the policy store. */
  function judgedIntegrations(): TaskIntegrations {
    const iam = new LocalIam({ region: 'us-east-1', account: ACCOUNT });
    iam.store.addRole('RuntimeMachineRole', {
      Policies: [
        {
          PolicyName: 'invoke',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn('greet') }],
          },
        },
      ],
    });
    const fake = new FakeIntegrations({ greet: () => ({ payload: 'hello' }) });
    return {
      invokeFunction: (arn, payload) => fake.invokeFunction(arn, payload),
      callService: (service, action, parameters) => fake.callService(service, action, parameters),
      async authorizeTask(roleArn: string, call: TaskCall) {
        const refusal = await iam.taskRefusal(roleArn, call);
        if (refusal) throw new AwsServiceError('AccessDeniedException', refusal, 403);
      },
    };
  }

  const greetDefinition = JSON.stringify({
    StartAt: 'Greet',
    States: { Greet: { Type: 'Task', Resource: functionArn('greet'), End: true } },
  });

  it('runs the Tasks its role allows, and refuses a role the deployment does not know', async () => {
    const h = await start(judgedIntegrations());
    const allowed = await h.client.send(
      new CreateStateMachineCommand({ name: 'Allowed', definition: greetDefinition, roleArn: ROLE }),
    );
    const ok = await runToEnd(h, allowed.stateMachineArn as string, {});
    expect(ok.status).toBe('SUCCEEDED');
    expect(JSON.parse(ok.output ?? '')).toBe('hello');

    const stranger = await h.client.send(
      new CreateStateMachineCommand({
        name: 'Stranger',
        definition: greetDefinition,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/NotInTheTemplate`,
      }),
    );
    const refused = await runToEnd(h, stranger.stateMachineArn as string, {});
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toMatch(/AccessDenied/);
    expect(refused.cause).toMatch(/NotInTheTemplate/);
  });
});
