/** Compensation of ReserveQuota, and a deprovision step. */
import { ReleaseQuotaCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoTenantQuotas } from '../../adapters/dynamo-tenant-quotas.js';
import { forResource } from '../../use-cases/log-context.js';
import { releaseQuota } from '../../use-cases/release-quota.js';

export const handler = sagaStep(
  { command: ReleaseQuotaCommand, key: 'resourceId' },
  forResource((command) => releaseQuota(command, { quotas: dynamoTenantQuotas() })),
);
