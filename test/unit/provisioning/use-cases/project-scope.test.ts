import { describe, expect, it } from 'vitest';
import { findTenantProject, findTenantResource } from '../../../../functions/provisioning/use-cases/tenant-projects.js';
import type { Principal } from '../../../../shared/contracts/common.js';
import { NotFoundError } from '../../../../shared/errors.js';
import { MEMBER, PROJECT_ID, RESOURCE_ID, SRN } from '../harness.js';
import { inMemoryProjects, inMemoryResources } from './in-memory-ports.js';

const PROJECT = { projectId: PROJECT_ID, tenantId: 'tenant-a', name: 'web', createdBy: 'user-ada', createdAt: 'x' };
const OTHER_PROJECT = { ...PROJECT, projectId: 'prj_000000000000000000000002' };
const RESOURCE = {
  resourceId: RESOURCE_ID,
  srn: SRN,
  tenantId: 'tenant-a',
  projectId: PROJECT_ID,
  type: 'vm' as const,
  flavor: 'vm.small',
  region: 'eu-west-1',
  name: 'web-1',
  status: 'ACTIVE' as const,
  createdBy: 'user-max',
  createdAt: 'x',
  updatedAt: 'x',
};

/** A service account of the tenant, scoped to PROJECT_ID (docs/service-accounts.md). */
const SCOPED: Principal = {
  sub: 'sa_000000000000000000000001',
  tenant: 'tenant-a',
  roles: ['member'],
  project: PROJECT_ID,
};
const SCOPED_ELSEWHERE: Principal = { ...SCOPED, project: OTHER_PROJECT.projectId };

describe('the project scope of a service account (provisioning use cases)', () => {
  it('finds the project and the resources of its own project', async () => {
    // Prepare
    const projects = inMemoryProjects([PROJECT]);
    const { resources } = inMemoryResources([RESOURCE]);

    // Act
    const project = await findTenantProject(PROJECT_ID, SCOPED, projects);
    const resource = await findTenantResource(RESOURCE_ID, SCOPED, resources);

    // Assess
    expect(project.projectId).toBe(PROJECT_ID);
    expect(resource.resourceId).toBe(RESOURCE_ID);
  });

  it("answers another project of the same tenant, and that project's resources, as not found", async () => {
    // Prepare
    const projects = inMemoryProjects([PROJECT, OTHER_PROJECT]);
    const { resources } = inMemoryResources([RESOURCE]);

    // Act
    const project = findTenantProject(PROJECT_ID, SCOPED_ELSEWHERE, projects);
    const resource = findTenantResource(RESOURCE_ID, SCOPED_ELSEWHERE, resources);

    // Assess
    await expect(project).rejects.toBeInstanceOf(NotFoundError);
    await expect(resource).rejects.toBeInstanceOf(NotFoundError);
  });

  it('leaves people, who carry no scope, to their tenant', async () => {
    // Prepare
    const projects = inMemoryProjects([OTHER_PROJECT]);

    // Act
    const project = await findTenantProject(OTHER_PROJECT.projectId, MEMBER, projects);

    // Assess
    expect(project.projectId).toBe(OTHER_PROJECT.projectId);
  });
});
