import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudFormationTemplate, StackArtifact } from '../../local-cloud/assembly/cloud-assembly.js';
import { dynamoDbProvisioners } from '../../local-cloud/deploy/provisioners/dynamodb.js';
import { eventBridgeProvisioners } from '../../local-cloud/deploy/provisioners/events.js';
import { type LambdaRegistry, lambdaProvisioners } from '../../local-cloud/deploy/provisioners/lambda.js';
import { passiveProvisioners } from '../../local-cloud/deploy/provisioners/passive.js';
import { deployStack, UnsupportedResourceError } from '../../local-cloud/deploy/stack-deployer.js';
import type { CreatedTable, LocalDynamoDb, TableProps } from '../../local-cloud/dynamodb/index.js';
import { LocalEventBridge } from '../../local-cloud/eventbridge/index.js';

const ASSET_KEY = `${'c'.repeat(64)}.zip`;
const ASSET_DIRECTORY = '/work/cdk.out/asset.cccc';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';

function stackOf(resources: Record<string, unknown>, region = 'us-east-1'): StackArtifact {
  return {
    displayName: 'Local/Checkout',
    stackName: 'Local-Checkout',
    template: { Resources: resources } as unknown as CloudFormationTemplate,
    accountId: '000000000000',
    region,
    assetDirectoryByObjectKey: new Map([[ASSET_KEY, ASSET_DIRECTORY]]),
  };
}

describe('events provisioner', () => {
  let events: LocalEventBridge;

  beforeEach(() => {
    events = new LocalEventBridge({ dispatcher: { deliver: async () => {} } });
  });

  afterEach(async () => {
    await events.close();
  });

  it('creates the bus and a rule on it with its targets translated', async () => {
    // Prepare
    const stack = stackOf({
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'sagastack-bus' } },
      OrderPlaced: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: 'Bus' },
          EventPattern: { source: ['com.sagastack.checkout'] },
          State: 'ENABLED',
          Targets: [
            {
              Id: 'Target0',
              Arn: QUEUE_ARN,
              RetryPolicy: { MaximumRetryAttempts: 2 },
              DeadLetterConfig: { Arn: `${QUEUE_ARN}-dlq` },
              InputPath: '$.detail',
            },
          ],
        },
      },
    });

    // Act
    const deployed = await deployStack(stack, eventBridgeProvisioners(events), new Map());

    // Assess
    const ruleName = String(deployed.resources.get('OrderPlaced')?.ref);
    expect(deployed.resources.get('Bus')?.attributes?.Arn).toBe(
      'arn:aws:events:us-east-1:000000000000:event-bus/sagastack-bus',
    );
    expect(deployed.resources.get('OrderPlaced')?.attributes?.Arn).toBe(
      `arn:aws:events:us-east-1:000000000000:rule/sagastack-bus/${ruleName}`,
    );
    expect(events.listTargetsByRule(ruleName, 'sagastack-bus')).toMatchObject([
      {
        id: 'Target0',
        arn: QUEUE_ARN,
        inputPath: '$.detail',
        retryPolicy: { maximumRetryAttempts: 2 },
        deadLetterArn: `${QUEUE_ARN}-dlq`,
      },
    ]);
  });

  it('refuses a target member it does not know instead of dropping it', async () => {
    // Prepare
    const stack = stackOf({
      Nightly: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(1 day)',
          Targets: [{ Id: 'Target0', Arn: QUEUE_ARN, EcsParameters: { TaskDefinitionArn: 'arn:task' } }],
        },
      },
    });

    // Act
    const attempt = deployStack(stack, eventBridgeProvisioners(events), new Map());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedResourceError);
    await expect(attempt).rejects.toThrow(
      'Local/Checkout Nightly (AWS::Events::Rule): rule target Target0: EcsParameters not supported',
    );
    expect(events.listRules()).toEqual([]);
  });
});

