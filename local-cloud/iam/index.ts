/**
 * IAM in the local cloud: every AWS call a function makes is checked against its role's identity policies, as AWS
 * would (docs/adr/0025-iam-enforced-in-the-local-cloud.md). Calls signed with a key no function holds (the operator's
 * CLI, tests, tools) and the services' own in-process calls are not restricted.
 */
import { AwsServiceError, type EdgeRequestGuard, type EntryRefusal, type EntryRefusals } from '../aws-protocol.js';
import type { TaskCall } from '../stepfunctions/types.js';
import { IamAuthority, type RequiredPermission } from './authority.js';
import { accessKeyIdOf } from './credentials.js';
import { type CallerIdentity, PolicyStore } from './policy-store.js';
import { type Partition, queueKeyPermissions, requiredPermissions } from './required-permissions.js';

export { functionAccessKeyId } from './credentials.js';
export { iamProvisioners, recordingKeyPolicies, recordingQueueKeys } from './provisioners.js';
export type { Partition } from './required-permissions.js';

/** The `X-Amz-Target` prefix of each service a Task integrates with by its short name (`sqs:sendMessage`). */
const SERVICE_TARGETS: Readonly<Record<string, string>> = {
  sqs: 'AmazonSQS',
  events: 'AWSEvents',
  dynamodb: 'DynamoDB_20120810',
  states: 'AWSStepFunctions',
};

/** How each service names its refusal (the SDK surfaces the part after `#` as the error's name). */
const ACCESS_DENIED: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'com.amazon.coral.service#AccessDeniedException',
  AmazonSQS: 'com.amazon.coral.service#AccessDeniedException',
  AWSEvents: 'AccessDeniedException',
  AWSStepFunctions: 'com.amazon.coral.service#AccessDeniedException',
  TrentService: 'AccessDeniedException',
};

function iamGuard(authority: IamAuthority, partition: Partition): EdgeRequestGuard {
  return async (headers, target, input) => {
    const caller = authority.callerOf(accessKeyIdOf(headers?.authorization));
    if (!caller) return undefined;
    const permissions = requiredPermissions(target, input, partition);
    if (!permissions || permissions.length === 0) return undefined;
    if (target === 'AWSEvents.PutEvents') return putEventsRefusals(authority, caller, permissions);
    const refusal = await authority.refusal(caller, permissions);
    if (refusal) throw accessDenied(target, refusal.message);
    return undefined;
  };
}

function accessDenied(target: string, message: string): AwsServiceError {
  const prefix = target.split('.')[0] ?? '';
  return new AwsServiceError(ACCESS_DENIED[prefix] ?? 'AccessDeniedException', message, 400);
}

/**
 * PutEvents is judged entry by entry, as EventBridge does: an entry the caller's grant covers only under other
 * conditions fails on its own (`NotAuthorizedForSourceException`, the request still answers 200), and only a caller
 * with no grant to publish on that bus at all is refused the whole request (`AccessDeniedException`). A grant
 * conditioned on `events:detail-type` is refused with the source's code too (docs/local-cloud.md).
 */
async function putEventsRefusals(
  authority: IamAuthority,
  caller: CallerIdentity,
  permissions: readonly RequiredPermission[],
): Promise<EntryRefusals | undefined> {
  const refusals = new Map<number, EntryRefusal>();
  for (const [index, permission] of permissions.entries()) {
    const refusal = await authority.refusal(caller, [permission]);
    if (!refusal) continue;
    const { action, resource } = permission;
    if (!(await authority.allowsUnderSomeCondition(caller, { action, resource }))) {
      throw accessDenied('AWSEvents.PutEvents', refusal.message);
    }
    refusals.set(index, {
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'You do not have permissions to publish events with this source onto this event bus.',
    });
  }
  return refusals.size > 0 ? refusals : undefined;
}

/**
 * IAM of one local cloud: the policy store its deployment fills, and the guard its services run each request through.
 * `LOCAL_CLOUD_IAM=off` (or `iam: false`) turns the checks off, for debugging a grant.
 */
