/** Events of the provisioning context. Each carries the resource's SRN, which every log line and audit record uses. */
import * as z from 'zod';
import { Identifier, Srn } from '../common.js';
import { ProvisioningFailureCode, ResourceType } from '../provisioning-api.js';
import { defineEvent } from './define-event.js';
import { EVENT_SOURCES } from './sources.js';

export const PROVISIONING_SOURCE = EVENT_SOURCES.provisioning;

const ResourceRef = z.object({
  resourceId: Identifier,
  srn: Srn,
  tenantId: z.string(),
  projectId: Identifier,
  type: ResourceType,
  flavor: z.string(),
  region: z.string(),
});

export const ResourceProvisioned = defineEvent({
  name: 'ResourceProvisioned',
  version: 1,
  source: PROVISIONING_SOURCE,
  data: ResourceRef.extend({ name: z.string(), nodeId: z.string().optional(), ipAddress: z.string().optional() }),
});

export const ResourceProvisioningFailed = defineEvent({
  name: 'ResourceProvisioningFailed',
  version: 1,
  source: PROVISIONING_SOURCE,
  data: ResourceRef.extend({ code: ProvisioningFailureCode, message: z.string() }),
});

export const ResourceDeleted = defineEvent({
  name: 'ResourceDeleted',
  version: 1,
  source: PROVISIONING_SOURCE,
  data: ResourceRef,
});
