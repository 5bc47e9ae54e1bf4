/**
 * The guarantees every stage must keep, asserted on the synthesized templates of dev, staging, prod and local:
 * async paths have DLQs, functions are traced and logged, saga steps retry and compensate, the API is guarded.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { DEAD_LETTER_QUEUE_TAG } from '../../lib/constructs/queue-with-dlq.js';
import { apiRoutes } from '../../shared/contracts/api-routes.js';
import { TRANSIENT_ERROR_NAMES } from '../../shared/errors.js';
import { compensationStatesOf } from '../../tools/saga-report.js';
import { allStates, resourcesOf, stateMachineDefinition, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const everyTemplate = app.allTemplates();

const isDeadLetterQueue = (properties: Record<string, any> | undefined) =>
  (properties?.Tags ?? []).some(
    (tag: { Key: string; Value: string }) =>
      tag.Key === DEAD_LETTER_QUEUE_TAG.key && tag.Value === DEAD_LETTER_QUEUE_TAG.value,
  );

describe('queues', () => {
  it.each(everyTemplate)('$stage/$stack: every queue that is not a DLQ has a redrive policy', ({ template }) => {
    // Prepare
    const queues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue'));

    // Act
    const withoutRedrive = queues
      .filter(([, queue]) => !isDeadLetterQueue(queue.Properties) && !queue.Properties?.RedrivePolicy)
      .map(([logicalId]) => logicalId);

    // Assess
    expect(withoutRedrive).toEqual([]);
  });

  it('every dead-letter queue raises an alarm as soon as it holds a message', () => {
    // Prepare
    const template = app.template('prod', 'Checkout');
    const deadLetterQueues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).filter(([, queue]) =>
      isDeadLetterQueue(queue.Properties),
    );
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));

    // Act
    const unalarmed = deadLetterQueues
      .filter(
        ([logicalId]) =>
          !alarms.some(
            (alarm) =>
              alarm.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
              alarm.Properties?.Threshold === 0 &&
              JSON.stringify(alarm.Properties?.Dimensions).includes(logicalId),
          ),
      )
      .map(([logicalId]) => logicalId);

    // Assess
    expect(deadLetterQueues.length).toBeGreaterThanOrEqual(4);
    expect(unalarmed).toEqual([]);
  });

  it.each(everyTemplate)(
    '$stage/$stack: queues are encrypted with the platform key and refuse plain HTTP',
    ({ template }) => {
      for (const queue of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) {
        expect(queue.Properties?.KmsMasterKeyId).toBeDefined();
      }
      for (const policy of Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'))) {
        expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('aws:SecureTransport');
      }
    },
  );

  it('every EventBridge rule target has a retry policy and a dead-letter queue', () => {
    const rules = Object.values(resourcesOf(app.template('prod', 'Checkout'), 'AWS::Events::Rule'));
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of rules) {
      for (const target of rule.Properties?.Targets ?? []) {
        expect(target.DeadLetterConfig?.Arn).toBeDefined();
        expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
      }
    }
  });

  it('every SQS consumer reports batch item failures and has a concurrency cap', () => {
    const mappings = Object.values(resourcesOf(app.template('prod', 'Checkout'), 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.length).toBe(2);
    for (const mapping of mappings) {
      expect(mapping.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties?.ScalingConfig?.MaximumConcurrency).toBeGreaterThan(0);
    }
  });
});

describe('functions', () => {
  it.each(everyTemplate)(
    '$stage/$stack: every function is traced, on nodejs22.x, ARM64, logging JSON to a retained log group',
    ({ template }) => {
      const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
      for (const [logicalId, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
        const properties = fn.Properties ?? {};
        expect(properties.TracingConfig, logicalId).toEqual({ Mode: 'Active' });
        expect(properties.Runtime, logicalId).toBe('nodejs22.x');
        expect(properties.Architectures, logicalId).toEqual(['arm64']);
        expect(properties.LoggingConfig?.LogFormat, logicalId).toBe('JSON');
        const logGroupId = properties.LoggingConfig?.LogGroup?.Ref as string;
        expect(logGroups[logGroupId]?.Properties?.RetentionInDays, logicalId).toBeGreaterThan(0);
        expect(properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME, logicalId).toBeDefined();
      }
    },
  );

  it('every checkout command handler is bound to the idempotency table', () => {
    const functions = Object.entries(resourcesOf(app.template('prod', 'Checkout'), 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(20);
    for (const [logicalId, fn] of functions) {
      expect(fn.Properties?.Environment?.Variables?.IDEMPOTENCY_TABLE_NAME, logicalId).toBeDefined();
    }
  });
});

describe('the checkout saga', () => {
  const template = app.template('prod', 'Checkout');
  const [machine] = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
  const definition = stateMachineDefinition(machine?.Properties?.DefinitionString);
  const tasks = allStates(definition).filter(([, state]) => state.Type === 'Task');

  it('is a Standard workflow with tracing and full logging', () => {
    expect(machine?.Properties?.StateMachineType).toBe('STANDARD');
    expect(machine?.Properties?.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine?.Properties?.LoggingConfiguration?.Level).toBe('ALL');
  });

  it('every Task has a Retry with full jitter and a Catch', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    for (const [name, state] of tasks) {
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      expect(generalRetrier(state)?.JitterStrategy, name).toBe('FULL');
      expect(state.Catch?.length, name).toBeGreaterThan(0);
    }
  });

  it('forward steps retry exactly the transient errors before they compensate', () => {
    for (const step of ['PriceCart', 'ReserveInventory', 'ProcessPayment', 'CreateOrder', 'ClearCart']) {
      const state = definition.States[step];
      expect(generalRetrier(state)?.ErrorEquals).toEqual([
        ...TRANSIENT_ERROR_NAMES.filter((name) => name !== 'IdempotencyAlreadyInProgressError'),
        'States.Timeout',
      ]);
      expect(state.Catch[0].ResultPath).toBe('$.failure');
    }
  });

  it('steps, compensations and outcome records wait out an earlier attempt still holding their idempotency record', () => {
    // Lambda tasks with payloadResponseOnly name the function itself; service integrations are `arn:…:states:::…`.
    const lambdaTasks = tasks.filter(([, state]) => !String(state.Resource).includes(':states:::'));
    expect(lambdaTasks.length).toBeGreaterThanOrEqual(10);
    for (const [step, state] of lambdaTasks) {
      const retry = state.Retry[0];
      expect(retry.ErrorEquals, step).toEqual(['IdempotencyAlreadyInProgressError']);
      const waits = Array.from({ length: retry.MaxAttempts }, (_, attempt) =>
        Math.min(retry.IntervalSeconds * retry.BackoffRate ** attempt, retry.MaxDelaySeconds),
      );
      // The record is released when the attempt holding it would have timed out.
      expect(retry.JitterStrategy ?? 'NONE', step).toBe('NONE');
      expect(
        waits.reduce((sum, wait) => sum + wait, 0),
        step,
      ).toBeGreaterThan(tuning.lambda.defaultTimeoutSeconds * 2);
    }
  });

  it('compensates in reverse order, starting with the failed step itself (it may have taken effect)', () => {
    const next = (name: string): string[] => {
      const chain: string[] = [];
      let current: string | undefined = name;
      while (current && chain.length < 20) {
        const state: { Type?: string; Next?: string; Default?: string } | undefined = definition.States[current];
        // The gate that ends an operator's replay: a saga (no `$.replay`) takes its default.
        if (state?.Type === 'Choice') current = state.Default;
        else if (state?.Type === 'Task') {
          chain.push(current);
          current = state.Next;
        } else break;
      }
      return chain;
    };
    const compensationOf = (step: string) => next(definition.States[step].Catch[0].Next);
    expect(compensationOf('PriceCart')).toEqual(['FailCheckout', 'PublishCheckoutFailed']);
    expect(compensationOf('ReserveInventory')).toEqual(['ReleaseInventory', 'FailCheckout', 'PublishCheckoutFailed']);
    expect(compensationOf('ProcessPayment')).toEqual([
      'RefundPayment',
      'ReleaseInventory',
      'FailCheckout',
      'PublishCheckoutFailed',
    ]);
    expect(compensationOf('CreateOrder')).toEqual([
      'CancelOrder',
      'RefundPayment',
      'ReleaseInventory',
      'FailCheckout',
      'PublishCheckoutFailed',
    ]);
    expect(compensationOf('ClearCart')).toEqual(compensationOf('CreateOrder'));
  });

  it('marks its compensations, and the states that park a failure, in their comments (for the saga report)', () => {
    expect([...compensationStatesOf(definition)].sort()).toEqual([
      'CancelOrder',
      'CancelOrderFailed',
      'FailCheckoutUndelivered',
      'PublishCheckoutFailedUndelivered',
      'PublishOrderPlacedUndelivered',
      'RefundPayment',
      'RefundPaymentFailed',
      'ReleaseInventory',
      'ReleaseInventoryFailed',
    ]);
  });

  it('starts at the first step, or, for an operator’s replay, at the parked compensation, record or publication', () => {
    const start = definition.States[definition.StartAt];
    expect(start.Type).toBe('Choice');
    expect(start.Default).toBe('PriceCart');
    const replayFrom = definition.States[start.Choices[0].Next];
    expect(replayFrom.Choices.map((choice: { StringEquals: string; Next: string }) => choice.Next).sort()).toEqual([
      'CancelOrder',
      'FailCheckout',
      'PublishCheckoutFailed',
      'PublishOrderPlaced',
      'RefundPayment',
      'ReleaseInventory',
    ]);
    // A replay of compensations stops before the outcome, which the first run recorded and announced.
    const gate = definition.States[definition.States.ReleaseInventory.Next];
    expect(gate.Type).toBe('Choice');
    expect(definition.States[gate.Choices[0].Next].Type).toBe('Succeed');
    expect(gate.Default).toBe('FailCheckout');
  });

  it('a compensation that keeps failing goes to the compensation DLQ and the chain goes on', () => {
    const release = definition.States.ReleaseInventory;
    const parked = definition.States[release.Catch[0].Next];
    expect(parked.Resource).toMatch(/:states:::sqs:sendMessage$/);
    expect(parked.Next).toBe(release.Next);
  });
});

describe('deprovision saga', () => {
  it('keeps the worker’s answer to destroy for ReleaseCapacity, which checks it before releasing anything', () => {
    // Prepare
    const [machine] = Object.entries(
      resourcesOf(app.template('prod', 'Provisioning'), 'AWS::StepFunctions::StateMachine'),
    )
      .filter(([logicalId]) => logicalId.startsWith('DeprovisionSaga'))
      .map(([, resource]) => stateMachineDefinition(resource.Properties?.DefinitionString));

    // Act
    const destroy = machine?.States.DestroyResource;

    // Assess
    expect(destroy?.ResultPath).toBe('$.destruction');
    expect(destroy?.Next).toBe('ReleaseCapacity');
  });
});

describe('every saga', () => {
  const machines = everyTemplate.flatMap(({ stage, stack, template }) =>
    Object.entries(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).map(([logicalId, machine]) => ({
      name: `${stage}/${stack}/${logicalId}`,
      definition: stateMachineDefinition(machine.Properties?.DefinitionString),
      definitionParts: (machine.Properties?.DefinitionString?.['Fn::Join']?.[1] ?? []) as unknown[],
      type: machine.Properties?.StateMachineType,
    })),
  );

  /** The logical ID of the function a Lambda task state invokes, read from the definition's Fn::Join. */
  const functionOf = (parts: unknown[], stateName: string): string | undefined => {
    const at = parts.findIndex((part) => typeof part === 'string' && part.includes(`"${stateName}":{`));
    const reference = parts.slice(at + 1).find((part) => typeof part !== 'string') as
      | { 'Fn::GetAtt'?: [string, string] }
      | undefined;
    return reference?.['Fn::GetAtt']?.[0];
  };

  it('there are three per stage: checkout, provision, deprovision', () => {
    expect(machines.length).toBe(3 * 4);
  });

  it.each(machines)(
    '$name: is Standard, and every Task has a Retry with full jitter and a Catch',
    ({ definition, type }) => {
      expect(type).toBe('STANDARD');
      const tasks = allStates(definition).filter(([, state]) => state.Type === 'Task');
      expect(tasks.length).toBeGreaterThan(5);
      for (const [name, state] of tasks) {
        expect(generalRetrier(state)?.JitterStrategy, name).toBe('FULL');
        expect(state.Catch?.length, name).toBeGreaterThan(0);
      }
    },
  );

  it('a failed deprovisioning is recorded by its own function, and a worker that died mid-destroy is replaced', () => {
    const deprovision = machines.find((machine) => machine.name.startsWith('prod/Provisioning/DeprovisionSaga'));
    // MarkFailedFn moves a resource from PROVISIONING or ACTIVE only: it would refuse a DEPROVISIONING one.
    expect(deprovision?.definition.States.MarkFailed).toBeUndefined();
    expect(functionOf(deprovision?.definitionParts ?? [], 'MarkDeprovisionFailed')).toMatch(/^MarkDeprovisionFailedFn/);
    const destroy = deprovision?.definition.States.DestroyResource;
    expect(generalRetrier(destroy)?.ErrorEquals).toContain('States.HeartbeatTimeout');
  });

  it('the provisioning worker answers with a task token and heartbeats; a silent one is replaced once, then compensated', () => {
    const provision = machines.find((machine) => machine.name.startsWith('prod/Provisioning/ProvisionSaga'));
    const dispatch = provision?.definition.States.DispatchToWorker;
    expect(dispatch.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(dispatch.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(dispatch.HeartbeatSeconds).toBeGreaterThan(0);
    expect(dispatch.TimeoutSeconds).toBeGreaterThan(dispatch.HeartbeatSeconds);
    expect(generalRetrier(dispatch)?.ErrorEquals).not.toContain('States.HeartbeatTimeout');
    const replaced = dispatch.Retry.filter((retrier: TaskState['Retry'][number]) =>
      retrier.ErrorEquals.includes('States.HeartbeatTimeout'),
    );
    expect(replaced).toEqual([expect.objectContaining({ ErrorEquals: ['States.HeartbeatTimeout'], MaxAttempts: 1 })]);
    expect(dispatch.Catch[0].Next).toBe('DestroyResource');
  });

  it('a worker command waits for a free worker slot in the saga, not in the queue, first of all its retriers', () => {
    for (const machine of machines.filter((each) => each.name.startsWith('prod/Provisioning/'))) {
      for (const [name, state] of Object.entries<TaskState>(machine.definition.States)) {
        if (!String(state.Resource ?? '').endsWith('.waitForTaskToken')) continue;
        expect(state.Retry[0]?.ErrorEquals, `${machine.name} ${name}`).toEqual(['WorkerFleetBusyError']);
        expect(state.Retry[0]?.JitterStrategy, `${machine.name} ${name}`).toBe('FULL');
      }
    }
  });
});

