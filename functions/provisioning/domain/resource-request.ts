/**
 * What a resource's creator asked for (the body of `POST /projects/{projectId}/resources`): the resource is described
 * by these fields wherever it is described, in its sagas' input, in its view and in its creation's audit record.
 * Pure: no AWS imports.
 */
import type { RequestResourceBody } from '../../../shared/contracts/provisioning-api.js';

/** The requested fields of a resource, and only those: a record's internal fields never leak through it. */
export function resourceRequestOf(resource: RequestResourceBody): RequestResourceBody {
  return { type: resource.type, flavor: resource.flavor, region: resource.region, name: resource.name };
}
