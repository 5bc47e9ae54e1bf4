/**
 * Boot-time work on a definition: refuse what the local cloud cannot run (loudly, naming state and feature), and
 * prepare the copy the interpreter (`aws-local-stepfunctions`) runs, compensating for its few divergences from AWS.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { InvalidAslDefinitionError, UnsupportedAslFeatureError } from './errors.js';
import { routeTaskResource, type TaskRoute } from './resources.js';
import type { StateMachineConfig, TaskIntegrations } from './types.js';

/** The longest delay a Node timer can arm (2^31-1 ms), in whole seconds; longer ones would fire at once. */
const MAX_TIMER_SECONDS = 2_147_483;

/** What the task runner needs to know about one Task state. */
export interface TaskSpec {
  stateName: string;
  route: TaskRoute;
  /** The timeout the interpreter enforces, or undefined when the definition sets none (AWS then waits 99999999 s). */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Set when the timeout comes from the state's input: each attempt resolves it then. */
  timeoutSecondsPath?: string;
  /** Set when the heartbeat comes from the state's input: each attempt resolves it then. */
  heartbeatSecondsPath?: string;
  /** `heartbeatTimeoutScale`, for heartbeats resolved per attempt (literal ones are scaled once, at registration). */
  heartbeatScale?: number;
}

/** A validated definition, ready to run. */
export interface PreparedDefinition {
  interpreter: StateMachine;
  /** Task states by name: the interpreter's local handlers are keyed by state name. */
  tasks: ReadonlyMap<string, TaskSpec>;
  waitStateNames: readonly string[];
  retryingStateNames: readonly string[];
  /** `InputPath` and `ItemsPath` of each Map state, to report the iteration count in MapStateStarted. */
  mapPaths: ReadonlyMap<string, { inputPath?: string; itemsPath?: string }>;
}

type Json = Record<string, unknown>;

const JSONATA_STATE_FIELDS = ['Arguments', 'Output', 'Items'] as const;
const DISTRIBUTED_MAP_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'Label',
] as const;

/** Validates `config.definition` and prepares it; throws `UnsupportedAslFeatureError` or `InvalidAslDefinitionError`. */
export function prepareDefinition(config: StateMachineConfig, integrations: TaskIntegrations): PreparedDefinition {
  const definition = structuredClone(config.definition);
  const refuse = (stateName: string | undefined, feature: string): never => {
    throw new UnsupportedAslFeatureError(config.name, stateName, feature);
  };
  const tasks = new Map<string, TaskSpec>();
  const waitStateNames: string[] = [];
  const retryingStateNames: string[] = [];
  const mapPaths = new Map<string, { inputPath?: string; itemsPath?: string }>();

  checkQueryLanguage(definition, undefined, refuse);
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TIMER_SECONDS);
  }

  forEachState(definition, (stateName, state) => {
    checkQueryLanguage(state, stateName, refuse);
    if ('Assign' in state) refuse(stateName, 'Assign (workflow variables)');
    for (const field of JSONATA_STATE_FIELDS) if (field in state) refuse(stateName, `${field} (a JSONata field)`);
    for (const catcher of objectsIn(state.Catch)) {
      if ('Assign' in catcher) refuse(stateName, 'Assign in a Catch (workflow variables)');
      if ('Output' in catcher) refuse(stateName, 'Output in a Catch (a JSONata field)');
    }
    if (Array.isArray(state.Retry) && state.Retry.length > 0) retryingStateNames.push(stateName);
    fixResultPaths(state);
    checkIntrinsicEscapes(config.name, stateName, state);

    switch (state.Type) {
      case 'Choice':
        for (const rule of objectsIn(state.Choices)) {
          if ('Assign' in rule) refuse(stateName, 'Assign in a Choice rule (workflow variables)');
          if ('Condition' in rule) refuse(stateName, 'Condition in a Choice rule (a JSONata field)');
        }
        break;
      case 'Map':
        checkLegacyIterator(config.name, stateName, state);
        checkInlineMap(stateName, state, refuse);
        mapPaths.set(stateName, {
          inputPath: stringOrUndefined(state.InputPath),
          itemsPath: stringOrUndefined(state.ItemsPath),
        });
        break;
      case 'Wait':
        checkWaitTimestamp(config.name, stateName, state);
        waitStateNames.push(stateName);
        if (typeof state.Seconds === 'number') state.Seconds = Math.min(state.Seconds, MAX_TIMER_SECONDS);
        break;
      case 'Task': {
        if (tasks.has(stateName)) refuse(stateName, 'a Task state name used twice across branches');
        tasks.set(stateName, prepareTask(config, stateName, state, integrations, refuse));
        break;
      }
    }
  });

  let interpreter: StateMachine;
  try {
    interpreter = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  } catch (error) {
    throw new InvalidAslDefinitionError(config.name, error instanceof Error ? error.message : String(error));
  }
  return { interpreter, tasks, waitStateNames, retryingStateNames, mapPaths };
}

