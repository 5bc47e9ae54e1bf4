/**
 * The `checkout-agent` role of a service account (docs/adr/0038-service-accounts.md §8): an account may hold it, it
 * reaches nothing on the API, and a service account still cannot be an admin.
 */
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../shared/contracts/api-routes.js';
import { CreateServiceAccountBody } from '../../../shared/contracts/identity-api.js';

/** Where the authorizer's policy lets a platform token go (`functions/platform/domain/authorizer-policy.ts`). */
const reachableByAProjectScopedToken = (path: string) =>
  path.startsWith('/projects/{') || path.startsWith('/resources/');

describe('the checkout-agent role of service accounts', () => {
  it('may be given to a service account', () => {
    // Act
    const parsed = CreateServiceAccountBody.safeParse({ name: 'shopper-bot', role: 'checkout-agent' });

    // Assess
    expect(parsed.success).toBe(true);
  });

  it.each(['tenant-admin', 'admin', 'support'])('is no way to make a service account %s', (role) => {
    // Act
    const parsed = CreateServiceAccountBody.safeParse({ name: 'shopper-bot', role });

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('grants nothing on the routes a project-scoped token can reach: each of them names its roles, never it', () => {
    // Prepare
    const reachable = apiRoutes.filter((route) => !route.public && reachableByAProjectScopedToken(route.path));

    // Assess
    expect(reachable.length).toBeGreaterThan(0);
    for (const route of reachable) {
      expect(route.roles, `${route.method} ${route.path}`).toBeDefined();
      expect(route.roles, `${route.method} ${route.path}`).not.toContain('checkout-agent');
    }
  });

  it('is named by no route of the API at all', () => {
    // Assess
    expect(apiRoutes.flatMap((route) => route.roles ?? [])).not.toContain('checkout-agent');
  });
});
