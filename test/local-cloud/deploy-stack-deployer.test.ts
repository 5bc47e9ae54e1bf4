// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings carry CloudFormation ${...} placeholders
import { describe, expect, it } from 'vitest';
import type { CloudFormationTemplate, StackArtifact } from '../../local-cloud/assembly/cloud-assembly.js';
import { UnsupportedIntrinsicError } from '../../local-cloud/assembly/intrinsics.js';
import { physicalName } from '../../local-cloud/deploy/physical-names.js';
import {
  deploymentOrder,
  deployStack,
  type Provisioner,
  type ResourceToProvision,
  UnsupportedResourceError,
} from '../../local-cloud/deploy/stack-deployer.js';

function stackOf(stackName: string, template: Record<string, unknown>): StackArtifact {
  return {
    displayName: stackName.replace('-', '/'),
    stackName,
    template: template as unknown as CloudFormationTemplate,
    accountId: '000000000000',
    region: 'us-east-1',
    assetDirectoryByObjectKey: new Map(),
  };
}

/** Provisioners that record what they were asked to create, in order, and answer ARN-like identities. */
function recordingProvisioners() {
  const provisioned: ResourceToProvision[] = [];
  const recording = (supported: Provisioner['supported'], withoutEffect?: string[]): Provisioner => ({
    supported,
    withoutEffect,
    provision: async (resource) => {
      provisioned.push(resource);
      const name = String(resource.properties.QueueName ?? resource.properties.Name ?? resource.generatedName());
      return { ref: name, attributes: { Arn: `arn:aws:test:us-east-1:000000000000:${name}` } };
    },
  });
  const provisioners: Record<string, Provisioner> = {
    'Test::Queue': recording(['QueueName', 'DeadLetterArn', 'Tags'], ['KmsMasterKeyId']),
    'Test::Function': recording(['Name', 'Environment']),
    'Test::Anything': recording('checked-by-service'),
    'Test::Failing': {
      supported: [],
      provision: async () => {
        throw new Error('the emulator refused it');
      },
    },
  };
  return { provisioned, provisioners, order: () => provisioned.map((resource) => resource.logicalId) };
}

