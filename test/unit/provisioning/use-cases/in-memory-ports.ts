/**
 * In-memory stand-ins for the provisioning ports the resource use cases need, with the transitions the port
 * documents (functions/provisioning/ports/resources.ts): a use case is tested against what the port promises, not
 * against the SDK calls of one adapter.
 */
import type { AuditEntry, AuditTrail } from '../../../../functions/provisioning/ports/audit.js';
import type { ProjectRecord, Projects } from '../../../../functions/provisioning/ports/projects.js';
import type {
  ResourceRecord,
  Resources,
  TransitionOutcome,
} from '../../../../functions/provisioning/ports/resources.js';
import type { ProvisioningSagas, SagaExecutionStatus } from '../../../../functions/provisioning/ports/sagas.js';
import type { TenantQuotas } from '../../../../functions/provisioning/ports/tenant-quotas.js';
import type { ResourceStatus } from '../../../../shared/contracts/provisioning-api.js';
import type { ProvisionSagaInput } from '../../../../shared/contracts/provisioning-saga.js';
import { ConflictError } from '../../../../shared/errors.js';
import type { ExecutionHistoryEvent } from '../../../../shared/saga/execution-steps.js';

export const FIXED_NOW = new Date('2026-03-04T05:06:07.000Z');
export const fixedClock = () => FIXED_NOW;

/** The resources table in memory. */
export function inMemoryResources(initial: readonly ResourceRecord[] = []) {
  const records = new Map(initial.map((record) => [record.resourceId, record]));
  const move = (
    resourceId: string,
    from: readonly ResourceStatus[],
    to: ResourceStatus,
    at: string,
    changes: Partial<ResourceRecord> = {},
  ): TransitionOutcome => {
    const record = records.get(resourceId);
    if (!record) return 'MISSING';
    if (record.status === to) return 'UNCHANGED';
    if (!from.includes(record.status)) {
      throw new ConflictError('RESOURCE_STATUS', `Resource ${resourceId} is ${record.status}`, {
        status: record.status,
      });
    }
    records.set(resourceId, { ...record, ...changes, status: to, updatedAt: at });
    return 'CHANGED';
  };
  const notUsedHere = (): never => {
    throw new Error('not used by the use cases tested here');
  };

  const resources: Resources = {
    find: async (resourceId) => records.get(resourceId),
    async create(resource) {
      const taken = records.get(resource.resourceId);
      if (taken) return { created: false, resource: taken };
      const created: ResourceRecord = { ...resource, status: 'PROVISIONING', updatedAt: resource.createdAt };
      records.set(resource.resourceId, created);
      return { created: true, resource: created };
    },
    async attachExecution(resourceId, saga, executionArn) {
      const record = records.get(resourceId);
      if (!record) return;
      const arn = saga === 'provision' ? { executionArn } : { deprovisionExecutionArn: executionArn };
      records.set(resourceId, { ...record, ...arn });
    },
    markActive: async (resourceId, at) => move(resourceId, ['PROVISIONING'], 'ACTIVE', at),
    markFailed: async (resourceId, failure, at, from) => move(resourceId, from, 'FAILED', at, { failure }),
    requestDeletion: async (resourceId, at, attempt) =>
      move(resourceId, ['ACTIVE', 'FAILED'], 'DEPROVISIONING', at, {
        deletionAttempts: attempt,
        deprovisionExecutionArn: undefined,
      }),
    markDeleted: async (resourceId, at) => move(resourceId, ['DEPROVISIONING'], 'DELETED', at),
    recordStorage: notUsedHere,
    removeStorage: notUsedHere,
    recordNetwork: notUsedHere,
  };
  return { resources, records };
}

/** Both sagas, remembering every start; executions answer the status and history they are given. */
export function recordingSagas(executions: { status?: SagaExecutionStatus; history?: ExecutionHistoryEvent[] } = {}) {
  const provisions: ProvisionSagaInput[] = [];
  const deprovisions: { input: ProvisionSagaInput; attempt: number }[] = [];
  const sagas: ProvisioningSagas = {
    async startProvision(input) {
      provisions.push(input);
      return { executionArn: `arn:provision:${input.resourceId}` };
    },
    async startDeprovision(input, attempt) {
      deprovisions.push({ input, attempt });
      return { executionArn: `arn:deprovision:${input.resourceId}:${attempt}` };
    },
    status: async () => executions.status,
    history: async () => executions.history ?? [],
  };
  return { sagas, provisions, deprovisions };
}

export function recordingAudit() {
  const entries: AuditEntry[] = [];
  const audit: AuditTrail = {
    async record(entry) {
      entries.push(entry);
    },
  };
  return { audit, entries };
}

export function inMemoryProjects(initial: readonly ProjectRecord[]): Projects {
  const records = new Map(initial.map((project) => [project.projectId, project]));
  return {
    find: async (projectId) => records.get(projectId),
    async create(project) {
      const taken = records.get(project.projectId);
      if (taken) return { created: false, project: taken };
      records.set(project.projectId, project);
      return { created: true, project };
    },
  };
}

/** Tenants without an item yet: the API's pre-check decides on the default quotas and no usage. */
export const noTenantsYet: TenantQuotas = {
  find: async () => undefined,
  findOrCreate: async (tenantId, quotas) => ({ tenantId, quotas, used: { vcpu: 0, memoryGiB: 0, storageGiB: 0 } }),
  holdOf: async () => undefined,
  hold: async () => 'RESOURCE_GONE',
  release: async () => 'NOTHING_HELD',
};
