/**
 * The App every infra test builds. The CDK CLI hands a synth the `context` of `cdk.json` (the feature flags, ADR 0028);
 * an App built in-process gets nothing of it unless told, and would render other templates than the ones that deploy.
 * So every infra test builds its App here, with that context, and without bundling the Lambda code (the tests assert
 * templates, not bundles).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/** The `context` of the app's `cdk.json`, as the CDK CLI passes it to `cdk synth` and `cdk deploy`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...cdkJson.context };
}

/**
 * An App with the context of `cdk.json`, bundling no stack.
 *
 * @param context entries added to (or replacing) those of `cdk.json`, for a test that compares a flag's effect.
 * @example
 * const app = appWithCdkJsonContext();
 * const stack = new Stack(app, 'Probe');
 */
export function appWithCdkJsonContext(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
}
