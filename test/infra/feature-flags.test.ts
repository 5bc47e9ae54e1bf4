/**
 * The app is built with the feature flags `cdk init` writes for the installed aws-cdk-lib (ADR 0028), and the infra
 * tests build it with them too: a flag dropped from cdk.json, or an infra test's App that misses cdk.json's context,
 * fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LambdaIntegration, RestApi, TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { CURRENTLY_RECOMMENDED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { appWithCdkJsonContext, cdkJsonContext } from './support/app.js';

/** Where cdk.json keeps a value other than the recommended one, and why (ADR 0028). */
const KEPT_VALUES: Readonly<Record<string, unknown>> = {
  // Cross-stack references stay CloudFormation exports: an export in use cannot change or vanish, which guards the
  // stateful Platform stack, and going to "weak" takes two deploys of every stage ("both", then "weak").
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

const AUTHORIZER_FLAG = '@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId';

/** The logical id of the deployment of a one-route API whose authorizer caches its results for `cacheTtl`. */
function deploymentIdWithAuthorizerCache(cacheTtl: Duration, context: Record<string, unknown> = {}): string {
  const stack = new Stack(appWithCdkJsonContext(context), 'Probe', {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  const handler = new LambdaFunction(stack, 'Handler', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
  const authorizer = new TokenAuthorizer(stack, 'Authorizer', { handler, resultsCacheTtl: cacheTtl });
  new RestApi(stack, 'Api').root.addMethod('GET', new LambdaIntegration(handler), { authorizer });
  const [deploymentId] = Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
  if (!deploymentId) throw new Error('The probe API has no deployment');
  return deploymentId;
}

describe('feature flags', () => {
  it('are every flag aws-cdk-lib recommends, at its recommended value, in the App the infra tests build', () => {
    // Prepare
    const app = appWithCdkJsonContext();

    // Act
    const values = Object.keys(CURRENTLY_RECOMMENDED_FLAGS).map((flag) => [flag, app.node.tryGetContext(flag)]);

    // Assess
    const expected = Object.entries(CURRENTLY_RECOMMENDED_FLAGS).map(([flag, recommended]) => [
      flag,
      flag in KEPT_VALUES ? KEPT_VALUES[flag] : recommended,
    ]);
    expect(values).toEqual(expected);
  });

  it('in cdk.json are only flags aws-cdk-lib still recommends setting', () => {
    // Act
    const flags = Object.keys(cdkJsonContext()).filter((key) => key in FLAGS);

    // Assess
    expect(flags.filter((flag) => !(flag in CURRENTLY_RECOMMENDED_FLAGS))).toEqual([]);
  });

  it('reach every App an infra test builds: none is built but by support/app.ts', () => {
    // Prepare
    const infra = join(repositoryRoot, 'test/infra');
    const files = readdirSync(infra, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

    // Act
    const building = files.filter((file) => /\bnew App\(/.test(readFileSync(join(infra, file), 'utf8')));

    // Assess
    expect(building).toEqual(['support/app.ts']);
  });

  it('give the API a new deployment, so the stage is redeployed, when its authorizer changes', () => {
    // Act
    const before = deploymentIdWithAuthorizerCache(Duration.minutes(5));
    const after = deploymentIdWithAuthorizerCache(Duration.minutes(1));
    const withoutFlag = [Duration.minutes(5), Duration.minutes(1)].map((ttl) =>
      deploymentIdWithAuthorizerCache(ttl, { [AUTHORIZER_FLAG]: false }),
    );

    // Assess: without the flag, CDK keeps the old deployment and the stage goes on with the old authorizer.
    expect(after).not.toBe(before);
    expect(withoutFlag[1]).toBe(withoutFlag[0]);
  });
});
