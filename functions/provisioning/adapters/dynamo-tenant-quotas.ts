/**
 * Tenants (TENANTS_TABLE_NAME, keyed by `tenantId`): `{ tenantId, quotas, used, updatedAt }`. A reservation moves the
 * tenant's `used` and marks the resource (`quotaHeld`, RESOURCES_TABLE_NAME) in one transaction, so a repeated step
 * never counts twice and a release gives back exactly what was taken.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { usageCeiling, ZERO } from '../domain/quota.js';
import type { TenantQuotas, TenantUsage } from '../ports/tenant-quotas.js';
import { readHold, resourceHolds } from './dynamo-hold.js';

export function dynamoTenantQuotas(): TenantQuotas {
  const client = () => dynamoDocumentClient();
  const tenantsTable = () => requiredEnv(tableEnv('TENANTS'));

  const find = async (tenantId: string): Promise<TenantUsage | undefined> => {
    const { Item } = await client().send(
      new GetCommand({ TableName: tenantsTable(), Key: { tenantId }, ConsistentRead: true }),
    );
    return Item ? toTenantUsage(Item) : undefined;
  };

  /** A resource holds part of its tenant's usage: the tenant is named on the resource, the amounts in the hold. */
  const quotaHolds = resourceHolds({
    marker: 'quotaHeld',
    pool: 'tenant',
    stampsCounter: true,
    releaseWhileHolding: 'any',
    resourceAttributes: ['tenantId'],
    counterOf: (held, resource) =>
      held
        ? { tableName: tenantsTable(), key: { tenantId: String(resource.tenantId) }, amount: amountsOf(held) }
        : undefined,
  });

  return {
    find,

    /** A tenant's first reservation creates its item with the default quotas; a concurrent creator wins harmlessly. */
    async findOrCreate(tenantId, defaultQuotas) {
      const existing = await find(tenantId);
      if (existing) return existing;
      const created: TenantUsage = { tenantId, quotas: defaultQuotas, used: ZERO };
      const stored = await createOrFind({
        tableName: tenantsTable(),
        key: 'tenantId',
        record: created,
        item: { ...created, updatedAt: new Date().toISOString() },
        find: () => find(tenantId),
      });
      return stored.record;
    },

    async holdOf(resourceId) {
      const resource = await readHold(resourceId, 'quotaHeld');
      if (!resource) return undefined;
      return resource.held === undefined ? {} : { held: amountsOf(resource.held) };
    },

    async hold({ tenant, resourceId, demand }) {
      const ceiling = usageCeiling(tenant.quotas, demand);
      return quotaHolds.take({
        resourceId,
        held: demand,
        counter: { tableName: tenantsTable(), key: { tenantId: tenant.tenantId }, amount: amountsOf(demand) },
        guard: {
          // `used <= quota - demand`, with the quotas the caller read: a reservation that raced ahead or a quota
          // change since the read makes the condition fail, never the quota overflow.
          condition:
            '#used.#vcpu <= :maxVcpu AND #used.#memoryGiB <= :maxMem AND #used.#storageGiB <= :maxSto AND ' +
            '#quotas.#vcpu = :quotaVcpu AND #quotas.#memoryGiB = :quotaMem AND #quotas.#storageGiB = :quotaSto',
          names: { '#quotas': 'quotas' },
          values: {
            ':maxVcpu': ceiling.vcpu,
            ':maxMem': ceiling.memoryGiB,
            ':maxSto': ceiling.storageGiB,
            ':quotaVcpu': tenant.quotas.vcpu,
            ':quotaMem': tenant.quotas.memoryGiB,
            ':quotaSto': tenant.quotas.storageGiB,
          },
        },
        refused: 'USAGE_CHANGED',
      });
    },

    release: async (resourceId) => quotaHolds.release(resourceId),
  };
}

/** The three amounts of a value (a stored hold, quotas or usage, or a demand), and no other attribute. */
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
