import { CfnOutput, DefaultStackSynthesizer, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  type CfnPolicy,
  type IOidcProvider,
  OidcProviderNative,
  OpenIdConnectPrincipal,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { rules } from 'cdk-nag';
import type { Construct } from 'constructs';

/** GitHub's OIDC issuer; `sts.amazonaws.com` is the audience aws-actions/configure-aws-credentials asks for. */
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
const STS_AUDIENCE = 'sts.amazonaws.com';

export interface CiStackProps extends StackProps {
  /** `owner/name` of the GitHub repository whose workflows may reach this account. */
  readonly repository: string;
  /**
   * The GitHub environments whose jobs may deploy here: the stages this account hosts (`staging`, `prod`), each a
   * GitHub environment whose protection rules (reviewers, `v*` tags only) guard the deployment.
   */
  readonly environments: readonly string[];
  /** The regions of the stages this account hosts, where `cdk bootstrap` created the roles the CI roles assume. */
  readonly regions: readonly string[];
  /**
   * The stage the release's end-to-end job runs against, where this account hosts it: the E2eRole is made for it, and
   * may reach its resources only. @default none: the account gets no E2eRole (prod's never does)
   */
  readonly e2eStage?: E2eStage;
  /** The bootstrap qualifier. @default DefaultStackSynthesizer.DEFAULT_QUALIFIER (`hnb659fds`) */
  readonly qualifier?: string;
  /**
   * The account's GitHub OIDC provider, where one exists already: IAM keeps one provider per issuer URL, so a second
   * stack creating it fails. @default a provider created here
   */
  readonly existingOidcProviderArn?: string;
}

/**
 * What GitHub Actions may do in one AWS account, with no long-lived keys: the GitHub OIDC provider and two roles.
 *
 * - **DeployRole**, for the release workflow: trusted only for tokens of the repository's deployment jobs (subject
 *   `repo:<owner>/<name>:environment:<env>`) and of its `v*` tags (`repo:<owner>/<name>:ref:refs/tags/v*`), and
 *   allowed only to assume the CDK bootstrap roles, which hold the deployment rights (what CloudFormation may do is
 *   the bootstrap execution policy's business, not this role's).
 * - **DiffRole**, for `cdk diff` on pull requests: trusted for `repo:<owner>/<name>:pull_request` and allowed only to
 *   assume the bootstrap lookup role, which is read-only; a pull request can read the deployed templates, never
 *   change them.
 * - **E2eRole**, in Staging's account only, for the release's end-to-end job: trusted for
 *   `repo:<owner>/<name>:environment:staging` only, and allowed what the suite calls through the SDK (test/e2e), on
 *   the Staging stage's resources ({@link E2E_SUITE_ACCESS}).
 *
 * Subjects: https://docs.github.com/en/actions/reference/security/oidc ; the trust policy AWS recommends for GitHub:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 *
 * One per account, outside the stages (bin/sagastack.ts), since the provider is account-wide. docs/release.md says how
 * to deploy it and which GitHub variables take its outputs.
 *
 * @example
 * new CiStack(app, 'Ci-222222222222', {
 *   env: { account: '222222222222', region: 'eu-west-1' },
 *   repository: 'acme/sagastack',
 *   environments: ['staging'],
 *   regions: ['eu-west-1'],
 * });
 */
export class CiStack extends Stack {
  readonly deployRole: Role;
  readonly diffRole: Role;
  /** The end-to-end suite's role, in the account that hosts the e2e stage only. */
  readonly e2eRole?: Role;

  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id, props);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new InvalidRepositoryError(props.repository);
    }
    const provider: IOidcProvider = props.existingOidcProviderArn
      ? OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', props.existingOidcProviderArn)
      : new OidcProviderNative(this, 'GitHubOidc', { url: `https://${GITHUB_ISSUER}`, clientIds: [STS_AUDIENCE] });

    const trustedFor = (subjects: readonly string[]) =>
      new OpenIdConnectPrincipal(provider, {
        StringEquals: { [`${GITHUB_ISSUER}:aud`]: STS_AUDIENCE },
        StringLike: { [`${GITHUB_ISSUER}:sub`]: subjects.map((subject) => `repo:${props.repository}:${subject}`) },
      });
    const qualifier = props.qualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const bootstrapRoles = (kinds: readonly string[]) =>
      props.regions.flatMap((region) =>
        kinds.map(
          (kind) =>
            `arn:${this.partition}:iam::${this.account}:role/cdk-${qualifier}-${kind}-role-${this.account}-${region}`,
        ),
      );

    this.deployRole = new Role(this, 'DeployRole', {
      description: `GitHub Actions deployments of ${props.repository} (release workflow)`,
      assumedBy: trustedFor([
        ...props.environments.map((environment) => `environment:${environment}`),
        'ref:refs/tags/v*',
      ]),
    });
    this.deployRole.addToPolicy(
      new PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: bootstrapRoles(['deploy', 'file-publishing', 'image-publishing', 'lookup']),
      }),
    );

    this.diffRole = new Role(this, 'DiffRole', {
      description: `cdk diff on pull requests of ${props.repository} (read-only)`,
      assumedBy: trustedFor(['pull_request']),
    });
    this.diffRole.addToPolicy(
      new PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: bootstrapRoles(['lookup']) }),
    );

    if (props.e2eStage) {
      this.e2eRole = this.newE2eRole(provider, props.repository, props.e2eStage);
      new CfnOutput(this, 'E2eRoleArn', {
        value: this.e2eRole.roleArn,
        description: `GitHub environment variable AWS_E2E_ROLE_ARN of the ${props.e2eStage.name} environment`,
      });
    }

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'GitHub environment variable AWS_DEPLOY_ROLE_ARN of the environments deploying to this account',
    });
    new CfnOutput(this, 'DiffRoleArn', {
      value: this.diffRole.roleArn,
      description: 'GitHub repository variable AWS_DIFF_ROLE_ARN (pr-diff workflow), for the account it diffs against',
    });
  }

  /**
   * The suite's role: an OIDC token of the e2e stage's GitHub environment, and nothing else, may assume it (not a tag
   * ref, not a pull request, not another environment), and it may do what {@link E2E_SUITE_ACCESS} lists, on the
   * stage's resources.
   */
  private newE2eRole(provider: IOidcProvider, repository: string, stage: E2eStage): Role {
    const role = new Role(this, 'E2eRole', {
      description: `The end-to-end suite of ${repository} against ${stage.id} (release workflow, e2e job)`,
      assumedBy: new OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_ISSUER}:aud`]: STS_AUDIENCE,
          [`${GITHUB_ISSUER}:sub`]: `repo:${repository}:environment:${stage.name}`,
        },
      }),
    });
    const scope = { partition: this.partition, account: this.account, region: stage.region, stageId: stage.id };
    for (const access of E2E_SUITE_ACCESS) {
      role.addToPolicy(
        new PolicyStatement({
          sid: access.sid,
          actions: [...access.actions],
          resources: access.resources(scope),
          ...(access.conditions ? { conditions: access.conditions(scope) } : {}),
        }),
      );
    }
    // Every wildcard left is one of the name patterns above, each reviewed there: cdk-nag's findings on this policy
    // are acknowledged by their exact ids, so a wildcard added later still fails the synth.
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy;
    const findings = rules.iam.IAMNoWildcardPermissions(policy);
    for (const finding of Array.isArray(findings) ? (findings as string[]) : []) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'The e2e role reaches the Staging stage by the names CloudFormation generates for it (Staging-*), or by ' +
          'actions without resource-level permissions (E2E_SUITE_ACCESS in lib/stacks/ci-stack.ts says which).',
      });
    }
    return role;
  }
}

/** The repository is not `owner/name`: a trust condition built from it would match nothing, or too much. */
export class InvalidRepositoryError extends Error {
  constructor(repository: string) {
    super(`The CI stack needs the GitHub repository as owner/name, not ${JSON.stringify(repository)}`);
    this.name = 'InvalidRepositoryError';
  }
}

/** What the CI stacks need of a stage. */
export interface DeployedStage {
  /** The stage's name, which is also its GitHub environment (`staging`, `prod`). */
  readonly name: string;
  /** The CDK stage id (`Staging`), the prefix of its stacks' names. */
  readonly id: string;
  readonly account: string;
  readonly region: string;
}

/** The stage the release's end-to-end job runs against: its GitHub environment, CDK stage id and region. */
export interface E2eStage {
  /** The GitHub environment, which is also the stage's name (`staging`). */
  readonly name: string;
  /** The CDK stage id (`Staging`): its stacks are `<id>-<Stack>`, and CloudFormation names their resources after them. */
  readonly id: string;
  readonly region: string;
}

/** The stage whose GitHub environment runs the release's e2e job (`.github/workflows/release.yml`, e2e-staging). */
const E2E_STAGE_NAME = 'staging';

interface AccessScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** `Staging`: the prefix of the stage's stack names. */
  readonly stageId: string;
}

/** One statement of the e2e role: what the suite calls, on what, and why that scope. */
interface SuiteAccess {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: (scope: AccessScope) => string[];
  readonly conditions?: (scope: AccessScope) => Record<string, Record<string, unknown>>;
}

const arn = (scope: AccessScope, service: string, resource: string, region: string = scope.region) =>
  `arn:${scope.partition}:${service}:${region}:${scope.account}:${resource}`;

/**
 * What the end-to-end suite calls through the SDK (`new <X>Command(` under test/e2e, which
 * test/infra/ci-stack.test.ts reads to check this list covers it), and on what. Resources are reached by the names
 * CloudFormation generates for the stage's stacks: `<stack name>-<logical id>-<suffix>` for tables, queues and
 * functions, whose stacks are `Staging-<Stack>`. CloudFormation documents only that it generates a unique name
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html); the stack-name prefix is
 * what it does, not a documented contract, and this role has never been assumed on AWS (docs/release.md).
 */
const E2E_SUITE_ACCESS: readonly SuiteAccess[] = [
  {
    sid: 'StageTables',
    // lib-dynamodb's Get, Put, Update, Delete, Query, Scan and BatchWrite commands, and the seed script's writes.
    actions: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
    ],
    resources: (scope) => [
      arn(scope, 'dynamodb', `table/${scope.stageId}-*`),
      arn(scope, 'dynamodb', `table/${scope.stageId}-*/index/*`),
    ],
  },
  {
    sid: 'ListNames',
    // The personal-data test lists the tables to find every one the stage has, and the dead-letter tool
    // (tools/dead-letter-queues.ts, which the poison-message test drives) can list queues by prefix. Neither action
    // has a resource-level permission
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html,
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html): they name tables and
    // queues, they read none of them.
    actions: ['dynamodb:ListTables', 'sqs:ListQueues'],
    resources: () => ['*'],
  },
  {
    sid: 'StageQueues',
    // Sending, receiving and the dead-letter tool's peek and redrive. A message move task needs ReceiveMessage,
    // DeleteMessage and GetQueueAttributes on the dead-letter queue and SendMessage on the queue it returns to
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
    actions: [
      'sqs:SendMessage',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ListDeadLetterSourceQueues',
      'sqs:StartMessageMoveTask',
      'sqs:ListMessageMoveTasks',
    ],
    resources: (scope) => [arn(scope, 'sqs', `${scope.stageId}-*`)],
  },
  {
    sid: 'StageQueueEncryption',
    // The queues are encrypted with the platform's data key: a sender needs GenerateDataKey and Decrypt, a receiver
    // Decrypt (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
    // Only through SQS, and so only on the queues above: the key is never used directly.
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: (scope) => [arn(scope, 'kms', 'key/*')],
    conditions: (scope) => ({ StringEquals: { 'kms:ViaService': `sqs.${scope.region}.amazonaws.com` } }),
  },
  {
    sid: 'StageTokenSigning',
    // The service-account tests sign tokens with changed claims with the stage's own signing key, as the token
    // endpoint does. Only a key of the stage's stacks: CloudFormation tags what it creates with
    // aws:cloudformation:stack-name (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html)
    // and KMS authorizes on a key's tags (https://docs.aws.amazon.com/kms/latest/developerguide/abac.html).
    actions: ['kms:Sign'],
    resources: (scope) => [arn(scope, 'kms', 'key/*')],
    conditions: (scope) => ({
      StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': `${scope.stageId}-*` },
      StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' },
    }),
  },
  {
    sid: 'StageFunctions',
    // Saga steps and workers invoked as their trigger would, to prove they refuse what a forged trigger sends.
    actions: ['lambda:InvokeFunction'],
    resources: (scope) => [arn(scope, 'lambda', `function:${scope.stageId}-*`)],
  },
  {
    sid: 'StageEventBus',
    // The bus's name is CDK's unique id of its path, `<Stage><Stack>EventBus<hash>`.
    actions: ['events:PutEvents'],
    resources: (scope) => [arn(scope, 'events', `event-bus/${scope.stageId}Platform*`)],
  },
  {
    sid: 'StageExecutions',
    // State machine names are generated from their logical id alone, without the stack's name, and executions cannot
    // be tagged (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-tagging.html): the account and
    // region bound them, which is the stage where Staging has its own account (docs/release.md). Task responses are
    // authorized on the state machine, as CDK's grantTaskResponse grants them.
    actions: [
      'states:ListExecutions',
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:SendTaskSuccess',
      'states:SendTaskHeartbeat',
    ],
    resources: (scope) => [arn(scope, 'states', 'stateMachine:*'), arn(scope, 'states', 'execution:*:*')],
  },
  {
    sid: 'StageOutputs',
    // The outputs the seed script and the suite read come from the deploy job's outputs file; reading them again from
    // CloudFormation is allowed for the stage's stacks only.
    actions: ['cloudformation:DescribeStacks'],
    resources: (scope) => [arn(scope, 'cloudformation', `stack/${scope.stageId}-*/*`)],
  },
];

/** One {@link CiStack} per account the stages deploy to, named `Ci-<account>`, trusting each stage's environment. */
export function addCiStacks(scope: Construct, deployedStages: readonly DeployedStage[], repository: string): CiStack[] {
  const byAccount = new Map<string, DeployedStage[]>();
  for (const stage of deployedStages) byAccount.set(stage.account, [...(byAccount.get(stage.account) ?? []), stage]);
  return [...byAccount].map(([account, hosted]) => {
    const regions = [...new Set(hosted.map((stage) => stage.region))];
    const e2eStage = hosted.find((stage) => stage.name === E2E_STAGE_NAME);
    return new CiStack(scope, `Ci-${account}`, {
      env: { account, region: regions[0] },
      description: `GitHub Actions access to account ${account} (${hosted.map((stage) => stage.name).join(', ')})`,
      repository,
      environments: hosted.map((stage) => stage.name),
      regions,
      ...(e2eStage ? { e2eStage } : {}),
    });
  });
}
