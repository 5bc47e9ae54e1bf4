/** Saga step ReserveQuota ($.quota); throws QuotaExceededError, which the saga's Catch selects. */
import { ReserveQuotaCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { tenantQuotaPorts } from '../../adapters/tenant-defaults.js';
import { forResource } from '../../use-cases/log-context.js';
import { reserveQuota } from '../../use-cases/reserve-quota.js';

export const handler = sagaStep(
  { command: ReserveQuotaCommand, key: 'resourceId' },
  forResource((command) => reserveQuota(command, tenantQuotaPorts())),
);
