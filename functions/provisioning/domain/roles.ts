/**
 * Who may do what inside a tenant. Roles nest: a tenant-admin is also a member, a member also a viewer. Roles of
 * other contexts (`customer`, `support`, `admin`) grant nothing here. Pure: no AWS imports.
 */

const PROVISIONING_ROLES = ['viewer', 'member', 'tenant-admin'] as const;
export type ProvisioningRole = (typeof PROVISIONING_ROLES)[number];

const RANK: Readonly<Record<ProvisioningRole, number>> = { viewer: 1, member: 2, 'tenant-admin': 3 };

function rankOf(role: string): number {
  return Object.hasOwn(RANK, role) ? RANK[role as ProvisioningRole] : 0;
}

/** Whether any of the held roles is `required` or above it. */
export function holdsRole(heldRoles: readonly string[], required: ProvisioningRole): boolean {
  return heldRoles.some((role) => rankOf(role) >= RANK[required]);
}

/** The highest provisioning role held, for logs and audit details. */
export function highestRole(heldRoles: readonly string[]): ProvisioningRole | undefined {
  let best: ProvisioningRole | undefined;
  for (const role of heldRoles) {
    if (rankOf(role) > (best ? RANK[best] : 0)) best = role as ProvisioningRole;
  }
  return best;
}
