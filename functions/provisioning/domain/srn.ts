/**
 * Canonical resource names: `srn:sagastack:{region}:{tenantId}:{projectId}:{type}/{id}`, in every log line, event and
 * audit record. Pure: no AWS imports. The pattern lives with the contracts, which validate SRNs at every entry.
 */
import { SRN_PATTERN } from '../../../shared/contracts/common.js';

const SRN_TYPES = ['vm', 'volume', 'project'] as const;
type SrnType = (typeof SRN_TYPES)[number];

export interface SrnParts {
  /** Empty for global things (projects). */
  readonly region: string;
  readonly tenantId: string;
  readonly projectId: string;
  readonly type: SrnType;
  readonly id: string;
}

const SEGMENT = /^[^:/\s]+$/;
const REGION_SEGMENT = /^[a-z0-9-]*$/;

/** Builds an SRN; a segment holding `:`, `/` or whitespace would make it ambiguous, so it is refused. */
export function formatSrn(parts: SrnParts): string {
  const segments: Array<[string, string, RegExp]> = [
    ['tenantId', parts.tenantId, SEGMENT],
    ['projectId', parts.projectId, SEGMENT],
    ['id', parts.id, SEGMENT],
    ['region', parts.region, REGION_SEGMENT],
  ];
  for (const [name, value, pattern] of segments) {
    if (!pattern.test(value)) throw new RangeError(`An SRN ${name} cannot be "${value}"`);
  }
  return `srn:sagastack:${parts.region}:${parts.tenantId}:${parts.projectId}:${parts.type}/${parts.id}`;
}

/** The parts of a provisioning SRN, or `undefined` for anything that is not one (another context's included). */
export function parseSrn(srn: string): SrnParts | undefined {
  const match = SRN_PATTERN.exec(srn);
  if (!match) return undefined;
  const [, region = '', tenantId = '', projectId = '', type = '', id = ''] = match;
  if (!(SRN_TYPES as readonly string[]).includes(type)) return undefined;
  return { region, tenantId, projectId, type: type as SrnType, id };
}

export function resourceSrn(resource: {
  region: string;
  tenantId: string;
  projectId: string;
  type: 'vm' | 'volume';
  resourceId: string;
}): string {
  return formatSrn({
    region: resource.region,
    tenantId: resource.tenantId,
    projectId: resource.projectId,
    type: resource.type,
    id: resource.resourceId,
  });
}

/** A project is global and its own project: `srn:sagastack::{tenantId}:{projectId}:project/{projectId}`. */
export function projectSrn(tenantId: string, projectId: string): string {
  return formatSrn({ region: '', tenantId, projectId, type: 'project', id: projectId });
}
