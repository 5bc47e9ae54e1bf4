/**
 * IAM enforced in the local cloud, on the synthesized app: a function's AWS calls are allowed exactly as far as its
 * role's policies reach, refused with AWS's error and message otherwise; and a grant removed from a stack makes the
 * scenario that needs it fail locally, with AccessDenied naming the action.
 */
import { rmSync } from 'node:fs';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../functions/platform/dev-keys.js';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { bootLocalCloud, type LocalCloud } from '../../local-cloud/boot.js';
import { synthesizeApp } from '../../local-cloud/config.js';
import { functionAccessKeyId } from '../../local-cloud/iam/index.js';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { type Resources, withChangedTemplate } from './assembly-copy.js';

let cloud: LocalCloud;
let assemblyDirectory: string;

beforeAll(async () => {
  ({ assemblyDirectory } = await synthesizeApp(repositoryRoot));
  cloud = await bootLocalCloud({ assemblyDirectory, iam: true, log: () => {}, functionLog: () => {} });
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
});

/** SDK clients that sign as the function whose name the stack output `outputName` holds, or as an operator. */
function clientsOf(signer: { functionOutput: string } | 'operator') {
  const accessKeyId = signer === 'operator' ? 'local' : functionAccessKeyId(cloud.output(signer.functionOutput));
  const config = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId, secretAccessKey: 'local' },
  };
  return {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
    events: new EventBridgeClient(config),
    stepFunctions: new SFNClient(config),
  };
}

const reserveInventory = () => clientsOf({ functionOutput: 'ReserveInventoryFunctionName' });
const refundPayment = () => clientsOf({ functionOutput: 'RefundPaymentFunctionName' });
const denial = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('The call was allowed');
    },
    (error: Error) => error,
  );

