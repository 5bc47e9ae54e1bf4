/**
 * Drives the planned provisioning lifecycles through the real API: each tenant's administrator creates a project,
 * then members request resources, wait for them to be ACTIVE or FAILED, and delete them as planned, retrying as a good
 * client does (chaos/api-client.ts).
 */
import { ApiClient, devBearerTokens, errorCode, withClients } from './api-client.js';
import type { ProvisioningLifecyclePlan } from './provisioning-plan.js';

export interface LifecycleRecord {
  readonly plan: ProvisioningLifecyclePlan;
  readonly resourceId: string | undefined;
  /**
   * Where the lifecycle ended as the client saw it: ACTIVE (kept), DELETED, FAILED (provisioning or deprovisioning
   * failed), REFUSED (the API turned the request down: quota, capacity), or STUCK (not settled within the bound).
   */
  readonly finalStatus: 'ACTIVE' | 'DELETED' | 'FAILED' | 'REFUSED' | 'STUCK';
  readonly reason?: string;
  /** How the provisioning itself ended (ACTIVE or FAILED, with its failure code), when the client waited for it. */
  readonly provisioned?: { readonly status: string; readonly reason?: string };
}

export interface ProvisioningDriverOptions {
  readonly apiUrl: string;
  readonly concurrency: number;
  /** How long a resource may stay PROVISIONING or DEPROVISIONING before the lifecycle counts as stuck. */
  readonly terminationBoundMs: number;
  readonly onLifecycleEnded?: (record: LifecycleRecord) => void;
}

const POLL_MS = 500;

export async function driveProvisioning(
  plans: readonly ProvisioningLifecyclePlan[],
  options: ProvisioningDriverOptions,
): Promise<LifecycleRecord[]> {
  const bearer = devBearerTokens();
  const projects = await createProjects(plans, options.apiUrl, bearer);
  return withClients(plans, options.concurrency, async (plan) => {
    const member = await bearer({ sub: `${plan.tenant}-member`, roles: ['member'], tenant: plan.tenant });
    const record = await runLifecycle(plan, projects.get(plan.tenant), member, options);
    options.onLifecycleEnded?.(record);
    return record;
  });
}

/** One project per tenant, created by its administrator (with faults, like any other request of a saga's client). */
async function createProjects(
  plans: readonly ProvisioningLifecyclePlan[],
  apiUrl: string,
  bearer: ReturnType<typeof devBearerTokens>,
): Promise<Map<string, string | undefined>> {
  const projects = new Map<string, string | undefined>();
  for (const tenant of new Set(plans.map((plan) => plan.tenant))) {
    const admin = await bearer({ sub: `${tenant}-admin`, roles: ['tenant-admin'], tenant });
    const api = new ApiClient(apiUrl, `${tenant}-project`);
    const created = await api.send('POST', 'projects', admin, { name: 'chaos' }, `${tenant}-project`);
    projects.set(tenant, (created.body as { projectId?: string } | undefined)?.projectId);
  }
  return projects;
}

async function runLifecycle(
  plan: ProvisioningLifecyclePlan,
  projectId: string | undefined,
  member: string,
  options: ProvisioningDriverOptions,
): Promise<LifecycleRecord> {
  if (!projectId) return { plan, resourceId: undefined, finalStatus: 'REFUSED', reason: 'NO_PROJECT' };
  const api = new ApiClient(options.apiUrl, plan.correlationId);
  const requested = await api.send(
    'POST',
    `projects/${projectId}/resources`,
    member,
    { type: plan.type, flavor: plan.flavor, region: plan.region, name: `chaos-${plan.index}` },
    `${plan.correlationId}-create`,
  );
  const resourceId = (requested.body as { resourceId?: string } | undefined)?.resourceId;
  if (requested.status !== 202 || !resourceId) {
    return {
      plan,
      resourceId,
      finalStatus: requested.status >= 500 ? 'STUCK' : 'REFUSED',
      reason: errorCode(requested),
    };
  }
  const deadline = () => Date.now() + options.terminationBoundMs;

  if (plan.deleteWhen === 'duringProvisioning') {
    // Refused with 409 RESOURCE_BUSY while PROVISIONING; the client asks again until the resource settles.
    const until = deadline();
    for (;;) {
      const deleted = await api.send('DELETE', `resources/${resourceId}`, member);
      if (deleted.status === 202) break;
      if (errorCode(deleted) !== 'RESOURCE_BUSY' || Date.now() > until) {
        return { plan, resourceId, finalStatus: 'STUCK', reason: `DELETE ${errorCode(deleted)}` };
      }
      await pause(POLL_MS);
    }
    return deleteAgainIfFailed(api, member, resourceId, plan, options.terminationBoundMs, deadline());
  }

  const settled = await settle(api, member, resourceId, plan, ['ACTIVE', 'FAILED'], deadline());
  const provisioned = { status: settled.finalStatus, reason: settled.reason };
  if (plan.deleteWhen === 'never' || settled.finalStatus === 'STUCK') return { ...settled, provisioned };
  const deletions = plan.deletionCorrelationId ? new ApiClient(options.apiUrl, plan.deletionCorrelationId) : api;
  const deleted = await deletions.send('DELETE', `resources/${resourceId}`, member);
  if (deleted.status !== 202) {
    return { plan, resourceId, finalStatus: 'STUCK', reason: `DELETE ${errorCode(deleted)}`, provisioned };
  }
  const ended = await deleteAgainIfFailed(deletions, member, resourceId, plan, options.terminationBoundMs, deadline());
  return { ...ended, provisioned };
}

/** Deletions a client tries before it gives up on a resource whose deprovisioning keeps failing. */
const DELETION_ATTEMPTS = 3;

/**
 * Waits for a deletion to end; a resource whose deprovisioning failed is deleted again, as its owner would (each
 * attempt runs a deprovision saga of its own), until it is gone or the attempts run out.
 */
async function deleteAgainIfFailed(
  api: ApiClient,
  member: string,
  resourceId: string,
  plan: ProvisioningLifecyclePlan,
  boundMs: number,
  deadline: number,
): Promise<LifecycleRecord> {
  let ended = await settle(api, member, resourceId, plan, ['DELETED', 'FAILED'], deadline);
  for (let attempt = 2; attempt <= DELETION_ATTEMPTS && ended.finalStatus === 'FAILED'; attempt++) {
    const again = await api.send('DELETE', `resources/${resourceId}`, member);
    if (again.status !== 202) return { plan, resourceId, finalStatus: 'STUCK', reason: `DELETE ${errorCode(again)}` };
    ended = await settle(api, member, resourceId, plan, ['DELETED', 'FAILED'], Date.now() + boundMs);
  }
  return ended;
}

/** Polls the resource until its status is one of `ends`. */
async function settle(
  api: ApiClient,
  member: string,
  resourceId: string,
  plan: ProvisioningLifecyclePlan,
  ends: readonly LifecycleRecord['finalStatus'][],
  deadline: number,
): Promise<LifecycleRecord> {
  for (;;) {
    const view = await api.send('GET', `resources/${resourceId}`, member);
    const body = view.body as { status?: string; failure?: { code?: string } } | undefined;
    const status = body?.status as LifecycleRecord['finalStatus'] | undefined;
    if (status && ends.includes(status)) return { plan, resourceId, finalStatus: status, reason: body?.failure?.code };
    if (Date.now() > deadline) return { plan, resourceId, finalStatus: 'STUCK', reason: `still ${status}` };
    await pause(POLL_MS);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
