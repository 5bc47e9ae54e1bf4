/**
 * cdk-nag acknowledgements that follow from how CDK grants work, each with its reason.
 *
 * cdk-nag 3 needs every IAM wildcard finding acknowledged by its exact id (`AwsSolutions-IAM5[Resource::...]`).
 * Instead of copying generated ids by hand, this asks cdk-nag's own rules for the findings of each policy and
 * acknowledges only those matching a reviewed pattern below. Any other wildcard still fails the synth.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
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
    pattern: /^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:.*:\*$/,
    reason:
      'Reading a saga means DescribeExecution/GetExecutionHistory on its executions, whose names are checkout ids.',
  },
  {
    pattern: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/,
    reason:
      'KMS grants for encrypted tables and queues use the GenerateDataKey*/ReEncrypt* action families on one key.',
  },
  {
    pattern: /^Resource::\*$/,
    reason:
      'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch Logs delivery actions support no resource-level permissions.',
  },
];

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
      acknowledge(construct, 'AwsSolutions-IAM5', rules.iam.IAMNoWildcardPermissions(construct), KNOWN_WILDCARDS);
    }
    if (construct instanceof CfnRole) {
      acknowledge(construct, 'AwsSolutions-IAM4', rules.iam.IAMNoManagedPolicies(construct), KNOWN_MANAGED_POLICIES);
    }
    if (construct instanceof CfnFunction && Stack.of(construct).resolve(construct.runtime) === 'nodejs22.x') {
      Validations.of(construct).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is the runtime the local cloud and CI execute; it moves with them (lib/constructs/app-function.ts).',
      });
    }
  }
}

function acknowledge(construct: CfnResource, ruleId: string, findings: unknown, known: readonly KnownFinding[]): void {
  if (!Array.isArray(findings)) return;
  for (const finding of findings as string[]) {
    const match = known.find(({ pattern }) => pattern.test(finding));
    if (match) Validations.of(construct).acknowledge({ id: `${ruleId}[${finding}]`, reason: match.reason });
  }
}
