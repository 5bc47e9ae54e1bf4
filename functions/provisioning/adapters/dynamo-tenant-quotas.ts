/**
 * Tenants (TENANTS_TABLE_NAME, keyed by `tenantId`): `{ tenantId, quotas, used, updatedAt }`. A reservation moves the
 * tenant's `used` and marks the resource (`quotaHeld`, RESOURCES_TABLE_NAME) in one transaction, so a repeated step
 * never counts twice and a release gives back exactly what was taken.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  CONDITIONAL_CHECK_FAILED,
  cancellationCodes,
  isConditionalCheckFailed,
} from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { tableEnv } from '../../../shared/environment.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { usageCeiling, ZERO } from '../domain/quota.js';
import type { TenantQuotas, TenantUsage } from '../ports/tenant-quotas.js';
import { readHold, settleRefusedHold, settleRefusedRelease } from './dynamo-conditions.js';

const DIMENSION_NAMES = {
  '#used': 'used',
  '#quotas': 'quotas',
  '#vcpu': 'vcpu',
  '#mem': 'memoryGiB',
  '#sto': 'storageGiB',
};

export function dynamoTenantQuotas(): TenantQuotas {
  const client = () => dynamoDocumentClient();
  const tenantsTable = () => requiredEnv(tableEnv('TENANTS'));
  const resourcesTable = () => requiredEnv(tableEnv('RESOURCES'));

  const find = async (tenantId: string): Promise<TenantUsage | undefined> => {
    const { Item } = await client().send(
      new GetCommand({ TableName: tenantsTable(), Key: { tenantId }, ConsistentRead: true }),
    );
    return Item ? toTenantUsage(Item) : undefined;
  };

  /** The first reservation of a tenant creates its item with the default quotas; a concurrent creator wins harmlessly. */
  const ensureTenant = async (tenantId: string, defaultQuotas: ResourceAmounts): Promise<TenantUsage> => {
    const existing = await find(tenantId);
    if (existing) return existing;
    const created: TenantUsage = { tenantId, quotas: defaultQuotas, used: ZERO };
    try {
      await client().send(
        new PutCommand({
          TableName: tenantsTable(),
          Item: { ...created, updatedAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(tenantId)',
        }),
      );
      return created;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const raced = await find(tenantId);
      if (!raced) throw error;
      return raced;
    }
  };

  return {
    find,

    findOrCreate: ensureTenant,

    async holdOf(resourceId) {
      const resource = await readHold(resourceId, 'quotaHeld');
      if (!resource) return undefined;
      return resource.held === undefined ? {} : { held: amountsOf(resource.held) };
    },

    async hold({ tenant, resourceId, demand }) {
      const ceiling = usageCeiling(tenant.quotas, demand);
      const now = new Date().toISOString();
      try {
        await client().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: resourcesTable(),
                  Key: { resourceId },
                  UpdateExpression: 'SET quotaHeld = :demand, updatedAt = :now',
                  ConditionExpression: 'attribute_exists(resourceId) AND attribute_not_exists(quotaHeld)',
                  ExpressionAttributeValues: { ':demand': demand, ':now': now },
                },
              },
              {
                Update: {
                  TableName: tenantsTable(),
                  Key: { tenantId: tenant.tenantId },
                  UpdateExpression:
                    'SET #used.#vcpu = #used.#vcpu + :vcpu, #used.#mem = #used.#mem + :mem, ' +
                    '#used.#sto = #used.#sto + :sto, updatedAt = :now',
                  // `used <= quota - demand`, with the quotas the caller read: a reservation that raced ahead or a
                  // quota change since the read makes the condition fail, never the quota overflow.
                  ConditionExpression:
                    '#used.#vcpu <= :maxVcpu AND #used.#mem <= :maxMem AND #used.#sto <= :maxSto AND ' +
                    '#quotas.#vcpu = :quotaVcpu AND #quotas.#mem = :quotaMem AND #quotas.#sto = :quotaSto',
                  ExpressionAttributeNames: DIMENSION_NAMES,
                  ExpressionAttributeValues: {
                    ':vcpu': demand.vcpu,
                    ':mem': demand.memoryGiB,
                    ':sto': demand.storageGiB,
                    ':maxVcpu': ceiling.vcpu,
                    ':maxMem': ceiling.memoryGiB,
                    ':maxSto': ceiling.storageGiB,
                    ':quotaVcpu': tenant.quotas.vcpu,
                    ':quotaMem': tenant.quotas.memoryGiB,
                    ':quotaSto': tenant.quotas.storageGiB,
                    ':now': now,
                  },
                },
              },
            ],
          }),
        );
        return 'RESERVED';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === CONDITIONAL_CHECK_FAILED) return settleRefusedHold(resourceId, 'quotaHeld');
        if (codes[1] !== CONDITIONAL_CHECK_FAILED) throw error;
        return 'USAGE_CHANGED';
      }
    },

    async release(resourceId) {
      const { Item } = await client().send(
        new GetCommand({ TableName: resourcesTable(), Key: { resourceId }, ConsistentRead: true }),
      );
      if (!Item?.quotaHeld) return 'NOTHING_HELD';
      const held = amountsOf(Item.quotaHeld);
      const now = new Date().toISOString();
      try {
        await client().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: resourcesTable(),
                  Key: { resourceId },
                  UpdateExpression: 'SET updatedAt = :now REMOVE quotaHeld',
                  ConditionExpression: 'attribute_exists(quotaHeld)',
                  ExpressionAttributeValues: { ':now': now },
                },
              },
              {
                Update: {
                  TableName: tenantsTable(),
                  Key: { tenantId: String(Item.tenantId) },
                  UpdateExpression:
                    'SET #used.#vcpu = #used.#vcpu - :vcpu, #used.#mem = #used.#mem - :mem, ' +
                    '#used.#sto = #used.#sto - :sto, updatedAt = :now',
                  ConditionExpression: 'attribute_exists(tenantId)',
                  ExpressionAttributeNames: {
                    '#used': 'used',
                    '#vcpu': 'vcpu',
                    '#mem': 'memoryGiB',
                    '#sto': 'storageGiB',
                  },
                  ExpressionAttributeValues: {
                    ':vcpu': held.vcpu,
                    ':mem': held.memoryGiB,
                    ':sto': held.storageGiB,
                    ':now': now,
                  },
                },
              },
            ],
          }),
        );
        return 'RELEASED';
      } catch (error) {
        return settleRefusedRelease(error, resourceId, 'quotaHeld', 'tenant');
      }
    },
  };
}

function amountsOf(value: unknown): ResourceAmounts {
  const record = (value ?? {}) as Record<string, unknown>;
  return {
    vcpu: Number(record.vcpu ?? 0),
    memoryGiB: Number(record.memoryGiB ?? 0),
    storageGiB: Number(record.storageGiB ?? 0),
  };
}

function toTenantUsage(item: Record<string, unknown>): TenantUsage {
  return { tenantId: String(item.tenantId), quotas: amountsOf(item.quotas), used: amountsOf(item.used) };
}
