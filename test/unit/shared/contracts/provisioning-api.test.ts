import { describe, expect, it } from 'vitest';
import { PROVISIONING_API_ROUTES, RequestResourceBody } from '../../../../shared/contracts/provisioning-api.js';

describe('API contract', () => {
  it('refuses request bodies with unknown fields or types', () => {
    // Assess
    expect(
      RequestResourceBody.safeParse({ type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'a' }).success,
    ).toBe(true);
    expect(RequestResourceBody.safeParse({ type: 'gpu', flavor: 'x', region: 'y', name: 'a' }).success).toBe(false);
    expect(
      RequestResourceBody.safeParse({ type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'a', tenantId: 't' })
        .success,
    ).toBe(false);
  });

  it('describes the six routes with the roles and statuses the handlers use', () => {
    // Assess
    expect(PROVISIONING_API_ROUTES.map((route) => `${route.method} ${route.path} ${route.success.status}`)).toEqual([
      'POST /projects 201',
      'GET /projects/{projectId} 200',
      'POST /projects/{projectId}/resources 202',
      'GET /resources/{resourceId} 200',
      'DELETE /resources/{resourceId} 202',
      'GET /projects/{projectId}/usage 200',
    ]);
    const request = PROVISIONING_API_ROUTES.find((route) => route.path === '/projects/{projectId}/resources');
    expect(request?.errors).toEqual(expect.arrayContaining([404, 409, 422]));
    expect(request?.idempotencyKey).toBe(true);
  });
});