function prepareTask(
  config: StateMachineConfig,
  stateName: string,
  state: Json,
  integrations: TaskIntegrations,
  refuse: (stateName: string, feature: string) => never,
): TaskSpec {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  const routed = routeTaskResource(resource);
  if ('unsupported' in routed) return refuse(stateName, routed.unsupported);
  const { route } = routed;
  if (route.pattern === 'waitForTaskToken' && config.type === 'EXPRESS') {
    refuse(stateName, `'.waitForTaskToken' in an EXPRESS state machine (AWS refuses it too)`);
  }
  if (route.pattern === 'sync' && config.type === 'EXPRESS') {
    refuse(stateName, `'.sync' in an EXPRESS state machine (AWS refuses it too)`);
  }
  if (route.kind === 'service' && integrations.supportsService?.(route.service, route.action) === false) {
    refuse(stateName, `the ${route.sdk ? 'aws-sdk' : 'optimized'} integration ${route.service}:${route.action}`);
  }
  if ('Credentials' in state) refuse(stateName, 'Credentials (cross-account tasks)');
  // "A Task state cannot include both TimeoutSeconds and TimeoutSecondsPath" (and likewise for heartbeats):
  // https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
  for (const [literal, path] of [
    ['TimeoutSeconds', 'TimeoutSecondsPath'],
    ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ] as const) {
    if (literal in state && path in state) {
      throw new InvalidAslDefinitionError(
        config.name,
        `state '${stateName}': it cannot have both ${literal} and ${path}`,
      );
    }
  }
  // "If provided, the HeartbeatSeconds interval MUST be smaller than the TimeoutSeconds value":
  // https://states-language.net/spec.html#task-state
  if (
    typeof state.HeartbeatSeconds === 'number' &&
    typeof state.TimeoutSeconds === 'number' &&
    state.HeartbeatSeconds >= state.TimeoutSeconds
  ) {
    throw new InvalidAslDefinitionError(
      config.name,
      `state '${stateName}': HeartbeatSeconds (${state.HeartbeatSeconds}) must be smaller than TimeoutSeconds (${state.TimeoutSeconds})`,
    );
  }
  const timeoutSecondsPath = stringOrUndefined(state.TimeoutSecondsPath);
  const heartbeatSecondsPath = stringOrUndefined(state.HeartbeatSecondsPath);

  // The interpreter defaults a Task timeout to 60 s where AWS waits 99999999 s, so the copy always states one,
  // unless the timeout comes from the input (the interpreter, as patched, resolves the path per attempt).
  const timeoutSeconds =
    typeof state.TimeoutSeconds === 'number' ? Math.min(state.TimeoutSeconds, MAX_TIMER_SECONDS) : undefined;
  if (timeoutSecondsPath === undefined) state.TimeoutSeconds = timeoutSeconds ?? MAX_TIMER_SECONDS;
  const heartbeatSeconds =
    typeof state.HeartbeatSeconds === 'number' ? Math.min(state.HeartbeatSeconds, MAX_TIMER_SECONDS) : undefined;
  return { stateName, route, timeoutSeconds, heartbeatSeconds, timeoutSecondsPath, heartbeatSecondsPath };
}

/** The escapes an intrinsic function's string literal may hold: `\'`, `\{`, `\}` and `\\` (intrinsic-functions.html). */
const INTRINSIC_ESCAPABLE = new Set(["'", '{', '}', '\\']);

/**
 * AWS refuses, at creation, an intrinsic function whose string literal holds any other escape (`\d`, `\n`): the
 * interpreter's validator (asl-path-validator 0.16, as patched: docs/dev/upstream/asl-validators.md) takes them all.
 * The wording follows AWS's SCHEMA_VALIDATION_FAILED for an invalid intrinsic call, as recorded in
 * https://github.com/serverless-operations/serverless-step-functions/issues/399; AWS does not document the detail.
 */
