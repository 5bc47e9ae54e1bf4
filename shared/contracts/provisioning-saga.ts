/**
 * The provisioning and deprovisioning sagas' state. Both sagas start from the same input (the deprovision saga's
 * `requestedBy` is whoever asked to delete). Every step Lambda receives the whole state and parses the part it needs;
 * steps write their results under their own key (ResultPath), named in each schema's comment.
 */
import * as z from 'zod';
import { CaughtFailure, CorrelationId, Identifier, OutcomeEvent, Srn } from './common.js';
import { ResourceType } from './provisioning-api.js';
import { DestroyedNode, ProvisionedNode } from './provisioning-worker.js';

export { OutcomeEvent };

/** Who asked, as the API's authorizer verified it; kept for the audit trail. */
const Requester = z.object({ sub: z.string().min(1), tenant: z.string().min(1), roles: z.array(z.string()) });

export const ProvisionSagaInput = z.object({
  resourceId: Identifier,
  srn: Srn,
  tenantId: z.string().min(1),
  projectId: Identifier,
  type: ResourceType,
  flavor: z.string().min(1),
  region: z.string().min(1),
  name: z.string().min(1),
  correlationId: CorrelationId,
  requestedBy: Requester,
  requestedAt: z.string(),
  /** The deprovision saga's: which deletion of the resource it carries out (1, then 2 after a failed one...). */
  deletionAttempt: z.int().min(1).optional(),
});
export type ProvisionSagaInput = z.infer<typeof ProvisionSagaInput>;

/**
 * The deprovision saga starts from the same fields; `requestedBy`/`requestedAt` are the deletion's.
 * @alias A second name on purpose, as for the step commands below.
 */
export const DeprovisionSagaInput = ProvisionSagaInput;
export type DeprovisionSagaInput = ProvisionSagaInput;

export const ResourceAmounts = z.object({
  vcpu: z.int().min(0),
  memoryGiB: z.int().min(0),
  storageGiB: z.int().min(0),
});
export type ResourceAmounts = z.infer<typeof ResourceAmounts>;

/** `$.quota`: what the tenant's usage went up by; `alreadyReserved` when an earlier attempt did it. */
export const QuotaReservation = z.object({ reserved: ResourceAmounts, alreadyReserved: z.boolean() });
export type QuotaReservation = z.infer<typeof QuotaReservation>;

/** `$.capacity` */
export const CapacityReservation = z.object({
  region: z.string(),
  flavor: z.string(),
  alreadyReserved: z.boolean(),
});
export type CapacityReservation = z.infer<typeof CapacityReservation>;

/** `$.storage`: a VM's boot volume; a volume is storage itself and attaches nothing. */
export const StorageAttachment = z.object({ attached: z.boolean(), bootVolumeId: z.string().optional() });
export type StorageAttachment = z.infer<typeof StorageAttachment>;

/** `$.network`: a VM's address on its region's network; a volume has none. */
export const NetworkConfiguration = z.object({
  configured: z.boolean(),
  networkId: z.string().optional(),
  ipAddress: z.string().optional(),
});
export type NetworkConfiguration = z.infer<typeof NetworkConfiguration>;

/** `$.meter` */
export const MeterStarted = z.object({
  meterId: z.string(),
  startedAt: z.string(),
  ratePerHourMicros: z.int().min(0),
  alreadyStarted: z.boolean(),
});
export type MeterStarted = z.infer<typeof MeterStarted>;

// Each step's input: the saga input plus the results of the steps before it that the step reads. A step that reads
// nothing more has its own name for the saga input all the same (`@alias`), so that its handler names its command.
/** @alias */
export const ValidateRequestCommand = ProvisionSagaInput;
/** @alias */
export const ReserveQuotaCommand = ProvisionSagaInput;
/** @alias */
export const ReleaseQuotaCommand = ProvisionSagaInput;
/** @alias */
export const ReserveCapacityCommand = ProvisionSagaInput;
/**
 * `$.destruction`: in the deprovision saga, what the node agent answered to `destroy` (`DestroyedNode`), read before
 * anything is released, for the same reason as `$.worker` below: an answer outside the contract (`{ destroyed: false }`
 * from any holder of the token) fails ReleaseCapacity with `ValidationError`, so the capacity and quota of a
 * resource that may still run are kept and the deprovisioning is recorded as failed. As a compensation of the
 * provision saga it has no such answer (the destroy's result is discarded there).
 */
export const ReleaseCapacityCommand = ProvisionSagaInput.extend({ destruction: DestroyedNode.optional() });
/**
 * `$.worker`: what the node agent answered to `provision` through SendTaskSuccess, held to the worker's own contract
 * (`ProvisionedNode`). Step Functions takes any JSON a holder of the task token sends, so the first step after
 * DispatchToWorker reads it: an answer that does not match fails AttachStorage with `ValidationError` before any
 * step wrote a thing, and the saga compensates (DestroyResource, ...) instead of marking the resource ACTIVE.
 */
export const AttachStorageCommand = ProvisionSagaInput.extend({ worker: ProvisionedNode });
/** @alias */
export const DetachStorageCommand = ProvisionSagaInput;
export const ConfigureNetworkCommand = ProvisionSagaInput.extend({ worker: ProvisionedNode });
/** @alias */
export const StartBillingCommand = ProvisionSagaInput;
/** @alias */
export const StopBillingCommand = ProvisionSagaInput;
export const MarkActiveCommand = ProvisionSagaInput.extend({ worker: ProvisionedNode.optional() });
export const MarkFailedCommand = ProvisionSagaInput.extend({ failure: CaughtFailure });
/** @alias */
export const MarkDeletedCommand = ProvisionSagaInput;

export type ResourceStepCommand = ProvisionSagaInput;
export type ConfigureNetworkCommand = z.infer<typeof ConfigureNetworkCommand>;
export type MarkActiveCommand = z.infer<typeof MarkActiveCommand>;
export type MarkFailedCommand = z.infer<typeof MarkFailedCommand>;
