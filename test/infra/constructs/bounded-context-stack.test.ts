/**
 * What `command(name, needs)` derives: the handler's entry and construct id, one variable and one least-privilege
 * grant per named table, the bus, the sagas and the queues; and the context's API handlers by name.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AppTable } from '../../../lib/constructs/app-table.js';
import { BoundedContextStack, type PlatformResources } from '../../../lib/constructs/bounded-context-stack.js';
import { appWithCdkJsonContext } from '../support/app.js';

// Tables replicate their encryption settings per region, so the stacks need one.
const ENV = { account: '111111111111', region: 'eu-west-1' };

class OrdersContext extends BoundedContextStack<'catalog' | 'carts' | 'workerFleet'> {
  constructor(scope: Construct, platform: PlatformResources) {
    super(scope, 'Orders', {
      env: ENV,
      service: 'orders',
      publishesAs: ['example.orders'],
      // The test borrows the checkout context's handler files, so that the entries it derives exist.
      code: 'checkout',
      platform,
      tables: {
        catalog: { partitionKey: 'sku' },
        carts: { partitionKey: 'cartId' },
        workerFleet: { partitionKey: 'slot', sortKey: 'lease' },
      },
    });
    const saga = new StateMachine(this, 'Saga', {
      definitionBody: DefinitionBody.fromChainable(new Pass(this, 'Start')),
    });
    this.command('GetCart', { on: 'api', description: 'GET /carts/{cartId}', reads: ['carts', 'catalog'] });
    this.command('ClearCart', {
      on: 'saga',
      description: 'Empties a cart',
      writes: ['carts'],
      appends: ['workerFleet'],
      publishes: true,
      starts: { CHECKOUT: saga },
      sendsTo: { WORKER: new Queue(this, 'Work') },
      environment: { WORKER_FLEET_SIZE: '4' },
    });
  }
}

function synthesize() {
  const app = appWithCdkJsonContext();
  const shared = new Stack(app, 'Shared', { env: ENV });
  const dataKey = new Key(shared, 'Key');
  const platform: PlatformResources = {
    eventBus: new EventBus(shared, 'Bus'),
    idempotencyTable: new AppTable(shared, 'Idempotency', { partitionKey: 'id', encryptionKey: dataKey }).table,
    dataKey,
    alarmTopic: new Topic(shared, 'Alarms'),
  };
  const context = new OrdersContext(app, platform);
  return { context, template: Template.fromStack(context) };
}

/** The actions the policy of `functionId`'s role allows, on every resource or on those whose ARN names `resource`. */
function actionsOf(template: Template, functionId: string, resource = ''): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${functionId}ServiceRole`) }] },
  });
  return Object.values(policies).flatMap((policy) =>
    policy.Properties.PolicyDocument.Statement.filter((statement: { Resource: unknown }) =>
      JSON.stringify(statement.Resource).includes(resource),
    ).flatMap((statement: { Action: string | string[] }) => [statement.Action].flat()),
  );
}

describe('BoundedContextStack', () => {
  it('builds each table from its spec, with its name as an output', () => {
    // Act
    const { template } = synthesize();

    // Assess
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 3);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'slot', KeyType: 'HASH' },
        { AttributeName: 'lease', KeyType: 'RANGE' },
      ],
    });
    expect(Object.keys(template.findOutputs('*'))).toEqual(
      expect.arrayContaining(['CatalogTableName', 'CartsTableName', 'WorkerFleetTableName']),
    );
  });

  it('derives the entry, id and service of a command, and lists API commands by name', () => {
    // Act
    const { context, template } = synthesize();

    // Assess
    expect([...context.apiHandlers.keys()]).toEqual(['GetCart']);
    expect(context.apiHandlers.get('GetCart')?.node.id).toBe('GetCartFn');
    expect(context.node.tryFindChild('ClearCartFn')).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'GET /carts/{cartId}',
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'orders' }) },
    });
  });

  it('binds a reading command to its tables and the idempotency table, and grants it no write to them', () => {
    // Act
    const { template } = synthesize();

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'GET /carts/{cartId}',
      Environment: {
        Variables: Match.objectLike({
          CARTS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^CartsTable') },
          CATALOG_TABLE_NAME: { Ref: Match.stringLikeRegexp('^CatalogTable') },
          IDEMPOTENCY_TABLE_NAME: Match.anyValue(),
        }),
      },
    });
    const onCarts = actionsOf(template, 'GetCartFn', 'CartsTable');
    expect(onCarts).toContain('dynamodb:GetItem');
    expect(onCarts).not.toContain('dynamodb:PutItem');
    expect(onCarts).not.toContain('dynamodb:UpdateItem');
    const actions = actionsOf(template, 'GetCartFn');
    expect(actions).not.toContain('events:PutEvents');
    expect(actions).not.toContain('states:StartExecution');
  });

  it('grants a writing command what it names: a table, an append-only table, the bus, a saga and a queue', () => {
    // Act
    const { template } = synthesize();

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Empties a cart',
      Environment: {
        Variables: Match.objectLike({
          CARTS_TABLE_NAME: Match.anyValue(),
          WORKER_FLEET_TABLE_NAME: Match.anyValue(),
          EVENT_BUS_NAME: Match.anyValue(),
          CHECKOUT_STATE_MACHINE_ARN: Match.anyValue(),
          WORKER_QUEUE_URL: Match.anyValue(),
          WORKER_FLEET_SIZE: '4',
        }),
      },
    });
    expect(actionsOf(template, 'ClearCartFn')).toEqual(
      expect.arrayContaining([
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
        'events:PutEvents',
        'states:StartExecution',
        'sqs:SendMessage',
      ]),
    );
    const onAppendOnly = actionsOf(template, 'ClearCartFn', 'WorkerFleetTable');
    expect(onAppendOnly).toContain('dynamodb:PutItem');
    expect(onAppendOnly).not.toContain('dynamodb:UpdateItem');
    expect(onAppendOnly).not.toContain('dynamodb:DeleteItem');
  });
});