function checkIntrinsicEscapes(machineName: string, stateName: string, state: Json): void {
  const check = (field: string, expression: unknown): void => {
    if (typeof expression !== 'string' || !expression.startsWith('States.')) return;
    const illegalEscape = illegalIntrinsicEscape(expression);
    if (illegalEscape === undefined) return;
    throw new InvalidAslDefinitionError(
      machineName,
      `state '${stateName}': the value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call: ${illegalEscape} is no escape in an intrinsic function's string (only \\', \\{, \\} and \\\\ are)`,
    );
  };
  const visitTemplate = (template: unknown): void => {
    if (Array.isArray(template)) for (const value of template) visitTemplate(value);
    if (!isObject(template)) return;
    for (const [key, value] of Object.entries(template)) {
      if (key.endsWith('.$')) check(key, value);
      else visitTemplate(value);
    }
  };
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector'] as const) visitTemplate(state[field]);
  for (const field of ['ErrorPath', 'CausePath'] as const) check(field, state[field]);
}

/** The first backslash sequence inside a quoted literal that is no legal escape, such as `\n`. */
function illegalIntrinsicEscape(expression: string): string | undefined {
  let inLiteral = false;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (inLiteral && char === '\\') {
      const escaped = expression[i + 1] ?? '';
      if (!INTRINSIC_ESCAPABLE.has(escaped)) return `\\${escaped}`;
      i++;
    } else if (char === "'") {
      inLiteral = !inLiteral;
    }
  }
  return undefined;
}

/** RFC 3339 as AWS takes it in a Wait `Timestamp`: date and time, an uppercase `T` between them, an offset or `Z`. */
const RFC3339_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** AWS refuses, at creation, a Wait `Timestamp` that is no RFC 3339 timestamp (the interpreter would run it). */
function checkWaitTimestamp(machineName: string, stateName: string, state: Json): void {
  const { Timestamp } = state;
  if (Timestamp === undefined) return;
  if (typeof Timestamp !== 'string' || !RFC3339_TIMESTAMP.test(Timestamp)) {
    throw new InvalidAslDefinitionError(
      machineName,
      `state '${stateName}': Timestamp ${JSON.stringify(Timestamp)} is not an RFC 3339 timestamp (such as 2026-03-14T01:59:00Z, with an uppercase T)`,
    );
  }
}

/** Distributed mode needs `ItemProcessor`; AWS refuses it under the legacy `Iterator` (the interpreter runs it inline). */
function checkLegacyIterator(machineName: string, stateName: string, state: Json): void {
  const iterator = state.Iterator;
  if (!isObject(iterator) || !isObject(iterator.ProcessorConfig)) return;
  if (iterator.ProcessorConfig.Mode === 'DISTRIBUTED') {
    throw new InvalidAslDefinitionError(
      machineName,
      `state '${stateName}': ProcessorConfig Mode DISTRIBUTED needs ItemProcessor, not the legacy Iterator`,
    );
  }
}

function checkInlineMap(stateName: string, state: Json, refuse: (stateName: string, feature: string) => never): void {
  for (const field of DISTRIBUTED_MAP_FIELDS) if (field in state) refuse(stateName, `${field} (distributed Map)`);
  const processor = state.ItemProcessor;
  if (isObject(processor) && isObject(processor.ProcessorConfig)) {
    if (processor.ProcessorConfig.Mode === 'DISTRIBUTED') refuse(stateName, 'distributed Map (Mode DISTRIBUTED)');
    if ('ExecutionType' in processor.ProcessorConfig) refuse(stateName, 'ExecutionType (distributed Map)');
  }
}

function checkQueryLanguage(
  node: Json,
  stateName: string | undefined,
  refuse: (s: string | undefined, f: string) => never,
) {
  if (node.QueryLanguage !== undefined && node.QueryLanguage !== 'JSONPath') {
    refuse(stateName, `QueryLanguage '${String(node.QueryLanguage)}'`);
  }
}

/**
 * The interpreter writes `ResultPath: "$"` into a key named `$` and misreads bracket paths (`$['a']`); AWS treats
 * `"$"` as "replace the input", which is the interpreter's behaviour when ResultPath is absent.
 */
function fixResultPaths(state: Json): void {
  for (const holder of [state, ...objectsIn(state.Catch)]) {
    if (holder.ResultPath === '$') delete holder.ResultPath;
    else if (typeof holder.ResultPath === 'string' && holder.ResultPath.startsWith('$[')) {
      holder.ResultPath = `$.${holder.ResultPath.slice(1)}`;
    }
  }
}

function forEachState(scope: Json, visit: (stateName: string, state: Json) => void): void {
  if (!isObject(scope.States)) return;
  for (const [stateName, state] of Object.entries(scope.States)) {
    if (!isObject(state)) continue;
    visit(stateName, state);
    for (const branch of objectsIn(state.Branches)) forEachState(branch, visit);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isObject(processor)) forEachState(processor, visit);
  }
}

function objectsIn(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
