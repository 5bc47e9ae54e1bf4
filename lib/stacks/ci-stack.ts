import { CfnOutput, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import {
  type IOidcProvider,
  OidcProviderNative,
  OpenIdConnectPrincipal,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
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

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'GitHub environment variable AWS_DEPLOY_ROLE_ARN of the environments deploying to this account',
    });
    new CfnOutput(this, 'DiffRoleArn', {
      value: this.diffRole.roleArn,
      description: 'GitHub repository variable AWS_DIFF_ROLE_ARN (pr-diff workflow), for the account it diffs against',
    });
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
  readonly account: string;
  readonly region: string;
}

/** One {@link CiStack} per account the stages deploy to, named `Ci-<account>`, trusting each stage's environment. */
export function addCiStacks(scope: Construct, deployedStages: readonly DeployedStage[], repository: string): CiStack[] {
  const byAccount = new Map<string, DeployedStage[]>();
  for (const stage of deployedStages) byAccount.set(stage.account, [...(byAccount.get(stage.account) ?? []), stage]);
  return [...byAccount].map(([account, hosted]) => {
    const regions = [...new Set(hosted.map((stage) => stage.region))];
    return new CiStack(scope, `Ci-${account}`, {
      env: { account, region: regions[0] },
      description: `GitHub Actions access to account ${account} (${hosted.map((stage) => stage.name).join(', ')})`,
      repository,
      environments: hosted.map((stage) => stage.name),
      regions,
    });
  });
}
