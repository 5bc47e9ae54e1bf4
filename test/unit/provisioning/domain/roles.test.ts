import { describe, expect, it } from 'vitest';
import { highestRole, holdsRole } from '../../../../functions/provisioning/domain/roles.js';

describe('role hierarchy', () => {
  it.each([
    [['tenant-admin'], 'tenant-admin', true],
    [['tenant-admin'], 'member', true],
    [['tenant-admin'], 'viewer', true],
    [['member'], 'tenant-admin', false],
    [['member'], 'member', true],
    [['member'], 'viewer', true],
    [['viewer'], 'tenant-admin', false],
    [['viewer'], 'member', false],
    [['viewer'], 'viewer', true],
    [[], 'viewer', false],
    [['customer', 'support', 'admin'], 'viewer', false],
    [['customer', 'member'], 'member', true],
    [['viewer', 'tenant-admin'], 'tenant-admin', true],
    [['Tenant-Admin'], 'viewer', false],
    [['toString'], 'viewer', false],
  ] as const)('%j holds %s: %s', (held, required, expected) => {
    // Assess
    expect(holdsRole(held, required)).toBe(expected);
  });

  it('tells the highest role held', () => {
    // Assess
    expect(highestRole(['viewer', 'customer', 'member'])).toBe('member');
    expect(highestRole(['tenant-admin', 'viewer'])).toBe('tenant-admin');
    expect(highestRole(['customer'])).toBeUndefined();
  });
});