describe('deployStack', () => {
  it('provisions each resource after those it references, with its properties resolved', async () => {
    // Prepare
    const { provisioners, provisioned, order } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Resources: {
        Worker: {
          Type: 'Test::Function',
          Properties: { Name: 'worker', Environment: { QUEUE_ARN: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
        },
        Queue: {
          Type: 'Test::Queue',
          Properties: { QueueName: 'orders', DeadLetterArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } },
        },
        DeadLetters: { Type: 'Test::Queue', Properties: { QueueName: 'orders-dlq' } },
      },
      Outputs: { WorkerName: { Value: { Ref: 'Worker' } } },
    });

    // Act
    const deployed = await deployStack(stack, provisioners, new Map());

    // Assess
    expect(order()).toEqual(['DeadLetters', 'Queue', 'Worker']);
    expect(provisioned[2]?.properties).toEqual({
      Name: 'worker',
      Environment: { QUEUE_ARN: 'arn:aws:test:us-east-1:000000000000:orders' },
    });
    expect(deployed.outputs).toEqual({ WorkerName: 'worker' });
    expect(deployed.resources.get('Queue')).toEqual({
      ref: 'orders',
      attributes: { Arn: 'arn:aws:test:us-east-1:000000000000:orders' },
      type: 'Test::Queue',
    });
  });

  it('hands provisioners a deterministic generated name and the stack', async () => {
    // Prepare
    const { provisioners, provisioned } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', { Resources: { Queue: { Type: 'Test::Queue' } } });

    // Act
    const deployed = await deployStack(stack, provisioners, new Map());

    // Assess
    expect(provisioned[0]?.stack).toBe(stack);
    expect(provisioned[0]?.generatedName(80)).toBe(physicalName('Local-Checkout', 'Queue', 80));
    expect(deployed.resources.get('Queue')?.ref).toBe(physicalName('Local-Checkout', 'Queue'));
  });

  it('refuses a resource type without a provisioner, naming the stack, the resource and the type', async () => {
    // Prepare
    const { provisioners, order } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Resources: { Queue: { Type: 'Test::Queue' }, Uploads: { Type: 'AWS::S3::Bucket', Properties: {} } },
    });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedResourceError);
    await expect(attempt).rejects.toThrow(
      'Local/Checkout Uploads (AWS::S3::Bucket): resource type AWS::S3::Bucket is not supported by the local cloud',
    );
    expect(order()).toEqual(['Queue']);
  });

  it('refuses properties the provisioner does not know, and accepts those without effect', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const accepted = stackOf('Local-A', {
      Resources: { Queue: { Type: 'Test::Queue', Properties: { QueueName: 'q', KmsMasterKeyId: 'alias/x' } } },
    });
    const refused = stackOf('Local-B', {
      Resources: {
        Queue: { Type: 'Test::Queue', Properties: { QueueName: 'q', FifoQueue: true, Delay: { Ref: 'AWS::NoValue' } } },
      },
    });
    const refusedTwice = stackOf('Local-C', {
      Resources: { Queue: { Type: 'Test::Queue', Properties: { FifoQueue: true, DelaySeconds: 5 } } },
    });

    // Act
    const deployed = await deployStack(accepted, provisioners, new Map());
    const attempt = deployStack(refused, provisioners, new Map());
    const attemptTwice = deployStack(refusedTwice, provisioners, new Map());

    // Assess: a property removed by AWS::NoValue is not there to refuse
    expect(deployed.resources.get('Queue')?.ref).toBe('q');
    await expect(attempt).rejects.toThrow('Local/B Queue (Test::Queue): property FifoQueue not supported');
    await expect(attemptTwice).rejects.toThrow('Local/C Queue (Test::Queue): properties FifoQueue, DelaySeconds not');
  });

  it('leaves property checks to the service when the provisioner says so', async () => {
    // Prepare
    const { provisioners, provisioned } = recordingProvisioners();
    const stack = stackOf('Local-Api', {
      Resources: { Api: { Type: 'Test::Anything', Properties: { Name: 'api', Whatever: { Nested: 1 } } } },
    });

    // Act
    await deployStack(stack, provisioners, new Map());

    // Assess
    expect(provisioned[0]?.properties).toEqual({ Name: 'api', Whatever: { Nested: 1 } });
  });

  it('names the stack, the resource and the type when a provisioner fails', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', { Resources: { Broken: { Type: 'Test::Failing' } } });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedResourceError);
    await expect(attempt).rejects.toThrow('Local/Checkout Broken (Test::Failing): the emulator refused it');
  });

  it('names the resource and its type when one of its intrinsics is not supported', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Resources: {
        Worker: {
          Type: 'Test::Function',
          Properties: { Name: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: {} } } },
        },
      },
    });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedIntrinsicError);
    await expect(attempt).rejects.toThrow(
      'Local/Checkout Worker (Test::Function): Local-Checkout Name: Fn::Transform is not supported by the local cloud',
    );
  });

  it('refuses a template section it does not know, such as Transform', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', { Transform: 'AWS::Serverless-2016-10-31', Resources: {} });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toThrow('Local-Checkout: template section Transform is not supported');
  });
});