describe('lambda provisioner', () => {
  const registry = (): LambdaRegistry => ({ functions: [], eventSourceMappings: [] });
  const functionResource = (code: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Code: code, Handler: 'index.handler', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::role/x', ...extra },
  });

  it('registers a function whose code is a bundled asset of the cloud assembly', async () => {
    // Prepare
    const functions = registry();
    const stack = stackOf({
      Worker: functionResource(
        { S3Bucket: 'cdk-hnb659fds-assets-000000000000-us-east-1', S3Key: ASSET_KEY },
        { Environment: { Variables: { RETRIES: 3, MODE: 'local' } }, Timeout: 10, FunctionName: 'worker' },
      ),
    });

    // Act
    const deployed = await deployStack(stack, lambdaProvisioners(functions), new Map());

    // Assess
    expect(functions.functions).toEqual([
      expect.objectContaining({
        logicalId: 'Worker',
        name: 'worker',
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:worker',
        codeDirectory: ASSET_DIRECTORY,
        environment: { RETRIES: '3', MODE: 'local' },
        timeoutSeconds: 10,
        memorySizeMb: 128,
      }),
    ]);
    expect(deployed.resources.get('Worker')?.ref).toBe('worker');
  });

  it('refuses inline ZipFile code, and an asset missing from the cloud assembly', async () => {
    // Prepare
    const inline = stackOf({ Inline: functionResource({ ZipFile: 'exports.handler = async () => 1;' }) });
    const missing = stackOf({ Stale: functionResource({ S3Bucket: 'b', S3Key: 'gone.zip' }) });

    // Act
    const inlineAttempt = deployStack(inline, lambdaProvisioners(registry()), new Map());
    const missingAttempt = deployStack(missing, lambdaProvisioners(registry()), new Map());

    // Assess
    await expect(inlineAttempt).rejects.toThrow(
      'Local/Checkout Inline (AWS::Lambda::Function): only bundled assets are supported as Code (no ZipFile or image)',
    );
    await expect(missingAttempt).rejects.toThrow(/asset gone\.zip is not in the cloud assembly; synthesize again/);
  });

  it('registers an SQS event source mapping with Lambda defaults', async () => {
    // Prepare
    const functions = registry();
    const stack = stackOf({
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: QUEUE_ARN,
          FunctionName: 'worker',
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    });

    // Act
    await deployStack(stack, lambdaProvisioners(functions), new Map());

    // Assess
    expect(functions.eventSourceMappings).toEqual([
      {
        eventSourceArn: QUEUE_ARN,
        functionName: 'worker',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        maximumConcurrency: undefined,
        enabled: true,
      },
    ]);
  });

  it('refuses an event source that is not an SQS queue', async () => {
    // Prepare
    const functions = registry();
    const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2024-01-01T00:00:00.000';
    const stack = stackOf({
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: streamArn, FunctionName: 'worker', StartingPosition: 'LATEST' },
      },
    });
    const withoutStartingPosition = stackOf({
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: streamArn, FunctionName: 'worker' },
      },
    });

    // Act
    const attempt = deployStack(stack, lambdaProvisioners(functions), new Map());
    const attemptWithoutStartingPosition = deployStack(
      withoutStartingPosition,
      lambdaProvisioners(functions),
      new Map(),
    );

    // Assess: the stream-only property is refused first; without it, the source itself is refused
    await expect(attempt).rejects.toThrow('property StartingPosition not supported');
    await expect(attemptWithoutStartingPosition).rejects.toThrow(
      `Local/Checkout Mapping (AWS::Lambda::EventSourceMapping): event sources other than SQS are not supported (${streamArn})`,
    );
    expect(functions.eventSourceMappings).toEqual([]);
  });
});

describe('lambda async invocation config', () => {
  it('gives the function its retries and failure destination, and refuses on-success destinations', async () => {
    // Prepare
    const functions: LambdaRegistry = { functions: [], eventSourceMappings: [] };
    const worker = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'assets', S3Key: ASSET_KEY },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        FunctionName: 'billing',
      },
    };
    const config = (destinations: Record<string, unknown>) => ({
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'Billing' },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        DestinationConfig: destinations,
      },
    });

    // Act
    await deployStack(
      stackOf({ Billing: worker, BillingConfig: config({ OnFailure: { Destination: QUEUE_ARN } }) }),
      lambdaProvisioners(functions),
      new Map(),
    );
    const onSuccess = deployStack(
      stackOf({ Billing: worker, BillingConfig: config({ OnSuccess: { Destination: QUEUE_ARN } }) }),
      lambdaProvisioners({ functions: [], eventSourceMappings: [] }),
      new Map(),
    );

    // Assess
    expect(functions.functions[0]?.asyncConfig).toEqual({
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: undefined,
      onFailureDestinationArn: QUEUE_ARN,
    });
    await expect(onSuccess).rejects.toThrow(/on-success destinations are not supported/);
  });
});

