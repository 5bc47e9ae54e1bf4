/** Resources (RESOURCES_TABLE_NAME): every VM and volume, with its lifecycle status. */
import type { ResourceFailure, ResourceStatus, ResourceType } from '../../../shared/contracts/provisioning-api.js';
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';

interface StorageRecord {
  readonly bootVolumeId: string;
  readonly attachedAt: string;
}

export interface ResourceRecord {
  readonly resourceId: string;
  readonly srn: string;
  readonly tenantId: string;
  readonly projectId: string;
  readonly type: ResourceType;
  readonly flavor: string;
  readonly region: string;
  readonly name: string;
  readonly status: ResourceStatus;
  readonly failure?: ResourceFailure;
  readonly executionArn?: string;
  /** The saga of the current deletion attempt; removed when a new attempt starts. */
  readonly deprovisionExecutionArn?: string;
  /** How many times deletion was asked of an ACTIVE or FAILED resource: names each attempt's saga. */
  readonly deletionAttempts?: number;
  readonly nodeId?: string;
  readonly ipAddress?: string;
  readonly networkId?: string;
  readonly storage?: StorageRecord;
  /** What ReserveQuota added to the tenant's usage; present exactly while it is held. */
  readonly quotaHeld?: ResourceAmounts;
  /** The capacity row (`<region>#<flavor>`) ReserveCapacity took a slot of; present exactly while it is held. */
  readonly capacityHeld?: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type NewResource = Pick<
  ResourceRecord,
  'resourceId' | 'srn' | 'tenantId' | 'projectId' | 'type' | 'flavor' | 'region' | 'name' | 'createdBy' | 'createdAt'
>;

/** What a lifecycle transition did. `UNCHANGED`: the resource was already in the target status (a repeated step). */
export type TransitionOutcome = 'CHANGED' | 'UNCHANGED' | 'MISSING';

export interface Resources {
  find(resourceId: string): Promise<ResourceRecord | undefined>;
  /** Creates the resource as PROVISIONING unless its id is taken; then answers the resource that holds the id. */
  create(resource: NewResource): Promise<{ created: boolean; resource: ResourceRecord }>;
  attachExecution(
    resourceId: string,
    saga: 'provision' | 'deprovision',
    executionArn: string,
    at: string,
  ): Promise<void>;
  /** PROVISIONING → ACTIVE. Any other status but ACTIVE is a ConflictError. */
  markActive(resourceId: string, at: string): Promise<TransitionOutcome>;
  /** PROVISIONING or ACTIVE → FAILED (the saga may compensate after MarkActive). FAILED stays as it was. */
  /** Moves the resource to FAILED from one of `from` (PROVISIONING/ACTIVE for a provision, DEPROVISIONING for a delete). */
  markFailed(
    resourceId: string,
    failure: ResourceFailure,
    at: string,
    from: readonly ResourceStatus[],
  ): Promise<TransitionOutcome>;
  /**
   * ACTIVE or FAILED → DEPROVISIONING as deletion attempt `attempt`, forgetting the saga of an earlier attempt;
   * `UNCHANGED` when already DEPROVISIONING; otherwise a ConflictError.
   */
  requestDeletion(resourceId: string, at: string, attempt: number): Promise<TransitionOutcome>;
  /** DEPROVISIONING → DELETED. */
  markDeleted(resourceId: string, at: string): Promise<TransitionOutcome>;
  /** Records the boot volume once; `UNCHANGED` when one is recorded already. */
  recordStorage(resourceId: string, storage: StorageRecord, at: string): Promise<TransitionOutcome>;
  /** Removes the boot volume; `UNCHANGED` when there is none. */
  removeStorage(resourceId: string, at: string): Promise<TransitionOutcome>;
  /** Records where the resource runs (and, for a VM, its address); the same values again change nothing. */
  recordNetwork(
    resourceId: string,
    network: { nodeId: string; ipAddress?: string | undefined; networkId?: string | undefined },
    at: string,
  ): Promise<TransitionOutcome>;
}