describe('deployStack: exports, conditions and parameters', () => {
  it('imports the export of a stack deployed earlier through the shared exports map', async () => {
    // Prepare
    const { provisioners, provisioned } = recordingProvisioners();
    const exports = new Map<string, string>();
    const platform = stackOf('Local-Platform', {
      Resources: { Bus: { Type: 'Test::Anything', Properties: { Name: 'bus' } } },
      Outputs: {
        ExportsOutputBusArn: {
          Value: { 'Fn::GetAtt': ['Bus', 'Arn'] },
          Export: { Name: { 'Fn::Sub': '${AWS::StackName}:BusArn' } },
        },
      },
    });
    const checkout = stackOf('Local-Checkout', {
      Resources: {
        Worker: {
          Type: 'Test::Function',
          Properties: { Name: 'worker', Environment: { BUS: { 'Fn::ImportValue': 'Local-Platform:BusArn' } } },
        },
      },
    });

    // Act
    await deployStack(platform, provisioners, exports);
    await deployStack(checkout, provisioners, exports);

    // Assess
    expect(Object.fromEntries(exports)).toEqual({
      'Local-Platform:BusArn': 'arn:aws:test:us-east-1:000000000000:bus',
    });
    expect(provisioned[1]?.properties.Environment).toEqual({ BUS: 'arn:aws:test:us-east-1:000000000000:bus' });
  });

  it('refuses an import no earlier stack exports', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Resources: {
        Worker: { Type: 'Test::Function', Properties: { Name: { 'Fn::ImportValue': 'Local-Platform:Missing' } } },
      },
    });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toThrow(/Fn::ImportValue names unknown export Local-Platform:Missing/);
  });

  it('skips resources and outputs whose condition is false, and uses Fn::If in properties', async () => {
    // Prepare
    const { provisioners, provisioned, order } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Parameters: { Environment: { Type: 'String', Default: 'local' } },
      Conditions: {
        IsProduction: { 'Fn::Equals': [{ Ref: 'Environment' }, 'production'] },
        IsLocal: { 'Fn::Not': [{ Condition: 'IsProduction' }] },
      },
      Resources: {
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Condition: 'IsProduction' },
        LocalQueue: { Type: 'Test::Queue', Condition: 'IsLocal', Properties: { QueueName: 'local-orders' } },
        Worker: {
          Type: 'Test::Function',
          Properties: {
            Name: { 'Fn::If': ['IsProduction', 'prod-worker', 'local-worker'] },
            Environment: {
              'Fn::If': ['IsLocal', { Variables: { MODE: { Ref: 'Environment' } } }, { Ref: 'AWS::NoValue' }],
            },
          },
        },
      },
      Outputs: {
        AlarmName: { Condition: 'IsProduction', Value: { Ref: 'Alarm' } },
        QueueName: { Condition: 'IsLocal', Value: { Ref: 'LocalQueue' } },
      },
    });

    // Act
    const deployed = await deployStack(stack, provisioners, new Map());

    // Assess: the unsupported alarm type is never looked at, since its condition is false
    expect(order()).toEqual(['LocalQueue', 'Worker']);
    expect(provisioned[1]?.properties).toEqual({ Name: 'local-worker', Environment: { Variables: { MODE: 'local' } } });
    expect(deployed.outputs).toEqual({ QueueName: 'local-orders' });
  });

  it('refuses a resource whose condition is not defined', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', { Resources: { Queue: { Type: 'Test::Queue', Condition: 'Nope' } } });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toThrow('Local-Checkout: unknown condition Nope');
  });

  it('answers the BootstrapVersion parameter CDK reads from SSM, and ignores the Rules that check it', async () => {
    // Prepare: shape copied from a synthesized template
    const { provisioners, provisioned } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', {
      Parameters: {
        BootstrapVersion: {
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: '/cdk-bootstrap/hnb659fds/version',
          Description: 'Version of the CDK Bootstrap resources in this environment. [cdk:skip]',
        },
      },
      Rules: {
        CheckBootstrapVersion: {
          Assertions: [
            {
              Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }] },
              AssertDescription: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap'.",
            },
          ],
        },
      },
      Resources: {
        Worker: { Type: 'Test::Function', Properties: { Name: { 'Fn::Sub': 'bootstrap-${BootstrapVersion}' } } },
      },
    });

    // Act
    await deployStack(stack, provisioners, new Map());

    // Assess: a version above 5, so the template's own rule would pass
    expect(provisioned[0]?.properties.Name).toBe('bootstrap-30');
  });

  it('refuses a parameter without a default, since nothing can supply it locally', async () => {
    // Prepare
    const { provisioners } = recordingProvisioners();
    const stack = stackOf('Local-Checkout', { Parameters: { Environment: { Type: 'String' } }, Resources: {} });

    // Act
    const attempt = deployStack(stack, provisioners, new Map());

    // Assess
    await expect(attempt).rejects.toThrow('Local-Checkout: parameter Environment has no default');
  });
});