export class LocalIam {
  readonly store = new PolicyStore();
  private readonly authority = new IamAuthority(this.store);

  /** The partition, with the keys of the encrypted queues the deployment records. */
  private readonly partition: Partition;

  constructor(partition: Partition) {
    this.partition = { ...partition, keyOfQueue: (queueArn) => this.store.keyOfQueue(queueArn) };
  }

  /** What each service runs an edge request through. */
  guard(): EdgeRequestGuard {
    return iamGuard(this.authority, this.partition);
  }

  /**
   * Why an AWS service may not deliver to a resource on behalf of `sourceArn` (EventBridge → a queue or a function),
   * judged by the resource's policy; `undefined` when it may.
   */
  async deliveryRefusal(delivery: {
    service: string;
    action: string;
    resource: string;
    sourceArn: string;
  }): Promise<string | undefined> {
    const context = { 'aws:SourceArn': delivery.sourceArn };
    const permissions = [
      { action: delivery.action, resource: delivery.resource, context },
      // An encrypted queue needs the service to use its key too, which only the key's policy can allow a service.
      ...queueKeyPermissions(delivery.action, delivery.resource, this.partition).map((permission) => ({
        ...permission,
        context: { ...permission.context, ...context },
      })),
    ];
    for (const permission of permissions) {
      const refusal = await this.authority.serviceRefusal(
        delivery.service,
        permission,
        this.store.resourcePolicyOf(permission.resource),
      );
      if (refusal) return refusal.message;
    }
    return undefined;
  }

  /**
   * Why a state machine's role may not make a Task's call (`undefined` when it may): a Lambda invocation, a service
   * integration (`sqs:sendMessage` needs `sqs:SendMessage` on the queue, and so on), or a nested execution.
   */
  async taskRefusal(roleArn: string, call: TaskCall): Promise<string | undefined> {
    const identity = this.store.roleIdentity(roleArn, 'StepFunctions');
    const permissions =
      call.kind === 'lambda'
        ? [{ action: 'lambda:InvokeFunction', resource: call.functionArn }]
        : call.kind === 'startExecution'
          ? [{ action: 'states:StartExecution', resource: call.stateMachineArn }]
          : requiredPermissions(
              `${SERVICE_TARGETS[call.service] ?? call.service}.${call.action[0]?.toUpperCase() ?? ''}${call.action.slice(1)}`,
              (call.parameters ?? {}) as Record<string, unknown>,
              this.partition,
            );
    if (!permissions || permissions.length === 0) return undefined;
    return (await this.authority.refusal(identity, permissions))?.message;
  }

  /**
   * Lambda refuses to create an SQS event source mapping whose function's role cannot read the queue; so does the
   * deployment here, with Lambda's message.
   */
  async assertEventSourceMappingAllowed(functionName: string, queueArn: string): Promise<void> {
    const identity = this.store.functionIdentity(functionName);
    if (!identity) return;
    const key = queueKeyPermissions('sqs:ReceiveMessage', queueArn, this.partition);
    for (const action of ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes']) {
      const needed = [{ action: `sqs:${action}`, resource: queueArn }, ...(action === 'ReceiveMessage' ? key : [])];
      const refusal = await this.authority.refusal(identity, needed);
      if (refusal) {
        throw new Error(
          `Event source mapping of ${functionName} on ${queueArn}: the provided execution role does not have permissions to call ${action} on SQS (${refusal.message})`,
        );
      }
    }
  }
}

/** On unless turned off: `options.iam`, else `LOCAL_CLOUD_IAM` (`on` or `off`). */
export function iamEnabled(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  const chosen = process.env.LOCAL_CLOUD_IAM;
  if (chosen === undefined || chosen === '' || chosen === 'on') return true;
  if (chosen === 'off') return false;
  throw new Error(`LOCAL_CLOUD_IAM must be 'on' or 'off', not '${chosen}'`);
}
