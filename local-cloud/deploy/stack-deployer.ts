/**
 * Deploys one synthesized stack onto the local services, the way CloudFormation would: resources in dependency order,
 * each resource's properties resolved against what was created before it, then outputs and exports.
 *
 * A resource type without a provisioner, or a property a provisioner does not know, stops the boot with a message
 * naming the stack, the resource and the property: the local cloud never silently ignores a behaviour.
 */
import type { CloudFormationResource, StackArtifact } from '../assembly/cloud-assembly.js';
import {
  evaluateConditions,
  type ResolutionContext,
  referencedLogicalIds,
  resolve,
  UnsupportedIntrinsicError,
} from '../assembly/intrinsics.js';
import { physicalName } from './physical-names.js';

export class UnsupportedResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedResourceError';
  }
}

/** What a provisioner returns: the resource's `Ref` value and its `Fn::GetAtt` attributes. */
interface ProvisionedResource {
  readonly ref: string;
  readonly attributes?: Record<string, unknown>;
}

export interface ResourceToProvision {
  readonly stack: StackArtifact;
  readonly logicalId: string;
  readonly type: string;
  /** Properties with every intrinsic resolved. */
  readonly properties: Record<string, unknown>;
  /** A deterministic physical name, for resources whose template leaves the name to CloudFormation. */
  readonly generatedName: (maxLength?: number) => string;
}

export interface Provisioner {
  /** Properties this provisioner implements; `'checked-by-service'` when the service module refuses unknown ones itself. */
  readonly supported: readonly string[] | 'checked-by-service';
  /** Properties accepted because they have no observable behaviour locally (encryption, tags, retention...). */
  readonly withoutEffect?: readonly string[];
  provision(resource: ResourceToProvision): Promise<ProvisionedResource>;
}

export interface DeployedStack {
  readonly stackName: string;
  readonly outputs: Record<string, string>;
  readonly resources: ReadonlyMap<string, ProvisionedResource & { type: string }>;
}

/** Template sections that do not change behaviour locally; anything else at the top level is refused. */
const IGNORED_SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Rules', 'Parameters']);

export async function deployStack(
  stack: StackArtifact,
  provisioners: Readonly<Record<string, Provisioner>>,
  exports: Map<string, string>,
): Promise<DeployedStack> {
  for (const section of Object.keys(stack.template)) {
    if (!IGNORED_SECTIONS.has(section) && !['Resources', 'Outputs', 'Conditions', 'Mappings'].includes(section)) {
      throw new UnsupportedResourceError(`${stack.stackName}: template section ${section} is not supported`);
    }
  }
  const deployed = new Map<string, ProvisionedResource & { type: string }>();
  const parameters = parameterValues(stack);
  const baseContext: Omit<ResolutionContext, 'condition'> = {
    stackName: stack.stackName,
    accountId: stack.accountId,
    region: stack.region,
    ref: (logicalId) => parameters.get(logicalId) ?? deployed.get(logicalId)?.ref,
    getAtt: (logicalId, attribute) => deployed.get(logicalId)?.attributes?.[attribute],
    importValue: (name) => exports.get(name),
  };
  const conditions = evaluateConditions(stack.template.Conditions ?? {}, baseContext);
  const context: ResolutionContext = {
    ...baseContext,
    condition: (name) => {
      const value = conditions.get(name);
      if (value === undefined) throw new UnsupportedResourceError(`${stack.stackName}: unknown condition ${name}`);
      return value;
    },
  };

  for (const logicalId of deploymentOrder(stack)) {
    const resource = stack.template.Resources[logicalId] as CloudFormationResource;
    if (resource.Condition && !context.condition(resource.Condition)) continue;
    const where = `${stack.displayName} ${logicalId} (${resource.Type})`;
    const provisioner = provisioners[resource.Type];
    if (!provisioner) {
      throw new UnsupportedResourceError(
        `${where}: resource type ${resource.Type} is not supported by the local cloud`,
      );
    }
    const properties = resolveProperties(resource, context, where);
    const known = new Set([
      ...(provisioner.withoutEffect ?? []),
      ...(Array.isArray(provisioner.supported) ? provisioner.supported : []),
    ]);
    const unknown =
      provisioner.supported === 'checked-by-service'
        ? []
        : Object.keys(properties).filter((property) => !known.has(property));
    if (unknown.length > 0) {
      throw new UnsupportedResourceError(
        `${where}: propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')} not supported`,
      );
    }
    try {
      const provisioned = await provisioner.provision({
        stack,
        logicalId,
        type: resource.Type,
        properties,
        generatedName: (maxLength) => physicalName(stack.stackName, logicalId, maxLength),
      });
      deployed.set(logicalId, { ...provisioned, type: resource.Type });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UnsupportedResourceError(`${where}: ${message}`);
    }
  }

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
    if (output.Condition && !context.condition(output.Condition)) continue;
    const value = String(resolve(output.Value, context));
    outputs[name] = value;
    if (output.Export) exports.set(String(resolve(output.Export.Name, context)), value);
  }
  return { stackName: stack.stackName, outputs, resources: deployed };
}

/** The intrinsics' own messages only know the property path; the boot error must also name the resource. */
function resolveProperties(
  resource: CloudFormationResource,
  context: ResolutionContext,
  where: string,
): Record<string, unknown> {
  try {
    return (resolve(resource.Properties ?? {}, context) ?? {}) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UnsupportedIntrinsicError) throw new UnsupportedIntrinsicError(`${where}: ${error.message}`);
    throw error;
  }
}

/** Resources ordered so that each comes after everything it references or depends on. */
export function deploymentOrder(stack: StackArtifact): string[] {
  const resources = stack.template.Resources;
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (logicalId: string) => {
    if (ordered.includes(logicalId)) return;
    if (visiting.has(logicalId))
      throw new UnsupportedResourceError(`${stack.stackName}: circular reference at ${logicalId}`);
    visiting.add(logicalId);
    const resource = resources[logicalId] as CloudFormationResource;
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dependency of [...dependsOn, ...referencedLogicalIds(resource.Properties ?? {})]) {
      if (dependency in resources) visit(dependency);
    }
    visiting.delete(logicalId);
    ordered.push(logicalId);
  };
  for (const logicalId of Object.keys(resources)) visit(logicalId);
  return ordered;
}

/**
 * Parameter values. CDK templates carry one parameter, the bootstrap version read from SSM, which a local deployment
 * has no bootstrap for; any other parameter must have a default.
 */
function parameterValues(stack: StackArtifact): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, parameter] of Object.entries(stack.template.Parameters ?? {})) {
    if (name === 'BootstrapVersion') values.set(name, '30');
    else if (parameter.Default !== undefined) values.set(name, String(parameter.Default));
    else throw new UnsupportedResourceError(`${stack.stackName}: parameter ${name} has no default`);
  }
  return values;
}
