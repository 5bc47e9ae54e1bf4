import { describe, expect, it } from 'vitest';
import { resourceRequestOf } from '../../../../functions/provisioning/domain/resource-request.js';

describe('resourceRequestOf', () => {
  it('keeps what the creator asked for and nothing of the record around it', () => {
    // Prepare
    const record = {
      resourceId: 'res_1',
      tenantId: 'tenant-a',
      type: 'vm' as const,
      flavor: 'vm.small',
      region: 'eu-west-1',
      name: 'web-1',
      quotaHeld: { vcpu: 1, memoryGiB: 2, storageGiB: 0 },
    };

    // Act
    const request = resourceRequestOf(record);

    // Assess
    expect(request).toEqual({ type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' });
  });
});