describe('deploymentOrder', () => {
  it('follows DependsOn given as a string and as a list', () => {
    // Prepare
    const stack = stackOf('Local-Checkout', {
      Resources: {
        Stage: { Type: 'Test::Anything', DependsOn: ['Deployment', 'Method'] },
        Deployment: { Type: 'Test::Anything', DependsOn: 'Method' },
        Method: { Type: 'Test::Anything' },
      },
    });

    // Act
    const order = deploymentOrder(stack);

    // Assess
    expect(order).toEqual(['Method', 'Deployment', 'Stage']);
  });

  it('follows references through Fn::Sub, Ref and both forms of Fn::GetAtt', () => {
    // Prepare
    const stack = stackOf('Local-Checkout', {
      Resources: {
        StateMachine: {
          Type: 'Test::Anything',
          Properties: { DefinitionString: { 'Fn::Sub': '{"Resource":"${Reserve.Arn}","Table":"${Table}"}' } },
        },
        Reserve: { Type: 'Test::Anything', Properties: { Role: { 'Fn::GetAtt': 'Role.Arn' } } },
        Table: { Type: 'Test::Anything', Properties: { Key: { Ref: 'Key' } } },
        Role: { Type: 'Test::Anything' },
        Key: { Type: 'Test::Anything', Properties: { Region: { Ref: 'AWS::Region' } } },
      },
    });

    // Act
    const order = deploymentOrder(stack);

    // Assess
    expect(order.indexOf('Role')).toBeLessThan(order.indexOf('Reserve'));
    expect(order.indexOf('Key')).toBeLessThan(order.indexOf('Table'));
    expect(order.indexOf('Reserve')).toBeLessThan(order.indexOf('StateMachine'));
    expect(order.indexOf('Table')).toBeLessThan(order.indexOf('StateMachine'));
    expect([...order].sort()).toEqual(['Key', 'Reserve', 'Role', 'StateMachine', 'Table']);
  });

  it('ignores references to parameters and to names that are not resources', () => {
    // Prepare
    const stack = stackOf('Local-Checkout', {
      Parameters: { Environment: { Type: 'String', Default: 'local' } },
      Resources: {
        Queue: {
          Type: 'Test::Anything',
          Properties: { Name: { 'Fn::Sub': ['${Environment}-${Queue}', { Queue: 'orders' }] } },
        },
      },
    });

    // Act
    const order = deploymentOrder(stack);

    // Assess: the Fn::Sub variable named like the resource is no self-reference
    expect(order).toEqual(['Queue']);
  });

  it('refuses a cycle', () => {
    // Prepare
    const stack = stackOf('Local-Checkout', {
      Resources: {
        Function: { Type: 'Test::Anything', Properties: { Queue: { Ref: 'Queue' } } },
        Queue: { Type: 'Test::Anything', Properties: { Policy: { 'Fn::Sub': '${Policy}' } } },
        Policy: { Type: 'Test::Anything', DependsOn: 'Function' },
      },
    });

    // Act
    const attempt = () => deploymentOrder(stack);

    // Assess
    expect(attempt).toThrow(UnsupportedResourceError);
    expect(attempt).toThrow('Local-Checkout: circular reference at Function');
  });
});