describe('dynamodb GlobalTable provisioner', () => {
  /** Records the tables it is asked to create; the local DynamoDB itself is tested on its own. */
  function recordingDynamoDb() {
    const created: Array<{ name: string; props: TableProps }> = [];
    const dynamodb = {
      createTable: async (name: string, props: TableProps): Promise<CreatedTable> => {
        created.push({ name, props });
        return {
          tableName: name,
          tableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
          reused: false,
          acceptedWithoutEffect: [],
        };
      },
    } as unknown as LocalDynamoDb;
    return { created, dynamodb };
  }
  const globalTable = (replicas: unknown[]) => ({
    Type: 'AWS::DynamoDB::GlobalTable',
    Properties: {
      TableName: 'orders',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: replicas,
    },
  });

  it('creates an ordinary table from a single replica in the stack region', async () => {
    // Prepare
    const { created, dynamodb } = recordingDynamoDb();
    const stack = stackOf({
      Orders: globalTable([
        {
          Region: 'us-east-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          GlobalSecondaryIndexes: [{ IndexName: 'byStatus', ContributorInsightsSpecification: { Enabled: false } }],
        },
      ]),
    });

    // Act
    const deployed = await deployStack(stack, dynamoDbProvisioners(dynamodb), new Map());

    // Assess
    expect(created).toEqual([
      {
        name: 'orders',
        props: {
          TableName: 'orders',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      },
    ]);
    expect(deployed.resources.get('Orders')).toMatchObject({
      ref: 'orders',
      attributes: { Arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders' },
    });
  });

  it('refuses more than one replica, which would be a global table', async () => {
    // Prepare
    const { created, dynamodb } = recordingDynamoDb();
    const stack = stackOf({ Orders: globalTable([{ Region: 'us-east-1' }, { Region: 'eu-west-1' }]) });

    // Act
    const attempt = deployStack(stack, dynamoDbProvisioners(dynamodb), new Map());

    // Assess
    await expect(attempt).rejects.toThrow(
      'Local/Checkout Orders (AWS::DynamoDB::GlobalTable): a global table with replicas in us-east-1, eu-west-1 is not emulated; only one replica in us-east-1',
    );
    expect(created).toEqual([]);
  });

  it('refuses a single replica in another region than the stack', async () => {
    // Prepare
    const { created, dynamodb } = recordingDynamoDb();
    const stack = stackOf({ Orders: globalTable([{ Region: 'eu-west-1' }]) });

    // Act
    const attempt = deployStack(stack, dynamoDbProvisioners(dynamodb), new Map());

    // Assess
    await expect(attempt).rejects.toThrow(/replicas in eu-west-1 is not emulated; only one replica in us-east-1/);
    expect(created).toEqual([]);
  });
});

describe('passive provisioners', () => {
  it('give IAM roles an ARN so that references to them resolve, without enforcing anything', async () => {
    // Prepare
    const stack = stackOf({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Statement: [] }, RoleName: 'worker-role' },
      },
    });

    // Act
    const deployed = await deployStack(stack, passiveProvisioners, new Map());

    // Assess
    expect(deployed.resources.get('Role')?.attributes?.Arn).toBe('arn:aws:iam::000000000000:role/worker-role');
  });

  it('still refuse a property outside their list', async () => {
    // Prepare
    const stack = stackOf({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: { FieldIndexPolicies: [] } } });

    // Act
    const attempt = deployStack(stack, passiveProvisioners, new Map());

    // Assess
    await expect(attempt).rejects.toThrow(
      'Local/Checkout Logs (AWS::Logs::LogGroup): property FieldIndexPolicies not supported',
    );
  });

  it('accept a WAF web ACL and its association without effect, so that a stage with a WAF still boots', async () => {
    // Prepare
    const stack = stackOf({
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Name: 'api-acl',
          Scope: 'REGIONAL',
          DefaultAction: { Allow: {} },
          VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'api-acl' },
          AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } },
          CustomResponseBodies: { TooLarge: { ContentType: 'APPLICATION_JSON', Content: '{}' } },
          Rules: [
            {
              Name: 'AWS-AWSManagedRulesCommonRuleSet',
              Priority: 0,
              OverrideAction: { None: {} },
              Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
              VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'crs' },
            },
          ],
        },
      },
      Association: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: {
          ResourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/local',
          WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] },
        },
      },
    });

    // Act
    const deployed = await deployStack(stack, passiveProvisioners, new Map());

    // Assess
    expect(deployed.resources.get('Acl')?.attributes?.Arn).toMatch(
      /^arn:aws:wafv2:us-east-1:000000000000:regional\/webacl\/api-acl\/[0-9a-f-]{36}$/,
    );
    expect(deployed.resources.get('Acl')?.ref).toMatch(/^api-acl\|[0-9a-f-]{36}\|REGIONAL$/);
    expect(deployed.resources.get('Association')?.type).toBe('AWS::WAFv2::WebACLAssociation');
  });
});
