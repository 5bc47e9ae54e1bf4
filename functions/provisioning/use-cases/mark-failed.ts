/**
 * A saga's failure outcome, after the compensations: the resource is FAILED with a code from the caught error, the
 * audit trail says so, and ResourceProvisioningFailed.v1 is returned for the state machine to publish. Both sagas end
 * here: a provision fails from PROVISIONING (or ACTIVE), a deprovision from DEPROVISIONING, and each has its own
 * function, so their idempotency records never answer for each other.
 */

import { ResourceProvisioningFailed } from '../../../shared/contracts/events/provisioning-events.js';
import type { ResourceStatus } from '../../../shared/contracts/provisioning-api.js';
import type { MarkFailedCommand, OutcomeEvent } from '../../../shared/contracts/provisioning-saga.js';
import { ConflictError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { outcomeEvent } from '../../../shared/saga/outcome-event.js';
import { provisioningFailureOf } from '../domain/failures.js';
import { systemClock } from '../ports/clock.js';
import { recordSagaOutcome, resourceRefOf, type SagaOutcomePorts } from './saga-outcome.js';

export type FailedSaga = 'provision' | 'deprovision';

const FAILS_FROM: Readonly<Record<FailedSaga, readonly ResourceStatus[]>> = {
  provision: ['PROVISIONING', 'ACTIVE'],
  deprovision: ['DEPROVISIONING'],
};

export async function markFailed(
  command: MarkFailedCommand,
  ports: SagaOutcomePorts,
  saga: FailedSaga = 'provision',
): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  const failure = provisioningFailureOf(command.failure);
  const outcome = await ports.resources
    .markFailed(command.resourceId, failure, now, FAILS_FROM[saga])
    .catch((error: unknown) => {
      // A resource deleted since (an operator replaying a failure record parked long ago) needs no failure record:
      // its owner deleted it after it failed. Any other status is a real conflict.
      if (error instanceof ConflictError && (error.details as { status?: string } | undefined)?.status === 'DELETED') {
        logger.info('The failed resource was deleted since; nothing to record', { srn: command.srn });
        return 'UNCHANGED' as const;
      }
      throw error;
    });
  // Without its record (ValidateRequest found none) there is nothing to mark, but the failure is still announced.
  if (outcome === 'MISSING') logger.warn('The failed resource has no record', { srn: command.srn });

  metrics.addMetric('ResourceProvisioningFailed', MetricUnit.Count, 1);
  if (failure.code === 'INTERNAL') {
    // The tenant sees a generic message; the original error stays in the logs for whoever answers the alarm.
    metrics.addMetric('ResourceInternalFailure', MetricUnit.Count, 1);
    logger.error(`The ${saga} saga failed with an internal error`, {
      srn: command.srn,
      caughtError: command.failure.Error,
      caughtCause: command.failure.Cause,
    });
  } else {
    logger.info(`The ${saga} saga failed`, {
      srn: command.srn,
      code: failure.code,
      caughtError: command.failure.Error,
    });
  }
  await recordSagaOutcome(ports.audit, command, `saga.${saga}`, 'FAILED', {
    code: failure.code,
    message: failure.message,
  });

  return outcomeEvent(
    ResourceProvisioningFailed,
    { ...resourceRefOf(command), code: failure.code, message: failure.message },
    { correlationId: command.correlationId, occurredAt: now },
  );
}
