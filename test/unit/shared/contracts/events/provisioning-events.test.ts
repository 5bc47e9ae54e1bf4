import { describe, expect, it } from 'vitest';
import {
  PROVISIONING_SOURCE,
  ResourceDeleted,
  ResourceProvisioned,
  ResourceProvisioningFailed,
} from '../../../../../shared/contracts/events/provisioning-events.js';
import { SRN } from '../../../provisioning/harness.js';
import { METADATA } from './harness.js';

const REF = {
  resourceId: 'res_1',
  srn: SRN,
  tenantId: 'tenant-a',
  projectId: 'prj_1',
  type: 'vm' as const,
  flavor: 'vm.small',
  region: 'eu-west-1',
};

describe('provisioning events', () => {
  it('are versioned in their detail-type and come from sagastack.provisioning', () => {
    // Assess
    expect([ResourceProvisioned, ResourceProvisioningFailed, ResourceDeleted].map((event) => event.detailType)).toEqual(
      ['ResourceProvisioned.v1', 'ResourceProvisioningFailed.v1', 'ResourceDeleted.v1'],
    );
    expect(new Set([ResourceProvisioned.source, ResourceProvisioningFailed.source, ResourceDeleted.source])).toEqual(
      new Set([PROVISIONING_SOURCE]),
    );
    expect(PROVISIONING_SOURCE).toBe('sagastack.provisioning');
  });

  it('each carry the SRN, and refuse one that is not an SRN', () => {
    // Assess
    expect(ResourceDeleted.create(REF, METADATA).data.srn).toBe(SRN);
    expect(() => ResourceDeleted.create({ ...REF, srn: 'res_1' }, METADATA)).toThrow();
  });

  it('carry the failure code, one of the known five', () => {
    // Assess
    expect(
      ResourceProvisioningFailed.create({ ...REF, code: 'WORKER_TIMEOUT', message: 'm' }, METADATA).data.code,
    ).toBe('WORKER_TIMEOUT');
    expect(() =>
      ResourceProvisioningFailed.create({ ...REF, code: 'OOPS' as 'INTERNAL', message: 'm' }, METADATA),
    ).toThrow();
  });
});
