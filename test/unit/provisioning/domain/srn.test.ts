import { describe, expect, it } from 'vitest';
import { formatSrn, parseSrn, projectSrn, resourceSrn } from '../../../../functions/provisioning/domain/srn.js';
import { Srn } from '../../../../shared/contracts/common.js';

describe('SRNs', () => {
  it('names a resource srn:sagastack:{region}:{tenantId}:{projectId}:{type}/{resourceId}', () => {
    // Act
    const srn = resourceSrn({
      region: 'eu-west-1',
      tenantId: 'tenant-a',
      projectId: 'prj_1',
      type: 'vm',
      resourceId: 'res_1',
    });

    // Assess
    expect(srn).toBe('srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1');
  });

  it('names a volume with its type', () => {
    // Act
    const srn = resourceSrn({
      region: 'us-east-1',
      tenantId: 'tenant-b',
      projectId: 'prj_2',
      type: 'volume',
      resourceId: 'res_9',
    });

    // Assess
    expect(srn).toBe('srn:sagastack:us-east-1:tenant-b:prj_2:volume/res_9');
  });

  it('names a project as global (empty region) and its own project', () => {
    // Assess
    expect(projectSrn('tenant-a', 'prj_1')).toBe('srn:sagastack::tenant-a:prj_1:project/prj_1');
  });

  it.each([
    'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1',
    'srn:sagastack:us-east-1:t.b@example_com:prj-2:volume/res.3',
    'srn:sagastack::tenant-a:prj_1:project/prj_1',
  ])('parses %s back into the parts it was built from', (srn) => {
    // Act
    const parts = parseSrn(srn);

    // Assess
    expect(parts).toBeDefined();
    expect(formatSrn(parts ?? fail())).toBe(srn);
    expect(Srn.safeParse(srn).success).toBe(true);
  });

  it('parses each part into its place', () => {
    // Act
    const parts = parseSrn('srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1');

    // Assess
    expect(parts).toEqual({ region: 'eu-west-1', tenantId: 'tenant-a', projectId: 'prj_1', type: 'vm', id: 'res_1' });
  });

  it.each([
    ['another prefix', 'arn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1'],
    ['another partition', 'srn:other:eu-west-1:tenant-a:prj_1:vm/res_1'],
    ['a missing segment', 'srn:sagastack:eu-west-1:tenant-a:vm/res_1'],
    ['an empty tenant', 'srn:sagastack:eu-west-1::prj_1:vm/res_1'],
    ['an empty project', 'srn:sagastack:eu-west-1:tenant-a::vm/res_1'],
    ['no id', 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/'],
    ['a slash in the id', 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res/1'],
    ['an extra segment', 'srn:sagastack:eu-west-1:tenant-a:x:prj_1:vm/res_1'],
    ['an upper-case region', 'srn:sagastack:EU-WEST-1:tenant-a:prj_1:vm/res_1'],
    ['whitespace', 'srn:sagastack:eu-west-1:tenant a:prj_1:vm/res_1'],
    ['nothing', ''],
  ])('refuses %s', (_case, srn) => {
    // Assess
    expect(parseSrn(srn)).toBeUndefined();
    expect(Srn.safeParse(srn).success).toBe(false);
  });

  it('leaves the names of other contexts to them: a valid SRN of another type is not a provisioning one', () => {
    // Prepare
    const srn = 'srn:sagastack:eu-west-1:tenant-a:prj_1:bucket/b_1';

    // Assess
    expect(Srn.safeParse(srn).success).toBe(true);
    expect(parseSrn(srn)).toBeUndefined();
  });

  it.each([
    ['tenantId', { tenantId: 'tenant:a' }],
    ['projectId', { projectId: 'prj/1' }],
    ['id', { id: 'res 1' }],
    ['tenantId', { tenantId: '' }],
    ['region', { region: 'EU:WEST' }],
  ])('refuses to build an ambiguous SRN (bad %s)', (name, override) => {
    // Act
    const build = () =>
      formatSrn({
        region: 'eu-west-1',
        tenantId: 'tenant-a',
        projectId: 'prj_1',
        type: 'vm',
        id: 'res_1',
        ...override,
      });

    // Assess
    expect(build).toThrow(RangeError);
    expect(build).toThrow(name);
  });
});

function fail(): never {
  throw new Error('did not parse');
}
