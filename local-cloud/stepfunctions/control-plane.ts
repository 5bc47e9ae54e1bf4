/**
 * The runtime control plane of Step Functions: CreateStateMachine, UpdateStateMachine, DeleteStateMachine and
 * ValidateStateMachineDefinition, beside the machines the template registers. A definition is held to exactly what
 * boot holds a template's to (`addStateMachine`), and a refusal is AWS's `InvalidDefinition` with the reason.
 */
import {
  AwsServiceError,
  type JsonCallContext,
  type JsonOperation,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  requireString,
} from '../aws-protocol.js';
import { InvalidAslDefinitionError, InvalidStateMachineConfigError, UnsupportedAslFeatureError } from './errors.js';
import type { LocalStepFunctions, StateMachineDescription } from './local-stepfunctions.js';
import type { StateMachineConfig, StateMachineType } from './types.js';
import { optionalString, seconds, unsupported } from './wire.js';

type Input = Record<string, unknown>;

/** AWS: 1-80 characters, none of whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
/** What the local cloud's state machine ARNs allow (AWS's recommended names, the ones CloudWatch Logs accepts). */
const LOCAL_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const MAX_DEFINITION_BYTES = 1024 * 1024;

/** A ValidateStateMachineDefinition diagnostic, in AWS's shape. */
interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}

/** The control plane's operations, merged into `stepFunctionsApi`. */
export function controlPlaneOperations(service: LocalStepFunctions): Record<string, JsonOperation> {
  return {
    CreateStateMachine: async (input, context) => {
      const name = requireString(input, 'name');
      checkName(name);
      if (input.publish === true) throw unsupported('publish (state machine versions)');
      if (input.versionDescription !== undefined) throw unsupported('versionDescription (state machine versions)');
      const config: StateMachineConfig = {
        name,
        arn: `arn:aws:states:${regionOf(context)}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`,
        definition: parseDefinition(requireString(input, 'definition')),
        type: typeOf(input),
        roleArn: roleArnOf(input, true),
        loggingConfiguration: loggingOf(input),
        tracingEnabled: tracingOf(input),
      };
      const existing = find(service, config.arn);
      if (existing !== undefined) {
        if (existing.status === 'DELETING') throw deleting(config.arn);
        // Idempotent when name, definition, type, logging and tracing match; a different role (or tags) is ignored.
        if (!sameMachine(existing, config)) {
          throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${config.arn}'`);
        }
        return { stateMachineArn: existing.stateMachineArn, creationDate: seconds(existing.creationDate) };
      }
      register(service, config);
      const created = service.describeStateMachine(config.arn);
      return { stateMachineArn: created.stateMachineArn, creationDate: seconds(created.creationDate) };
    },
    UpdateStateMachine: async (input) => {
      const stateMachineArn = requireString(input, 'stateMachineArn');
      if (input.publish === true) throw unsupported('publish (state machine versions)');
      if (input.versionDescription !== undefined) throw unsupported('versionDescription (state machine versions)');
      const definitionText = optionalString(input, 'definition');
      const roleArn = roleArnOf(input, false);
      const loggingConfiguration = loggingOf(input);
      const tracingEnabled = tracingOf(input);
      if (
        definitionText === undefined &&
        roleArn === undefined &&
        loggingConfiguration === undefined &&
        tracingEnabled === undefined
      ) {
        throw new AwsServiceError(
          'MissingRequiredParameter',
          'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
        );
      }
      const current = service.describeStateMachine(stateMachineArn);
      if (current.status === 'DELETING') throw deleting(stateMachineArn);
      register(service, {
        name: current.name,
        arn: current.stateMachineArn,
        definition:
          definitionText === undefined ? parseDefinition(current.definition) : parseDefinition(definitionText),
        type: current.type,
        roleArn: roleArn ?? current.roleArn,
        loggingConfiguration: loggingConfiguration ?? current.loggingConfiguration,
        tracingEnabled: tracingEnabled ?? current.tracingConfiguration.enabled,
      });
      return { updateDate: seconds(Date.now()) };
    },
    DeleteStateMachine: async (input) => {
      service.deleteStateMachine(requireString(input, 'stateMachineArn'));
      return {};
    },
    ValidateStateMachineDefinition: async (input) => {
      const definition = requireString(input, 'definition');
      const type = typeOf(input);
      const severity = optionalString(input, 'severity') ?? 'ERROR';
      if (severity !== 'ERROR' && severity !== 'WARNING') {
        throw new AwsServiceError('ValidationException', `severity '${severity}' is not ERROR or WARNING`);
      }
      const maxResults = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
      // The local cloud emits no warnings: every diagnostic is an ERROR, reported whichever severity was asked for.
      const diagnostics = validate(service, definition, type);
      return {
        result: diagnostics.length === 0 ? 'OK' : 'FAIL',
        diagnostics: diagnostics.slice(0, maxResults),
        truncated: diagnostics.length > maxResults,
      };
    },
  };
}