describe('the audit trail', () => {
  it('no principal of any stage may update or delete an audit record', () => {
    for (const { stage, template } of everyTemplate.filter(({ stack }) => stack === 'Audit')) {
      const [auditTableId] = Object.keys(resourcesOf(template, 'AWS::DynamoDB::GlobalTable'));
      const statementsOnAudit = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties?.PolicyDocument?.Statement ?? [])
        .filter((statement: { Resource: unknown }) =>
          JSON.stringify(statement.Resource).includes(auditTableId as string),
        );
      const actions = statementsOnAudit.flatMap((statement: { Action: string | string[] }) =>
        [statement.Action].flat(),
      );
      expect(actions, stage).toContain('dynamodb:PutItem');
      for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*']) {
        expect(actions, `${stage}: ${forbidden}`).not.toContain(forbidden);
      }
      expect(actions.some((action: string) => action.startsWith('dynamodb:PartiQL'))).toBe(false);
    }
  });
});

describe('the REST API', () => {
  const template = app.template('prod', 'Api');
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const logicalId = (resourceId as { Ref?: string }).Ref;
    const resource = logicalId ? resources[logicalId] : undefined;
    if (!resource) return '';
    return `${pathOf(resource.Properties?.ParentId)}/${resource.Properties?.PathPart}`;
  };
  const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).map((method) => ({
    path: pathOf(method.Properties?.ResourceId),
    httpMethod: method.Properties?.HttpMethod as string,
    authorization: method.Properties?.AuthorizationType as string,
  }));

  // Public on purpose: the health checks, and the token endpoint and key set of service accounts, whose clients
  // authenticate with their credentials (RFC 6749 §2.3.1) or need none (a public key set).
  const PUBLIC_ROUTES = new Set([
    'GET /health/live',
    'GET /health/ready',
    'POST /oauth/token',
    'GET /.well-known/jwks.json',
  ]);

  it('the authorizer guards every route but the health checks, the token endpoint and the key set', () => {
    expect(methods.length).toBe(apiRoutes.length);
    for (const method of methods) {
      const route = `${method.httpMethod} ${method.path}`;
      expect(method.authorization, route).toBe(PUBLIC_ROUTES.has(route) ? 'NONE' : 'CUSTOM');
    }
  });

  it('serves exactly the routes of the API contract (shared/contracts/api-routes.ts)', () => {
    const deployed = methods.map((method) => `${method.httpMethod} ${method.path}`).sort();
    const documented = apiRoutes.map((route) => `${route.method} ${route.path}`).sort();
    expect(deployed).toEqual(documented);
  });

  it('errors that never reach a Lambda use the project error envelope', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"error":\\{"code":"UNAUTHORIZED"') },
    });
  });

  it('the stage is throttled, traced and access-logged', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
      ]),
    });
  });
});

