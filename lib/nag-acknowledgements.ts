/**
 * cdk-nag acknowledgements that follow from how CDK grants work, each with its reason.
 *
 * cdk-nag 3 needs every IAM wildcard finding acknowledged by its exact id (`AwsSolutions-IAM5[Resource::...]`).
 * Instead of copying generated ids by hand, this asks cdk-nag's own rules for the findings of each policy and
 * acknowledges only those matching a reviewed pattern below. Any other wildcard still fails the synth.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

interface KnownFinding {
  readonly pattern: RegExp;
  readonly reason: string;
}

const KNOWN_WILDCARDS: readonly KnownFinding[] = [
  {
    pattern: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/,
    reason:
      'grantInvoke covers the function and its versions/aliases (`<arn>:*`), so Step Functions can invoke a qualified ARN.',
  },
  {
    pattern: /^Resource::<[A-Za-z0-9]+\.Arn>\/index\/\*$/,
    reason: 'Table grants include the table indexes (`/index/*`), needed to Query a GSI.',
  },
  {
    // The partition is a literal where the stack's region is known (@aws-cdk/core:enablePartitionLiterals, ADR 0028).
    pattern: /^Resource::arn:(?:<AWS::Partition>|aws[a-z-]*):states:[^:]+:[^:]+:execution:.*:\*$/,
    reason:
      'Reading a saga means DescribeExecution/GetExecutionHistory on its executions, whose names are checkout ids.',
  },
  {
    pattern: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/,
    reason:
      'KMS grants for encrypted tables and queues use the GenerateDataKey*/ReEncrypt* action families on one key.',
  },
];

/**
 * Actions that support no resource-level permission, so their statements must name `*`: X-Ray's trace upload (active
 * tracing) and sampling, and CloudWatch Logs' delivery actions (a state machine's logging). A `Resource::*` finding is
 * acknowledged only where every `*` statement of the policy holds nothing but these; any other action on `*` fails
 * the synth.
 */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);
const RESOURCE_WILDCARD_REASON =
  'Its statements on `*` hold only actions without resource-level permissions (X-Ray trace upload and sampling, CloudWatch Logs delivery).';

const KNOWN_MANAGED_POLICIES: readonly KnownFinding[] = [
  {
    pattern: /^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/,
    reason: 'The AWS managed basic execution role only allows writing the function its own logs.',
  },
  {
    pattern: /^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/,
    reason: 'API Gateway account-level logging role, as AWS documents it for execution and access logs.',
  },
];

/** Acknowledges the known findings of every IAM resource and Lambda function under `scope`. */
export function acknowledgeKnownFindings(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (!(construct instanceof CfnResource)) continue;
    if (construct instanceof CfnPolicy || construct instanceof CfnRole) {
      const known = onlyResourceLessActionsOnWildcard(construct)
        ? [...KNOWN_WILDCARDS, { pattern: /^Resource::\*$/, reason: RESOURCE_WILDCARD_REASON }]
        : KNOWN_WILDCARDS;
      acknowledge(construct, 'AwsSolutions-IAM5', rules.iam.IAMNoWildcardPermissions(construct), known);
    }
    if (construct instanceof CfnRole) {
      acknowledge(construct, 'AwsSolutions-IAM4', rules.iam.IAMNoManagedPolicies(construct), KNOWN_MANAGED_POLICIES);
    }
    if (construct instanceof CfnFunction && Stack.of(construct).resolve(construct.runtime) === 'nodejs22.x') {
      for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
        Validations.of(construct).acknowledge({
          id,
          reason:
            'nodejs22.x is the runtime the local cloud and CI execute; it moves with them (lib/constructs/app-function.ts).',
        });
      }
    }
    if (construct instanceof CfnFunction) {
      Validations.of(construct).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          "Failures surface where the function is invoked: synchronous callers (API Gateway, Step Functions) see them, an SQS consumer's messages go to its queue's DLQ, and the one function invoked asynchronously (the billing worker) has an on-failure destination.",
      });
    }
    if (construct instanceof CfnEventSourceMapping) {
      Validations.of(construct).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "A failed message returns to its queue and, after maxReceiveCount, moves to the queue's DLQ (QueueWithDlq), which alarms.",
      });
    }
  }
}

/** Whether every statement of the policy (or role's inline policies) that names `*` holds only resource-less actions. */
function onlyResourceLessActionsOnWildcard(construct: CfnPolicy | CfnRole): boolean {
  const stack = Stack.of(construct);
  const documents =
    construct instanceof CfnPolicy
      ? [stack.resolve(construct.policyDocument)]
      : (stack.resolve(construct.policies) ?? []).map((policy: { policyDocument: unknown }) => policy.policyDocument);
  const statements = documents.flatMap(
    (document: { Statement?: unknown[] } | undefined) => document?.Statement ?? [],
  ) as Array<{ Action?: string | string[]; Resource?: unknown }>;
  return statements
    .filter((statement) => [statement.Resource].flat().includes('*'))
    .every((statement) => [statement.Action ?? []].flat().every((action) => ACTIONS_WITHOUT_RESOURCES.has(action)));
}

function acknowledge(construct: CfnResource, ruleId: string, findings: unknown, known: readonly KnownFinding[]): void {
  if (!Array.isArray(findings)) return;
  for (const finding of findings as string[]) {
    const match = known.find(({ pattern }) => pattern.test(finding));
    if (match) Validations.of(construct).acknowledge({ id: `${ruleId}[${finding}]`, reason: match.reason });
  }
}
