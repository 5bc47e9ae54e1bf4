import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLocalCloud } from '../../local-cloud/boot.js';

const STACK_ID = 'TinyStackB3A1C2D4';
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 1));

/**
 * Writes the smallest cloud assembly `cdk synth` could have produced for the stage `Tiny` with one stack `Tiny/Stack`
 * (CloudFormation name `Tiny-Stack`), in the shape of cdk.out: a root manifest pointing at the nested assembly, whose
 * own manifest lists the stack and its asset manifest.
 */
function writeTinyAssembly(root: string, resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) {
  const stageDirectory = join(root, 'assembly-Tiny');
  mkdirSync(stageDirectory, { recursive: true });
  writeJson(join(root, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      'assembly-Tiny': {
        type: 'cdk:cloud-assembly',
        properties: { directoryName: 'assembly-Tiny', displayName: 'Tiny' },
      },
    },
  });
  writeJson(join(stageDirectory, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      [`${STACK_ID}.assets`]: {
        type: 'cdk:asset-manifest',
        properties: { file: `${STACK_ID}.assets.json`, requiresBootstrapStackVersion: 6 },
      },
      [STACK_ID]: {
        type: 'aws:cloudformation:stack',
        environment: 'aws://000000000000/us-east-1',
        properties: {
          templateFile: `${STACK_ID}.template.json`,
          terminationProtection: false,
          validateOnSynth: false,
          requiresBootstrapStackVersion: 6,
          stackName: 'Tiny-Stack',
        },
        dependencies: [`${STACK_ID}.assets`],
        displayName: 'Tiny/Stack',
      },
    },
  });
  writeJson(join(stageDirectory, `${STACK_ID}.assets.json`), { version: '55.0.0', files: {}, dockerImages: {} });
  writeJson(join(stageDirectory, `${STACK_ID}.template.json`), {
    Resources: resources,
    Outputs: outputs,
    Parameters: {
      BootstrapVersion: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/cdk-bootstrap/hnb659fds/version',
        Description: 'Version of the CDK Bootstrap resources in this environment. [cdk:skip]',
      },
    },
  });
}

const ordersTable = (extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  },
  UpdateReplacePolicy: 'Delete',
  DeletionPolicy: 'Delete',
});

describe('bootLocalCloud refuses what it cannot emulate', () => {
  let assemblyDirectory: string;

  beforeEach(() => {
    assemblyDirectory = mkdtempSync(join(tmpdir(), 'tiny-assembly-'));
  });

  afterEach(() => {
    rmSync(assemblyDirectory, { recursive: true, force: true });
  });

  it('stops on an unsupported resource type, naming the stack, the logical id and the type', async () => {
    // Prepare
    writeTinyAssembly(assemblyDirectory, {
      Orders: ordersTable(),
      Uploads: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
    });

    // Act
    const boot = bootLocalCloud({ assemblyDirectory, stage: 'Tiny' });

    // Assess
    await expect(boot).rejects.toThrow(
      'Tiny/Stack Uploads (AWS::S3::Bucket): resource type AWS::S3::Bucket is not supported by the local cloud',
    );
  });

  it('stops on an unsupported property, naming the stack, the logical id, the type and the property', async () => {
    // Prepare
    writeTinyAssembly(assemblyDirectory, {
      Orders: ordersTable({ StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
    });

    // Act
    const boot = bootLocalCloud({ assemblyDirectory, stage: 'Tiny' });

    // Assess
    await expect(boot).rejects.toThrow(
      /^Tiny\/Stack Orders \(AWS::DynamoDB::Table\): .*StreamSpecification is not supported by the local cloud/,
    );
  });

  it('stops on an unsupported intrinsic, naming the stack, the logical id, the type and the intrinsic', async () => {
    // Prepare
    writeTinyAssembly(assemblyDirectory, {
      Orders: ordersTable({ TableName: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: {} } } }),
    });

    // Act
    const boot = bootLocalCloud({ assemblyDirectory, stage: 'Tiny' });

    // Assess
    await expect(boot).rejects.toThrow(
      'Tiny/Stack Orders (AWS::DynamoDB::Table): Tiny-Stack TableName: Fn::Transform is not supported by the local cloud',
    );
  });

  it('boots a table and reports the stack outputs', async () => {
    // Prepare
    writeTinyAssembly(
      assemblyDirectory,
      { Orders: ordersTable({ TableName: 'tiny-orders' }) },
      {
        OrdersTableName: { Value: { Ref: 'Orders' } },
        OrdersTableArn: { Value: { 'Fn::GetAtt': ['Orders', 'Arn'] } },
      },
    );

    // Act
    const cloud = await bootLocalCloud({ assemblyDirectory, stage: 'Tiny' });

    // Assess
    try {
      expect(cloud.outputs).toEqual({
        'Tiny-Stack': {
          OrdersTableName: 'tiny-orders',
          OrdersTableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/tiny-orders',
        },
      });
      expect(cloud.output('OrdersTableName')).toBe('tiny-orders');
      const dynamodb = new DynamoDBClient({
        endpoint: cloud.endpoint,
        region: cloud.region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'tiny-orders' }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      dynamodb.destroy();
    } finally {
      await cloud.stop();
    }
  });
});