describe('data protection per stage', () => {
  it('prod retains data, with point-in-time recovery and deletion protection', () => {
    const tables = Object.values(resourcesOf(app.template('prod', 'Checkout'), 'AWS::DynamoDB::GlobalTable'));
    expect(tables.length).toBe(7);
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Retain');
      const [replica] = table.Properties?.Replicas ?? [];
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(replica.DeletionProtectionEnabled).toBe(true);
      expect(table.Properties?.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    }
  });

  it('dev destroys its data and does not pay for point-in-time recovery', () => {
    for (const table of Object.values(resourcesOf(app.template('dev', 'Checkout'), 'AWS::DynamoDB::GlobalTable'))) {
      expect(table.DeletionPolicy).toBe('Delete');
      const [replica] = table.Properties?.Replicas ?? [];
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
    }
  });

  it('the idempotency table expires records through TTL', () => {
    app.template('prod', 'Platform').hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('the event bus has a replayable archive', () => {
    app.template('prod', 'Platform').hasResourceProperties('AWS::Events::Archive', { RetentionDays: Match.anyValue() });
  });
});

/** The fields of a Task state these checks read. */
interface TaskState {
  readonly Resource?: string;
  readonly Retry: ReadonlyArray<{ ErrorEquals: string[]; JitterStrategy?: string }>;
}

/**
 * The retrier of everything but an idempotency record still in progress: the last one (a task may first have the
 * unjittered one for `IdempotencyAlreadyInProgressError`).
 */
function generalRetrier(state: TaskState): TaskState['Retry'][number] | undefined {
  return state.Retry.at(-1);
}
