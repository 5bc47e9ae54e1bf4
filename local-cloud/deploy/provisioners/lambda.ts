/**
 * Lambda functions and SQS event source mappings. Functions are collected while stacks deploy and started together
 * afterwards (a worker pool needs the full list); mappings start polling once their function exists.
 */
import type { FunctionSpec } from '../../lambda/index.js';
import type { Provisioner, ResourceToProvision } from '../stack-deployer.js';

interface EventSourceMappingSpec {
  readonly eventSourceArn: string;
  readonly functionName: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency?: number;
  readonly enabled: boolean;
}

export interface LambdaRegistry {
  readonly functions: FunctionSpec[];
  readonly eventSourceMappings: EventSourceMappingSpec[];
}

export function lambdaProvisioners(registry: LambdaRegistry): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::Lambda::Function': {
      supported: [
        'Code',
        'Handler',
        'Runtime',
        'Environment',
        'Timeout',
        'MemorySize',
        'ReservedConcurrentExecutions',
        'FunctionName',
        'DeadLetterConfig',
        'Architectures',
        'Role',
      ],
      // Behaviour outside the local cloud's reach: tracing has no X-Ray daemon, logging config only routes logs, and
      // env encryption has no local effect.
      withoutEffect: ['TracingConfig', 'LoggingConfig', 'Description', 'KmsKeyArn', 'Tags', 'EphemeralStorage'],
      provision: async (resource) => {
        const spec = functionSpec(resource);
        registry.functions.push(spec);
        return { ref: spec.name, attributes: { Arn: spec.arn } };
      },
    },
    // Asynchronous invocation settings of a function deployed earlier: retries, event age and the failure destination.
    'AWS::Lambda::EventInvokeConfig': {
      supported: ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
      provision: async (resource) => {
        const props = resource.properties as {
          FunctionName: string;
          Qualifier: string;
          MaximumRetryAttempts?: number;
          MaximumEventAgeInSeconds?: number;
          DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
        };
        if (props.Qualifier !== '$LATEST')
          throw new Error(`only the $LATEST qualifier is supported (${props.Qualifier})`);
        if (props.DestinationConfig?.OnSuccess) throw new Error('on-success destinations are not supported');
        const index = registry.functions.findIndex((spec) => spec.name === props.FunctionName);
        const spec = registry.functions[index];
        if (!spec) throw new Error(`function ${props.FunctionName} is not part of this deployment`);
        registry.functions[index] = {
          ...spec,
          asyncConfig: {
            maximumRetryAttempts: props.MaximumRetryAttempts,
            maximumEventAgeInSeconds: props.MaximumEventAgeInSeconds,
            onFailureDestinationArn: props.DestinationConfig?.OnFailure?.Destination,
          },
        };
        return { ref: resource.generatedName() };
      },
    },
    'AWS::Lambda::EventSourceMapping': {
      supported: [
        'EventSourceArn',
        'FunctionName',
        'BatchSize',
        'MaximumBatchingWindowInSeconds',
        'FunctionResponseTypes',
        'ScalingConfig',
        'Enabled',
      ],
      provision: async (resource) => {
        const props = resource.properties as {
          EventSourceArn: string;
          FunctionName: string;
          BatchSize?: number;
          MaximumBatchingWindowInSeconds?: number;
          FunctionResponseTypes?: string[];
          ScalingConfig?: { MaximumConcurrency?: number };
          Enabled?: boolean;
        };
        if (!props.EventSourceArn.startsWith('arn:aws:sqs:')) {
          throw new Error(`event sources other than SQS are not supported (${props.EventSourceArn})`);
        }
        registry.eventSourceMappings.push({
          eventSourceArn: props.EventSourceArn,
          functionName: props.FunctionName,
          batchSize: props.BatchSize ?? 10,
          maximumBatchingWindowInSeconds: props.MaximumBatchingWindowInSeconds ?? 0,
          reportBatchItemFailures: (props.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          maximumConcurrency: props.ScalingConfig?.MaximumConcurrency,
          enabled: props.Enabled ?? true,
        });
        return { ref: resource.generatedName() };
      },
    },
  };
}

function functionSpec(resource: ResourceToProvision): FunctionSpec {
  const props = resource.properties as {
    Code: { S3Bucket?: string; S3Key?: string; ZipFile?: string };
    Handler: string;
    Runtime: string;
    Environment?: { Variables?: Record<string, unknown> };
    Timeout?: number;
    MemorySize?: number;
    ReservedConcurrentExecutions?: number;
    FunctionName?: string;
    DeadLetterConfig?: { TargetArn?: string };
    Architectures?: string[];
    Role?: string;
  };
  if (!props.Code.S3Key) throw new Error('only bundled assets are supported as Code (no ZipFile or image)');
  const codeDirectory = resource.stack.assetDirectoryByObjectKey.get(props.Code.S3Key);
  if (!codeDirectory) throw new Error(`asset ${props.Code.S3Key} is not in the cloud assembly; synthesize again`);
  const name = props.FunctionName ?? resource.generatedName(64);
  return {
    logicalId: resource.logicalId,
    name,
    arn: `arn:aws:lambda:${resource.stack.region}:${resource.stack.accountId}:function:${name}`,
    codeDirectory,
    handler: props.Handler,
    runtime: props.Runtime,
    roleArn: props.Role,
    environment: Object.fromEntries(
      Object.entries(props.Environment?.Variables ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    timeoutSeconds: props.Timeout ?? 3,
    memorySizeMb: props.MemorySize ?? 128,
    reservedConcurrency: props.ReservedConcurrentExecutions,
    architecture: props.Architectures?.[0],
    deadLetterTargetArn: props.DeadLetterConfig?.TargetArn,
  };
}
