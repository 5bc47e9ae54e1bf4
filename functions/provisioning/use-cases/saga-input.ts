/**
 * The input a resource's sagas start from: the resource as recorded, plus who asked and when. Creating a resource
 * starts the provision saga with it, deleting one the deprovision saga; both sagas' steps parse the same commands
 * (shared/contracts/provisioning-saga.ts), so the input is built here once for both.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { ProvisionSagaInput } from '../../../shared/contracts/provisioning-saga.js';
import { resourceRequestOf } from '../domain/resource-request.js';
import type { ResourceRecord } from '../ports/resources.js';
import { actorOf } from './authorize.js';

export interface SagaRequest {
  /** Who asked: the resource's creator for a provision, whoever deletes it for a deprovision. */
  readonly principal: Principal;
  readonly correlationId: string;
  /** When: the resource's creation for a provision, the deletion's request for a deprovision. */
  readonly requestedAt: string;
  /** The deprovision saga's only: which deletion of the resource it carries out (1, then 2 after a failed one...). */
  readonly deletionAttempt?: number;
}

export function sagaInputFor(resource: ResourceRecord, request: SagaRequest): ProvisionSagaInput {
  return {
    resourceId: resource.resourceId,
    srn: resource.srn,
    tenantId: resource.tenantId,
    projectId: resource.projectId,
    ...resourceRequestOf(resource),
    correlationId: request.correlationId,
    requestedBy: actorOf(request.principal),
    requestedAt: request.requestedAt,
    ...(request.deletionAttempt === undefined ? {} : { deletionAttempt: request.deletionAttempt }),
  };
}
