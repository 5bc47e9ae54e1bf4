/**
 * Request and response bodies of the provisioning API, and the shapes every provisioning contract shares (resource
 * types, statuses, SRNs). `PROVISIONING_API_ROUTES` describes the routes for `api-routes.ts` and the OpenAPI document.
 */
import * as z from 'zod';
import type { ApiRoute } from './api-route.js';
import { Identifier, Srn } from './common.js';

export const ResourceType = z.enum(['vm', 'volume']);
export type ResourceType = z.infer<typeof ResourceType>;

export const ResourceStatus = z.enum(['PROVISIONING', 'ACTIVE', 'FAILED', 'DEPROVISIONING', 'DELETED']);
export type ResourceStatus = z.infer<typeof ResourceStatus>;

/** Why a resource failed; the codes MarkFailed derives from the saga's caught error. */
export const ProvisioningFailureCode = z.enum([
  'QUOTA_EXCEEDED',
  'CAPACITY_UNAVAILABLE',
  'PROVISIONING_FAILED',
  'WORKER_TIMEOUT',
  'WORKERS_BUSY',
  'INTERNAL',
]);
export type ProvisioningFailureCode = z.infer<typeof ProvisioningFailureCode>;

/** Micro-dollars: integer millionths of a dollar, so that rates and amounts never round. */
const Micros = z.int().min(0);

export const CreateProjectBody = z.object({ name: z.string().trim().min(1).max(64) }).strict();
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

export const ProjectView = z.object({
  projectId: Identifier,
  name: z.string(),
  tenantId: z.string(),
  createdAt: z.string(),
});
export type ProjectView = z.infer<typeof ProjectView>;

/**
 * Flavor and region are free strings here and checked against the catalog by the domain, which names the offending
 * field (and, for a flavor of the other type, says so) in one 400 answer.
 */
export const RequestResourceBody = z
  .object({
    type: ResourceType,
    flavor: z.string().min(1).max(64).describe('e.g. vm.small, vm.medium, vm.large, vol.standard-10'),
    region: z.string().min(1).max(32).describe('eu-west-1 or us-east-1'),
    name: z.string().trim().min(1).max(64),
  })
  .strict();
export type RequestResourceBody = z.infer<typeof RequestResourceBody>;

export const ResourceAccepted = z.object({ resourceId: Identifier, srn: Srn, status: z.literal('PROVISIONING') });
export type ResourceAccepted = z.infer<typeof ResourceAccepted>;

/** What `DELETE /resources/{id}` answers, the first time and on every repeat. */
export const ResourceDeletionAccepted = z.object({
  resourceId: Identifier,
  srn: Srn,
  status: z.enum(['DEPROVISIONING', 'DELETED']),
});
export type ResourceDeletionAccepted = z.infer<typeof ResourceDeletionAccepted>;

export const ResourceFailure = z.object({ code: ProvisioningFailureCode, message: z.string() });
export type ResourceFailure = z.infer<typeof ResourceFailure>;

const SagaStepView = z.object({ name: z.string(), status: z.string(), at: z.string() });

export const ResourceView = z.object({
  resourceId: Identifier,
  srn: Srn,
  projectId: Identifier,
  type: ResourceType,
  flavor: z.string(),
  region: z.string(),
  name: z.string(),
  status: ResourceStatus,
  failure: ResourceFailure.optional(),
  nodeId: z.string().optional(),
  ipAddress: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(SagaStepView).describe('Provision saga steps, then deprovision saga steps'),
});
export type ResourceView = z.infer<typeof ResourceView>;

export const UsageLine = z.object({
  resourceId: Identifier,
  srn: Srn,
  flavor: z.string(),
  seconds: z.number().min(0),
  amountMicros: Micros,
});
export type UsageLine = z.infer<typeof UsageLine>;

/** UTC hour, `YYYY-MM-DDTHH`. */
const UsagePeriod = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/, 'YYYY-MM-DDTHH (UTC hour)');

export const UsageView = z.object({
  projectId: Identifier,
  periods: z.array(z.object({ period: UsagePeriod, lines: z.array(UsageLine), totalMicros: Micros })),
  totalMicros: Micros,
});
export type UsageView = z.infer<typeof UsageView>;

export const ProjectPath = z.object({ projectId: Identifier });
export const ResourcePath = z.object({ resourceId: Identifier });

/** The provisioning routes, for `apiRoutes` (and so the OpenAPI document and the API construct). */
export const PROVISIONING_API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/projects',
    handler: 'CreateProject',
    summary: "Create a project in the caller's tenant (tenant-admin)",
    idempotencyKey: true,
    roles: ['tenant-admin'],
    body: CreateProjectBody,
    success: { status: 201, schema: ProjectView },
    errors: [400, 409],
  },
  {
    method: 'GET',
    path: '/projects/{projectId}',
    handler: 'GetProject',
    summary: "A project of the caller's tenant (viewer and above)",
    roles: ['viewer', 'member', 'tenant-admin'],
    pathParameters: ProjectPath,
    success: { status: 200, schema: ProjectView },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/projects/{projectId}/resources',
    handler: 'RequestResource',
    summary: 'Provision a VM or volume: checks quota, then starts the provisioning saga (member and above)',
    idempotencyKey: true,
    roles: ['member', 'tenant-admin'],
    pathParameters: ProjectPath,
    body: RequestResourceBody,
    success: { status: 202, schema: ResourceAccepted },
    errors: [400, 404, 409, 422, 503],
  },
  {
    method: 'GET',
    path: '/resources/{resourceId}',
    handler: 'GetResource',
    summary: 'A resource with its status, failure and saga steps (viewer and above)',
    roles: ['viewer', 'member', 'tenant-admin'],
    pathParameters: ResourcePath,
    success: { status: 200, schema: ResourceView },
    errors: [400, 404],
  },
  {
    method: 'DELETE',
    path: '/resources/{resourceId}',
    handler: 'DeleteResource',
    summary: 'Deprovision an ACTIVE or FAILED resource; repeats answer the same (member and above)',
    roles: ['member', 'tenant-admin'],
    pathParameters: ResourcePath,
    success: { status: 202, schema: ResourceDeletionAccepted },
    errors: [400, 404, 409, 503],
  },
  {
    method: 'GET',
    path: '/projects/{projectId}/usage',
    handler: 'GetUsage',
    summary: 'Metered usage of a project by UTC hour, in micro-dollars (viewer and above)',
    roles: ['viewer', 'member', 'tenant-admin'],
    pathParameters: ProjectPath,
    success: { status: 200, schema: UsageView },
    errors: [400, 404],
  },
];
