/** What each AWS call needs of IAM: the action per resource it touches, as AWS authorizes it. */
import { describe, expect, it } from 'vitest';
import { accessKeyIdOf, functionAccessKeyId } from '../../local-cloud/iam/credentials.js';
import { iamEnabled } from '../../local-cloud/iam/index.js';
import { requiredPermissions } from '../../local-cloud/iam/required-permissions.js';

const PARTITION = {
  region: 'eu-west-1',
  account: '111111111111',
  stateMachineOfTaskToken: (token: string) =>
    token === 'open-token' ? 'arn:aws:states:eu-west-1:111111111111:stateMachine:Saga' : undefined,
};
const table = (name: string) => `arn:aws:dynamodb:eu-west-1:111111111111:table/${name}`;

describe('requiredPermissions', () => {
  it.each([
    ['GetItem', { TableName: 'Orders' }, [{ action: 'dynamodb:GetItem', resource: table('Orders') }]],
    [
      'Query',
      { TableName: 'Meters', IndexName: 'byProject' },
      [{ action: 'dynamodb:Query', resource: `${table('Meters')}/index/byProject` }],
    ],
    [
      'BatchGetItem',
      { RequestItems: { Catalog: {}, Carts: {} } },
      [
        { action: 'dynamodb:BatchGetItem', resource: table('Catalog') },
        { action: 'dynamodb:BatchGetItem', resource: table('Carts') },
      ],
    ],
    [
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'Orders' } },
          { Update: { TableName: 'Catalog' } },
          { Delete: { TableName: 'Carts' } },
          { ConditionCheck: { TableName: 'Resources' } },
        ],
      },
      [
        { action: 'dynamodb:PutItem', resource: table('Orders') },
        { action: 'dynamodb:UpdateItem', resource: table('Catalog') },
        { action: 'dynamodb:DeleteItem', resource: table('Carts') },
        { action: 'dynamodb:ConditionCheckItem', resource: table('Resources') },
      ],
    ],
    [
      'TransactGetItems',
      { TransactItems: [{ Get: { TableName: 'Orders' } }] },
      [{ action: 'dynamodb:GetItem', resource: table('Orders') }],
    ],
    // A table ARN in TableName is the resource itself (developerguide/rbac-iam-actions.html, table name overloading).
    [
      'GetItem (table ARN as TableName)',
      { TableName: table('Orders') },
      [{ action: 'dynamodb:GetItem', resource: table('Orders') }],
    ],
    [
      'Query (table ARN as TableName, on an index)',
      { TableName: table('Meters'), IndexName: 'byProject' },
      [{ action: 'dynamodb:Query', resource: `${table('Meters')}/index/byProject` }],
    ],
    [
      'BatchWriteItem (table ARN as RequestItems key)',
      { RequestItems: { [table('Catalog')]: [] } },
      [{ action: 'dynamodb:BatchWriteItem', resource: table('Catalog') }],
    ],
    [
      'TransactWriteItems (table ARN in an item)',
      { TransactItems: [{ Put: { TableName: table('Orders') } }] },
      [{ action: 'dynamodb:PutItem', resource: table('Orders') }],
    ],
  ])('DynamoDB %s', (label, input, expected) => {
    const operation = label.split(' ')[0];
    // Act
    const permissions = requiredPermissions(`DynamoDB_20120810.${operation}`, input, PARTITION);

    // Assess
    expect(permissions).toEqual(expected);
  });

  it.each([
    ['SendMessage', 'sqs:SendMessage'],
    ['SendMessageBatch', 'sqs:SendMessage'],
    ['DeleteMessageBatch', 'sqs:DeleteMessage'],
    ['ChangeMessageVisibilityBatch', 'sqs:ChangeMessageVisibility'],
    ['ReceiveMessage', 'sqs:ReceiveMessage'],
  ])('SQS %s needs %s on the queue named by its URL', (operation, action) => {
    // Act
    const permissions = requiredPermissions(
      `AmazonSQS.${operation}`,
      { QueueUrl: 'http://127.0.0.1:4566/111111111111/WorkerQueue' },
      PARTITION,
    );

    // Assess
    expect(permissions).toEqual([{ action, resource: 'arn:aws:sqs:eu-west-1:111111111111:WorkerQueue' }]);
  });

  it('SQS on a queue encrypted with a customer key needs the key too, through SQS', () => {
    // Prepare
    const key = 'arn:aws:kms:eu-west-1:111111111111:key/k-1';
    const partition = { ...PARTITION, keyOfQueue: (queue: string) => (queue.endsWith(':Encrypted') ? key : undefined) };
    const url = 'http://127.0.0.1:4566/111111111111/Encrypted';
    const viaSqs = { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' };

    // Act
    const send = requiredPermissions('AmazonSQS.SendMessage', { QueueUrl: url }, partition);
    const receive = requiredPermissions('AmazonSQS.ReceiveMessage', { QueueUrl: url }, partition);
    const plain = requiredPermissions('AmazonSQS.SendMessage', { QueueUrl: `${url}-not` }, partition);

    // Assess
    const queue = 'arn:aws:sqs:eu-west-1:111111111111:Encrypted';
    expect(send).toEqual([
      { action: 'sqs:SendMessage', resource: queue },
      { action: 'kms:GenerateDataKey', resource: key, context: viaSqs },
      { action: 'kms:Decrypt', resource: key, context: viaSqs },
    ]);
    expect(receive).toEqual([
      { action: 'sqs:ReceiveMessage', resource: queue },
      { action: 'kms:Decrypt', resource: key, context: viaSqs },
    ]);
    expect(plain).toHaveLength(1);
  });

  it('EventBridge PutEvents needs events:PutEvents per entry, on its bus, with its source and detail-type', () => {
    // Act
    const permissions = requiredPermissions(
      'AWSEvents.PutEvents',
      {
        Entries: [
          { EventBusName: 'bus', Source: 'sagastack.checkout', DetailType: 'OrderPlaced.v1' },
          { Source: 'sagastack.audit', DetailType: 'AuditEvent.v1' },
        ],
      },
      PARTITION,
    );

    // Assess
    expect(permissions).toEqual([
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/bus',
        context: { 'events:source': ['sagastack.checkout'], 'events:detail-type': ['OrderPlaced.v1'] },
      },
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
        context: { 'events:source': ['sagastack.audit'], 'events:detail-type': ['AuditEvent.v1'] },
      },
    ]);
  });

  it('Step Functions: executions by their ARN, task tokens by the state machine of their execution', () => {
    // Act
    const describe = requiredPermissions('AWSStepFunctions.DescribeExecution', { executionArn: 'arn:exec' }, PARTITION);
    const answer = requiredPermissions('AWSStepFunctions.SendTaskSuccess', { taskToken: 'open-token' }, PARTITION);
    const unknown = requiredPermissions('AWSStepFunctions.SendTaskSuccess', { taskToken: 'never-issued' }, PARTITION);

    // Assess
    expect(describe).toEqual([{ action: 'states:DescribeExecution', resource: 'arn:exec' }]);
    expect(answer).toEqual([
      { action: 'states:SendTaskSuccess', resource: 'arn:aws:states:eu-west-1:111111111111:stateMachine:Saga' },
    ]);
    expect(unknown).toEqual([]);
  });

  it('leaves a service it does not check to the service', () => {
    // Act
    const permissions = requiredPermissions('Logs_20140328.PutLogEvents', {}, PARTITION);

    // Assess
    expect(permissions).toBeUndefined();
  });
});

