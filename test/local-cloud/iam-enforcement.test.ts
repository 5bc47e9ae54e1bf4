/**
 * IAM enforced in the local cloud, on the synthesized app: a function's AWS calls are allowed exactly as far as its
 * role's policies reach, refused with AWS's error and message otherwise; and a grant removed from a stack makes the
 * scenario that needs it fail locally, with AccessDenied naming the action.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../functions/platform/dev-keys.js';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { bootLocalCloud, type LocalCloud } from '../../local-cloud/boot.js';
import { synthesizeApp } from '../../local-cloud/config.js';
import { functionAccessKeyId } from '../../local-cloud/iam/index.js';

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
          { EventBusName: cloud.output('EventBusName'), Source: 'iam.test', DetailType: 'Probe.v1', Detail: '{}' },
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

describe('a grant removed from a stack', () => {
  let broken: LocalCloud | undefined;
  let copy: string | undefined;
  const functionLines: string[] = [];

  afterAll(async () => {
    await broken?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('fails GET /products locally, with AccessDenied naming the action and the table', async () => {
    // Prepare: the assembly with ListProducts' read grant on the catalog table removed from its policy.
    copy = withoutCatalogReadOfListProducts(assemblyDirectory);
    broken = await bootLocalCloud({
      assemblyDirectory: copy,
      iam: true,
      log: () => {},
      functionLog: (line) => functionLines.push(line),
    });
    const token = await signDevToken({ sub: 'iam-test', roles: ['customer'], tenant: 't1' });

    // Act
    const response = await fetch(`${broken.apiUrl}products`, { headers: { Authorization: `Bearer ${token}` } });

    // Assess
    expect(response.status).toBe(500);
    const refusal = functionLines.find((line) => line.includes('AccessDeniedException'));
    expect(refusal).toMatch(/is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:[^ ]+:table\//);
  }, 120_000);
});

/**
 * A copy of the assembly (templates copied, bundles linked) in which ListProductsFn's policy no longer has the
 * statement that reads the catalog table: what deleting `reads: ['catalog']` from its command would synthesize.
 */
function withoutCatalogReadOfListProducts(source: string): string {
  const target = mkdtempSync(join(tmpdir(), 'iam-assembly-'));
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('asset.')) symlinkSync(join(source, entry), join(target, entry));
    else cpSync(join(source, entry), join(target, entry), { recursive: true });
  }
  const stage = join(target, 'assembly-Local');
  const checkout = readdirSync(stage).find((file) => /^LocalCheckout.*\.template\.json$/.test(file));
  if (!checkout) throw new Error('No Checkout template in the assembly');
  const file = join(stage, checkout);
  const template = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { PolicyDocument: { Statement: unknown[] } } }>;
  };
  const [, policy] =
    Object.entries(template.Resources).find(
      ([id, resource]) => resource.Type === 'AWS::IAM::Policy' && id.startsWith('ListProductsFn'),
    ) ?? [];
  if (!policy) throw new Error('No policy of ListProductsFn in the Checkout template');
  const statements = policy.Properties.PolicyDocument.Statement;
  policy.Properties.PolicyDocument.Statement = statements.filter(
    (statement) => !JSON.stringify(statement).includes('CatalogTable'),
  );
  expect(policy.Properties.PolicyDocument.Statement.length).toBe(statements.length - 1);
  writeFileSync(file, JSON.stringify(template));
  return target;
}
