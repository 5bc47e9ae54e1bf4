/**
 * Where the operator tools (`npm run saga`, `npm run dlq`) find a deployment: the endpoints file `npm start` writes,
 * or, for LocalStack and AWS, a `cdk deploy --outputs-file` file (SAGASTACK_OUTPUTS_FILE) and the usual AWS
 * environment (AWS_ENDPOINT_URL, AWS_REGION, credentials).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../lib/constructs/repository-root.js';
import { RuntimeConditionError } from '../local-cloud/cli/define-cli.js';

export interface Deployment {
  readonly region: string;
  /** Endpoint for SDK clients; undefined means the SDK's default (AWS). */
  readonly endpoint: string | undefined;
  readonly outputs: Readonly<Record<string, string>>;
  /** SDK client configuration for this deployment. */
  readonly clientConfig: {
    region: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
}

/** No deployment to speak to: nothing started locally, or the outputs file named is not there. */
class NoDeploymentError extends RuntimeConditionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoDeploymentError';
  }
}

export function loadDeployment(): Deployment {
  const outputsFile = process.env.SAGASTACK_OUTPUTS_FILE;
  if (outputsFile) {
    if (!existsSync(outputsFile)) {
      throw new NoDeploymentError(
        `No outputs file ${outputsFile} (SAGASTACK_OUTPUTS_FILE): write it with \`cdk deploy --outputs-file\`.`,
      );
    }
    const outputs = flatten(JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>);
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const endpoint = process.env.AWS_ENDPOINT_URL;
    return { region, endpoint, outputs, clientConfig: { region, ...(endpoint ? { endpoint } : {}) } };
  }
  const endpointsFile = join(repositoryRoot, '.local-cloud/endpoints.json');
  if (!existsSync(endpointsFile)) {
    throw new NoDeploymentError(
      'No deployment found: start the local cloud with `npm start`, or set SAGASTACK_OUTPUTS_FILE.',
    );
  }
  const local = JSON.parse(readFileSync(endpointsFile, 'utf8')) as {
    awsEndpoint: string;
    region: string;
    outputs: Record<string, Record<string, string>>;
  };
  return {
    region: local.region,
    endpoint: local.awsEndpoint,
    outputs: flatten(local.outputs),
    clientConfig: {
      region: local.region,
      endpoint: local.awsEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
  };
}

/** A stack output the tool needs, or the one-line reason it is missing. */
export function requireOutput(deployment: Deployment, name: string): string {
  const value = deployment.outputs[name];
  if (!value) throw new NoDeploymentError(`The deployment has no output ${name}: is it this app's, deployed whole?`);
  return value;
}

function flatten(outputs: Record<string, Record<string, string>>): Record<string, string> {
  return Object.assign({}, ...Object.values(outputs)) as Record<string, string>;
}
