/**
 * Resources (RESOURCES_TABLE_NAME, keyed by `resourceId`). Every lifecycle move is a conditional write from the
 * statuses it may leave, so a repeated saga step finds the resource already moved and changes nothing, and no step
 * can move a resource backwards.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { ResourceStatus } from '../../../shared/contracts/provisioning-api.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { ConflictError } from '../../../shared/errors.js';
import type { ResourceRecord, Resources, TransitionOutcome } from '../ports/resources.js';

interface ConditionalUpdate {
  readonly set: Record<string, unknown>;
  readonly remove?: readonly string[];
  /** Extra condition on top of the item existing, with its own placeholders. */
  readonly condition?: string;
  readonly conditionNames?: Record<string, string>;
  readonly conditionValues?: Record<string, unknown>;
}

export function dynamoResources(): Resources {
  const tableName = () => requiredEnv(tableEnv('RESOURCES'));
  const client = () => dynamoDocumentClient();

  const find = async (resourceId: string): Promise<ResourceRecord | undefined> => {
    const { Item } = await client().send(
      // Consistent: clients poll right after the API answered, and steps decide on what the last step wrote.
      new GetCommand({ TableName: tableName(), Key: { resourceId }, ConsistentRead: true }),
    );
    return Item as ResourceRecord | undefined;
  };

  /**
   * Sets attributes if the resource exists and `condition` holds; `false` when the condition failed. Attribute names
   * go through placeholders because `status` and `name` are DynamoDB reserved words.
   */
  const updateIf = async (resourceId: string, update: ConditionalUpdate): Promise<boolean> => {
    const names: Record<string, string> = { ...update.conditionNames };
    const values: Record<string, unknown> = { ...update.conditionValues };
    const assignments = Object.entries(update.set).map(([attribute, value], index) => {
      names[`#s${index}`] = attribute;
      values[`:s${index}`] = value;
      return `#s${index} = :s${index}`;
    });
    const removals = (update.remove ?? []).map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `#r${index}`;
    });
    const expression = [
      assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
      removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
    ]
      .filter((part) => part.length > 0)
      .join(' ');
    return conditionally(
      client().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { resourceId },
          UpdateExpression: expression,
          ConditionExpression: ['attribute_exists(resourceId)', update.condition]
            .filter((part) => part !== undefined)
            .join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  };

  /** Moves the status from one of `from` to `to`; a resource already in `to` is a repeat, anything else a conflict. */
  const transition = async (
    resourceId: string,
    from: readonly ResourceStatus[],
    to: ResourceStatus,
    at: string,
    extra: Record<string, unknown> = {},
    remove: readonly string[] = [],
  ): Promise<TransitionOutcome> => {
    const conditionValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
    const moved = await updateIf(resourceId, {
      set: { status: to, updatedAt: at, ...extra },
      remove,
      condition: `#status IN (${Object.keys(conditionValues).join(', ')})`,
      conditionNames: { '#status': 'status' },
      conditionValues,
    });
    if (moved) return 'CHANGED';
    const current = await find(resourceId);
    if (!current) return 'MISSING';
    if (current.status === to) return 'UNCHANGED';
    throw new ConflictError(
      'RESOURCE_STATUS_CONFLICT',
      `Resource ${resourceId} is ${current.status}; it cannot become ${to}`,
      { resourceId, status: current.status, wanted: to },
    );
  };

  /** A write refused because the resource is gone, or because what it guards is there (or gone) already. */
  const outcomeOfRefusal = async (resourceId: string): Promise<TransitionOutcome> =>
    (await find(resourceId)) ? 'UNCHANGED' : 'MISSING';

  return {
    find,

    async create(resource) {
      const record: ResourceRecord = { ...resource, status: 'PROVISIONING', updatedAt: resource.createdAt };
      const stored = await createOrFind({
        tableName: tableName(),
        key: 'resourceId',
        record,
        find: () => find(resource.resourceId),
      });
      return { created: stored.created, resource: stored.record };
    },

    async attachExecution(resourceId, saga, executionArn, at) {
      const attribute = saga === 'provision' ? 'executionArn' : 'deprovisionExecutionArn';
      await updateIf(resourceId, { set: { [attribute]: executionArn, updatedAt: at } });
    },

    markActive: (resourceId, at) => transition(resourceId, ['PROVISIONING'], 'ACTIVE', at),

    markFailed: (resourceId, failure, at, from) =>
      transition(resourceId, from, 'FAILED', at, {
        failure: { code: failure.code, message: failure.message },
      }),

    requestDeletion: (resourceId, at, attempt) =>
      transition(resourceId, ['ACTIVE', 'FAILED'], 'DEPROVISIONING', at, { deletionAttempts: attempt }, [
        'deprovisionExecutionArn',
      ]),

    markDeleted: (resourceId, at) => transition(resourceId, ['DEPROVISIONING'], 'DELETED', at),

    async recordStorage(resourceId, storage, at) {
      const recorded = await updateIf(resourceId, {
        set: { storage, updatedAt: at },
        condition: 'attribute_not_exists(#storage)',
        conditionNames: { '#storage': 'storage' },
      });
      return recorded ? 'CHANGED' : outcomeOfRefusal(resourceId);
    },

    async removeStorage(resourceId, at) {
      const removed = await updateIf(resourceId, {
        set: { updatedAt: at },
        remove: ['storage'],
        condition: 'attribute_exists(#storage)',
        conditionNames: { '#storage': 'storage' },
      });
      return removed ? 'CHANGED' : outcomeOfRefusal(resourceId);
    },

    async recordNetwork(resourceId, network, at) {
      const recorded = await updateIf(resourceId, {
        set: {
          nodeId: network.nodeId,
          ...(network.ipAddress === undefined ? {} : { ipAddress: network.ipAddress }),
          ...(network.networkId === undefined ? {} : { networkId: network.networkId }),
          updatedAt: at,
        },
      });
      return recorded ? 'CHANGED' : 'MISSING';
    },
  };
}
