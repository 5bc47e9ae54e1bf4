import { describe, expect, it } from 'vitest';
import {
  bootVolumeIdFor,
  deprovisionExecutionName,
  meterIdFor,
  networkIdFor,
  projectIdFor,
  provisionExecutionName,
  resourceIdFor,
  sagaAuditEventIdFor,
} from '../../../../functions/provisioning/domain/ids.js';
import { Identifier } from '../../../../shared/contracts/common.js';

describe('identifiers', () => {
  it('derives the same resource id from the same tenant, caller and key', () => {
    // Assess
    expect(resourceIdFor('tenant-a', 'user-1', 'key-0001')).toBe(resourceIdFor('tenant-a', 'user-1', 'key-0001'));
  });

  it('derives different resource ids for another tenant, caller or key', () => {
    // Prepare
    const base = resourceIdFor('tenant-a', 'user-1', 'key-0001');

    // Assess
    expect(resourceIdFor('tenant-b', 'user-1', 'key-0001')).not.toBe(base);
    expect(resourceIdFor('tenant-a', 'user-2', 'key-0001')).not.toBe(base);
    expect(resourceIdFor('tenant-a', 'user-1', 'key-0002')).not.toBe(base);
    // The separator keeps "ab"+"c" apart from "a"+"bc".
    expect(resourceIdFor('tenant-a', 'user-1a', 'bc')).not.toBe(resourceIdFor('tenant-a', 'user-1', 'abc'));
  });

  it('keeps projects and resources of the same key apart', () => {
    // Assess
    expect(projectIdFor('t', 'u', 'k').slice(4)).not.toBe(resourceIdFor('t', 'u', 'k').slice(4));
  });

  it('makes ids that are identifiers and execution names within 80 characters', () => {
    // Prepare
    const resourceId = resourceIdFor('tenant-a', 'user-1', 'key-0001');

    // Assess
    expect(resourceId).toMatch(/^res_[0-9a-f]{24}$/);
    expect(projectIdFor('tenant-a', 'user-1', 'key-0001')).toMatch(/^prj_[0-9a-f]{24}$/);
    expect(Identifier.safeParse(resourceId).success).toBe(true);
    expect(provisionExecutionName(resourceId)).toBe(resourceId);
    expect(deprovisionExecutionName(resourceId)).toBe(`${resourceId}-delete`);
    expect(deprovisionExecutionName(resourceId).length).toBeLessThanOrEqual(80);
    expect(deprovisionExecutionName(resourceId, 1)).toBe(`${resourceId}-delete`);
    expect(deprovisionExecutionName(resourceId, 12)).toBe(`${resourceId}-delete-12`);
    expect(() => deprovisionExecutionName(resourceId, 0)).toThrow(RangeError);
  });

  it('derives one meter, one boot volume and one network id', () => {
    // Assess
    expect(meterIdFor('res_1')).toBe('m_res_1');
    expect(bootVolumeIdFor('res_1')).toBe('bootvol_res_1');
    expect(networkIdFor('eu-west-1')).toBe('net-eu-west-1');
  });

  it('derives saga audit event ids per action, resource and outcome', () => {
    // Assess
    expect(sagaAuditEventIdFor('saga.provision', 'res_1', 'SUCCEEDED')).toBe(
      sagaAuditEventIdFor('saga.provision', 'res_1', 'SUCCEEDED'),
    );
    expect(sagaAuditEventIdFor('saga.provision', 'res_1', 'FAILED')).not.toBe(
      sagaAuditEventIdFor('saga.provision', 'res_1', 'SUCCEEDED'),
    );
    expect(sagaAuditEventIdFor('saga.provision', 'res_1', 'SUCCEEDED')).toMatch(/^evt_[0-9a-f]{32}$/);
  });
});