describe('function credentials', () => {
  it('gives each function a stable key of its own, which a SigV4 header names', () => {
    // Prepare
    const key = functionAccessKeyId('ReserveInventoryFn');
    const header = `AWS4-HMAC-SHA256 Credential=${key}/20261202/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00`;

    // Act
    const signer = accessKeyIdOf(header);

    // Assess
    expect(key).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(functionAccessKeyId('ReserveInventoryFn')).toBe(key);
    expect(functionAccessKeyId('ReleaseInventoryFn')).not.toBe(key);
    expect(signer).toBe(key);
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });

  it('turns IAM off only when asked: iam: false, or LOCAL_CLOUD_IAM=off', () => {
    // Prepare
    const saved = process.env.LOCAL_CLOUD_IAM;

    try {
      // Act
      delete process.env.LOCAL_CLOUD_IAM;
      const byDefault = iamEnabled(undefined);
      process.env.LOCAL_CLOUD_IAM = 'off';
      const offByEnvironment = iamEnabled(undefined);
      const optionWins = iamEnabled(true);
      process.env.LOCAL_CLOUD_IAM = 'maybe';

      // Assess
      expect(byDefault).toBe(true);
      expect(offByEnvironment).toBe(false);
      expect(optionWins).toBe(true);
      expect(() => iamEnabled(undefined)).toThrow("LOCAL_CLOUD_IAM must be 'on' or 'off', not 'maybe'");
    } finally {
      if (saved === undefined) delete process.env.LOCAL_CLOUD_IAM;
      else process.env.LOCAL_CLOUD_IAM = saved;
    }
  });
});