/** The diagnostics of `definitionText`: none when CreateStateMachine would take it. */
function validate(service: LocalStepFunctions, definitionText: string, type: StateMachineType): Diagnostic[] {
  let definition: Record<string, unknown>;
  try {
    definition = parseDefinition(definitionText);
  } catch (error) {
    return [{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: (error as Error).message }];
  }
  const name = 'ValidatedDefinition';
  try {
    service.checkDefinition({
      name,
      arn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`,
      definition,
      type,
    });
    return [];
  } catch (error) {
    const diagnostic = diagnosticOf(error);
    if (diagnostic === undefined) throw error;
    return [diagnostic];
  }
}

/** Registers `config` as boot does, answering AWS's InvalidDefinition (with boot's reason) where boot would refuse. */
function register(service: LocalStepFunctions, config: StateMachineConfig): void {
  try {
    service.addStateMachine(config);
  } catch (error) {
    const diagnostic = diagnosticOf(error);
    if (diagnostic === undefined) throw error;
    throw invalidDefinition(diagnostic.code, diagnostic.message);
  }
}

function diagnosticOf(error: unknown): Diagnostic | undefined {
  if (error instanceof UnsupportedAslFeatureError) {
    return {
      severity: 'ERROR',
      code: 'UNSUPPORTED_FEATURE',
      message: `${error.feature} is not supported by the local cloud`,
      location: error.stateName === undefined ? undefined : `/States/${error.stateName}`,
    };
  }
  if (error instanceof InvalidAslDefinitionError) {
    const detail = error.message.replace(/^State machine '[^']*' has an invalid definition: /, '');
    return { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: detail };
  }
  if (error instanceof InvalidStateMachineConfigError) {
    return { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: error.message };
  }
  return undefined;
}

function parseDefinition(text: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > MAX_DEFINITION_BYTES) {
    throw invalidDefinition('DEFINITION_TOO_LARGE', 'The definition exceeds 1048576 bytes');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidDefinition('INVALID_JSON_DESCRIPTION', (error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidDefinition('INVALID_JSON_DESCRIPTION', 'The definition is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Worded as AWS words it: `Invalid State Machine Definition: '<CODE>: <reason>'`. */
function invalidDefinition(code: string, reason: string): AwsServiceError {
  return new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: '${code}: ${reason}'`);
}

function checkName(name: string): void {
  const hasControl = [...name].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  if (name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name) || hasControl) {
    throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
  }
  if (!LOCAL_NAME.test(name)) {
    throw new AwsServiceError(
      'InvalidName',
      `Invalid Name: '${name}' (the local cloud takes letters, digits, '-' and '_' only)`,
    );
  }
}

function typeOf(input: Input): StateMachineType {
  const type = optionalString(input, 'type') ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [STANDARD, EXPRESS]',
    );
  }
  return type;
}

function roleArnOf(input: Input, required: true): string;
function roleArnOf(input: Input, required: false): string | undefined;
function roleArnOf(input: Input, required: boolean): string | undefined {
  const roleArn = required ? requireString(input, 'roleArn') : optionalString(input, 'roleArn');
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
  }
  return roleArn;
}

function loggingOf(input: Input): Record<string, unknown> | undefined {
  const logging = input.loggingConfiguration;
  if (logging === undefined || logging === null) return undefined;
  if (typeof logging !== 'object' || Array.isArray(logging)) {
    throw new AwsServiceError('InvalidLoggingConfiguration', 'loggingConfiguration must be an object');
  }
  const { level = 'OFF', includeExecutionData = false, destinations } = logging as Input;
  if (!['ALL', 'ERROR', 'FATAL', 'OFF'].includes(String(level))) {
    throw new AwsServiceError('InvalidLoggingConfiguration', `Invalid logging level: '${String(level)}'`);
  }
  return destinations === undefined ? { level, includeExecutionData } : { level, includeExecutionData, destinations };
}

function tracingOf(input: Input): boolean | undefined {
  const tracing = input.tracingConfiguration;
  if (tracing === undefined || tracing === null) return undefined;
  const enabled = (tracing as Input).enabled;
  if (typeof enabled !== 'boolean') {
    throw new AwsServiceError('InvalidTracingConfiguration', 'tracingConfiguration.enabled must be true or false');
  }
  return enabled;
}

function sameMachine(existing: StateMachineDescription, config: StateMachineConfig): boolean {
  return (
    canonical(JSON.parse(existing.definition)) === canonical(config.definition) &&
    existing.type === config.type &&
    canonical(existing.loggingConfiguration) ===
      canonical(config.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false }) &&
    existing.tracingConfiguration.enabled === (config.tracingEnabled ?? false)
  );
}

/** JSON with object keys sorted, so two equal documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'object' && member !== null && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

function find(service: LocalStepFunctions, stateMachineArn: string): StateMachineDescription | undefined {
  try {
    return service.describeStateMachine(stateMachineArn);
  } catch (error) {
    if (error instanceof AwsServiceError && error.code === 'StateMachineDoesNotExist') return undefined;
    throw error;
  }
}

/** The region of the request's SigV4 credential scope; the local cloud's default for in-process callers. */
function regionOf(context: JsonCallContext | undefined): string {
  const authorization = context?.headers?.authorization;
  const scope =
    typeof authorization === 'string' ? /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization) : null;
  return scope?.[1] ?? LOCAL_REGION;
}

function deleting(stateMachineArn: string): AwsServiceError {
  return new AwsServiceError('StateMachineDeleting', `State Machine is being deleted: '${stateMachineArn}'`);
}