describe('IAM in the local cloud', () => {
  it('allows what the role grants: ReserveInventory reads the catalog', async () => {
    // Act
    const answer = await reserveInventory().dynamodb.send(
      new GetItemCommand({ TableName: cloud.output('CatalogTableName'), Key: { sku: { S: 'SKU-KEYBOARD' } } }),
    );

    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
  });

  it('refuses what it does not grant, as AWS words it: ReserveInventory may not write the orders table', async () => {
    // Prepare
    const orders = cloud.output('OrdersTableName');

    // Act
    const error = await denial(
      reserveInventory().dynamodb.send(new PutItemCommand({ TableName: orders, Item: { orderId: { S: 'forged' } } })),
    );

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::\\d+:assumed-role/[^/]+/${cloud.output('ReserveInventoryFunctionName')} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:[^:]+:\\d+:table/${orders} because no identity-based policy allows the dynamodb:PutItem action$`,
      ),
    );
    const stored = await clientsOf('operator').dynamodb.send(
      new GetItemCommand({ TableName: orders, Key: { orderId: { S: 'forged' } } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('refuses a transaction of which one item is not granted, and writes none of it', async () => {
    // Prepare
    const catalog = cloud.output('CatalogTableName');

    // Act
    const error = await denial(
      reserveInventory().dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: catalog, Item: { sku: { S: 'SKU-FORGED' } } } },
            { Put: { TableName: cloud.output('PaymentsTableName'), Item: { pk: { S: 'p' }, sk: { S: 's' } } } },
          ],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('dynamodb:PutItem on resource: arn:aws:dynamodb:');
    const stored = await clientsOf('operator').dynamodb.send(
      new GetItemCommand({ TableName: catalog, Key: { sku: { S: 'SKU-FORGED' } } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('checks queues, the bus and state machines too', async () => {
    // Prepare
    const clients = reserveInventory();

    // Act
    const refusals = await Promise.all([
      denial(
        clients.sqs.send(
          new SendMessageCommand({ QueueUrl: cloud.output('NotificationsQueueUrl'), MessageBody: '{}' }),
        ),
      ),
      denial(
        clients.events.send(
          new PutEventsCommand({
            Entries: [{ EventBusName: cloud.output('EventBusName'), Source: 'x', DetailType: 'y', Detail: '{}' }],
          }),
        ),
      ),
      denial(
        clients.stepFunctions.send(
          new StartExecutionCommand({ stateMachineArn: cloud.output('CheckoutStateMachineArn'), input: '{}' }),
        ),
      ),
    ]);

    // Assess
    expect(refusals.map((error) => error.name)).toEqual([
      'AccessDeniedException',
      'AccessDeniedException',
      'AccessDeniedException',
    ]);
    expect(refusals.map((error) => /perform: (\S+)/.exec(error.message)?.[1])).toEqual([
      'sqs:SendMessage',
      'events:PutEvents',
      'states:StartExecution',
    ]);
  });

  it('allows a function that holds the grant: RefundPayment publishes on the bus', async () => {
    // Act
    const answer = await refundPayment().events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: cloud.output('EventBusName'),
            Source: EVENT_SOURCES.checkout,
            DetailType: 'Probe.v1',
            Detail: '{}',
          },
        ],
      }),
    );

    // Assess
    expect(answer.FailedEntryCount).toBe(0);
  });

  it("does not restrict a caller that is no function (the operator's CLI, tools, tests)", async () => {
    // Act
    const answer = await clientsOf('operator').dynamodb.send(
      new GetItemCommand({ TableName: cloud.output('OrdersTableName'), Key: { orderId: { S: 'none' } } }),
    );

    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
  });
});

describe('who may publish what', () => {
  const ALL_SOURCES = Object.values(EVENT_SOURCES);
  /** A detail-type no rule routes, so that an allowed probe reaches nobody. */
  const PROBE = 'SourceProbe.v1';
  /**
   * The source a function may publish under: its context's own. The one exception is the API's authorizer (service
   * `platform`, which has no source): it audits the use of service account tokens, under the identity context's source
   * (api-stack.ts).
   */
  const ownSource = (functionName: string, service: string | undefined) =>
    functionName.includes('AuthorizerFn')
      ? EVENT_SOURCES.identity
      : EVENT_SOURCES[service as keyof typeof EVENT_SOURCES];
  const publishers = () =>
    cloud.services.lambda.listFunctions().filter((fn) => fn.environment.EVENT_BUS_NAME !== undefined);

  it('lets every publishing function publish under its own context’s source, and refuses each other source', async () => {
    // Prepare
    const functions = publishers();
    const bus = cloud.output('EventBusName');

    // Act
    const answers = await Promise.all(
      functions.map(async (fn) => {
        const events = new EventBridgeClient({
          endpoint: cloud.endpoint,
          region: cloud.region,
          credentials: { accessKeyId: functionAccessKeyId(fn.name), secretAccessKey: 'local' },
        });
        const answer = await events.send(
          new PutEventsCommand({
            Entries: ALL_SOURCES.map((source) => ({
              EventBusName: bus,
              Source: source,
              DetailType: PROBE,
              Detail: '{}',
            })),
          }),
        );
        const own = ownSource(fn.name, fn.environment.POWERTOOLS_SERVICE_NAME);
        return { fn: fn.name, own, answer };
      }),
    );

    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(10);
    for (const { fn, own, answer } of answers) {
      const outcome = answer.Entries?.map((entry, index) => [
        ALL_SOURCES[index],
        entry.EventId ? 'OK' : entry.ErrorCode,
      ]);
      expect({ fn, outcome }).toEqual({
        fn,
        outcome: ALL_SOURCES.map((source) => [source, source === own ? 'OK' : 'NotAuthorizedForSourceException']),
      });
      expect(answer.FailedEntryCount).toBe(ALL_SOURCES.length - 1);
    }
  });

  it('keeps audit records out of reach of a context that does not audit: its AuditEvent is never appended', async () => {
    // Prepare: RefundPayment (checkout) may publish, but only as sagastack.checkout, which the trail does not accept.
    const srn = 'srn:sagastack:us-east-1:t-forged:prj_forged:vm/res_forged';
    const forged = {
      metadata: { correlationId: 'corr-forged-audit-1', occurredAt: '2026-12-02T00:00:00.000Z' },
      data: {
        eventId: 'forged-1',
        action: 'resource.delete',
        outcome: 'SUCCEEDED',
        srn,
        tenantId: 't-forged',
        actor: { system: 'saga' },
      },
    };
    const publish = (source: string) =>
      refundPayment().events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: cloud.output('EventBusName'),
              Source: source,
              DetailType: 'AuditEvent.v1',
              Detail: JSON.stringify(forged),
            },
          ],
        }),
      );

    // Act
    const asAudit = await publish(EVENT_SOURCES.audit);
    const asProvisioning = await publish(EVENT_SOURCES.provisioning);
    const asItself = await publish(EVENT_SOURCES.checkout);
    await cloud.whenIdle();
    const trail = await clientsOf('operator').dynamodb.send(
      new QueryCommand({
        TableName: cloud.output('AuditTableName'),
        KeyConditionExpression: 'srn = :srn',
        ExpressionAttributeValues: { ':srn': { S: srn } },
      }),
    );

    // Assess
    expect(asAudit.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    expect(asProvisioning.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    expect(asItself.FailedEntryCount).toBe(0);
    expect(trail.Items).toEqual([]);
  });

  it("fails a saga's publish under another context's source: its role may publish its own only", async () => {
    // Prepare: an operator replays the checkout saga's publish state with an outcome claiming the audit source.
    const stepFunctions = clientsOf('operator').stepFunctions;
    const replay = (name: string, source: string) =>
      stepFunctions.send(
        new StartExecutionCommand({
          stateMachineArn: cloud.output('CheckoutStateMachineArn'),
          name,
          input: JSON.stringify({
            replay: { from: 'PublishOrderPlaced' },
            successOutcome: { source, detailType: PROBE, detail: { probe: true } },
          }),
        }),
      );

    // Act
    const forged = await replay('chk_forged_source', EVENT_SOURCES.audit);
    const own = await replay('chk_own_source', EVENT_SOURCES.checkout);
    await cloud.whenIdle();
    const historyOf = async (executionArn: string | undefined) =>
      (await stepFunctions.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    const forgedHistory = await historyOf(forged.executionArn);
    const ownHistory = await historyOf(own.executionArn);

    // Assess
    const failure = forgedHistory.find((event) => event.type === 'TaskFailed')?.taskFailedEventDetails;
    expect(failure?.error).toBe('EventBridge.AccessDeniedException');
    expect(failure?.cause).toMatch(/StepFunctions is not authorized to perform: events:PutEvents/);
    expect(ownHistory.some((event) => event.type === 'TaskSucceeded')).toBe(true);
    expect(ownHistory.some((event) => event.type === 'TaskFailed')).toBe(false);
  });
});

describe('a grant removed from a stack', () => {
  const copies: string[] = [];
  const clouds: LocalCloud[] = [];

  afterAll(async () => {
    for (const started of clouds) await started.stop();
    for (const copy of copies) rmSync(copy, { recursive: true, force: true });
  });

  /** Boots the app from a copy of its assembly whose template of `stack` (Checkout by default) `change` edited. */
  async function bootWithChangedTemplate(
    change: (resources: Resources) => void,
    functionLog?: (line: string) => void,
    stack = 'Checkout',
  ) {
    const copy = withChangedTemplate(assemblyDirectory, stack, change);
    copies.push(copy);
    const started = await bootLocalCloud({ assemblyDirectory: copy, iam: true, log: () => {}, functionLog });
    clouds.push(started);
    return started;
  }

  it('fails GET /products locally, with AccessDenied naming the action and the table', async () => {
    // Prepare: ListProducts' policy without its statement that reads the catalog table.
    const functionLines: string[] = [];
    const broken = await bootWithChangedTemplate(
      (resources) => removeStatements(resources, 'AWS::IAM::Policy', 'ListProductsFn', 'CatalogTable'),
      (line) => functionLines.push(line),
    );
    const token = await signDevToken({ sub: 'iam-test', roles: ['customer'], tenant: 't1' });

    // Act
    const response = await fetch(`${broken.apiUrl}products`, { headers: { Authorization: `Bearer ${token}` } });

    // Assess
    expect(response.status).toBe(500);
    const refusal = functionLines.find((line) => line.includes('AccessDeniedException'));
    expect(refusal).toMatch(/is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:[^ ]+:table\//);
  }, 120_000);

  it("sends an event to the rule's dead-letter queue when the queue policy no longer lets EventBridge in", async () => {
    // Prepare: the notification queue's policy without the statement that lets events.amazonaws.com send.
    const broken = await bootWithChangedTemplate((resources) =>
      removeStatements(resources, 'AWS::SQS::QueuePolicy', 'NotificationQueuePolicy', 'events.amazonaws.com'),
    );
    const operator = new EventBridgeClient({
      endpoint: broken.endpoint,
      region: broken.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const sqs = new SQSClient({
      endpoint: broken.endpoint,
      region: broken.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      useQueueUrlAsEndpoint: false,
    });

    // Act
    await operator.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: broken.output('EventBusName'),
            Source: 'sagastack.checkout',
            DetailType: 'CheckoutFailed.v1',
            Detail: JSON.stringify({ checkoutId: 'chk_iam', customerId: 'c', reason: 'x' }),
          },
        ],
      }),
    );
    await broken.whenIdle();

    // Assess
    const undelivered = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: broken.output('UndeliveredEventsQueueUrl'),
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    const attributes = undelivered.Messages?.[0]?.MessageAttributes;
    expect(attributes?.ERROR_CODE?.StringValue).toBe('NO_PERMISSIONS');
    expect(attributes?.ERROR_MESSAGE?.StringValue).toContain(
      'events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:',
    );
  }, 120_000);

  it("answers 500 when a function's permission no longer lets the API invoke it, as API Gateway does", async () => {
    // Prepare: the Api stack without the two Lambda::Permissions of GET /products (its stage and the test stage).
    const broken = await bootWithChangedTemplate(
      (resources) => {
        const permissions = Object.entries(resources).filter(
          ([, resource]) =>
            resource.Type === 'AWS::Lambda::Permission' &&
            JSON.stringify(resource.Properties).includes('/GET/products"'),
        );
        expect(permissions).toHaveLength(2);
        for (const [id] of permissions) delete resources[id];
      },
      undefined,
      'Api',
    );
    const token = await signDevToken({ sub: 'iam-test', roles: ['customer'], tenant: 't1' });
    const get = (path: string) => fetch(`${broken.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });

    // Act
    const [products, product] = await Promise.all([get('products'), get('products/SKU-KEYBOARD')]);

    // Assess
    expect(products.status).toBe(500);
    expect(product.status).not.toBe(500);
  }, 120_000);

  it("fails a saga's task the state machine's role may not call, with the service's access error", async () => {
    // Prepare: the checkout saga's role no longer may invoke PriceCartFn.
    const broken = await bootWithChangedTemplate((resources) => {
      const [, policy] =
        Object.entries(resources).find(
          ([id, resource]) => resource.Type === 'AWS::IAM::Policy' && id.startsWith('CheckoutSagaStateMachineRole'),
        ) ?? [];
      if (!policy) throw new Error('No policy of the checkout saga role in the Checkout template');
      const { Statement: statements } = policy.Properties.PolicyDocument as {
        Statement: Array<{ Action: unknown; Resource: unknown[] }>;
      };
      const invoke = statements.find((statement) => statement.Action === 'lambda:InvokeFunction');
      if (!invoke) throw new Error('The checkout saga role has no lambda:InvokeFunction statement');
      invoke.Resource = invoke.Resource.filter((resource) => !JSON.stringify(resource).includes('PriceCartFn'));
    });
    const stepFunctions = new SFNClient({
      endpoint: broken.endpoint,
      region: broken.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    const { executionArn } = await stepFunctions.send(
      new StartExecutionCommand({
        stateMachineArn: broken.output('CheckoutStateMachineArn'),
        name: 'chk_iam_saga',
        input: JSON.stringify({
          checkoutId: 'chk_iam_saga',
          correlationId: 'corr-iam-saga-1',
          customerId: 'c1',
          tenantId: 't1',
          cartId: 'cart-iam',
          requestedAt: '2026-12-02T00:00:00.000Z',
        }),
      }),
    );
    // The task fails at once; the rest of the saga (its failure path) need not be waited for.
    let failed: { error?: string; cause?: string } | undefined;
    for (let poll = 0; poll < 100 && !failed; poll++) {
      const history = await stepFunctions.send(new GetExecutionHistoryCommand({ executionArn }));
      failed = history.events?.find((event) => event.type === 'LambdaFunctionFailed')?.lambdaFunctionFailedEventDetails;
      if (!failed) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assess
    expect(failed?.error).toBe('Lambda.AccessDeniedException');
    expect(failed?.cause).toMatch(
      /assumed-role\/[^/]+\/StepFunctions is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:[^ ]+PriceCartFn/,
    );
  }, 120_000);

  it("refuses a send to an encrypted queue when the sender's role may not use the queue's key", async () => {
    // Prepare: DispatchWorkerCommand keeps sqs:SendMessage on the worker queue, but loses its grant on the data key.
    const broken = await bootWithChangedTemplate(
      (resources) => removeStatements(resources, 'AWS::IAM::Policy', 'DispatchWorkerCommandFn', 'kms:'),
      undefined,
      'Provisioning',
    );
    const dispatcher = broken.services.lambda
      .listFunctions()
      .find((spec) => spec.name.includes('DispatchWorkerCommandFn'));
    const sqs = new SQSClient({
      endpoint: broken.endpoint,
      region: broken.region,
      credentials: { accessKeyId: functionAccessKeyId(String(dispatcher?.name)), secretAccessKey: 'local' },
      useQueueUrlAsEndpoint: false,
    });

    // Act
    const error = await denial(
      sqs.send(new SendMessageCommand({ QueueUrl: broken.output('WorkerQueueUrl'), MessageBody: '{}' })),
    );

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:[^ ]+:key\//,
    );
  }, 120_000);

  it("refuses to deploy a queue's consumer whose role cannot read the queue, as Lambda does", async () => {
    // Act
    const refusal = await bootWithChangedTemplate((resources) =>
      removeStatements(resources, 'AWS::IAM::Policy', 'NotifyCustomerFn', 'sqs:DeleteMessage'),
    ).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect(refusal?.message).toMatch(
      /Event source mapping of .*NotifyCustomerFn.* the provided execution role does not have permissions to call ReceiveMessage on SQS/,
    );
  }, 120_000);
});

/**
 * Removes from the resource of `type` whose logical id starts with `idPrefix` every policy statement that mentions
 * `mentioning`: what deleting a grant from the stack would synthesize.
 */
function removeStatements(resources: Resources, type: string, idPrefix: string, mentioning: string): void {
  const [, resource] =
    Object.entries(resources).find(([id, found]) => found.Type === type && id.startsWith(idPrefix)) ?? [];
  if (!resource) throw new Error(`No ${type} ${idPrefix}* in the Checkout template`);
  const document = resource.Properties.PolicyDocument as { Statement: unknown[] };
  const kept = document.Statement.filter((statement) => !JSON.stringify(statement).includes(mentioning));
  if (kept.length === document.Statement.length) throw new Error(`No statement of ${idPrefix} mentions ${mentioning}`);
  document.Statement = kept;
}
