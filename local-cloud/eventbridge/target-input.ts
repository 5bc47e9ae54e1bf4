/**
 * What a rule target receives: the whole event, a constant `Input`, the part `InputPath` selects, or an
 * `InputTransformer` template filled from the event. Everything is checked when the rule is added.
 */
import { type CompiledJsonPath, compileJsonPath, evaluateJsonPath } from './json-path.js';
import { type EventEnvelope, type InputTransformerConfig, isoSeconds, type TargetConfig } from './types.js';

/** A target configuration AWS would reject (PutTargets answers ValidationException). */
export class InvalidTargetConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTargetConfigError';
  }
}

/** The event could not be turned into the target's input; AWS counts it as a failed invocation, not retried. */
export class TargetInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetInputError';
  }
}

/** What the predefined `<aws.events.*>` variables read. */
export interface RenderContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly ingestionTime: Date;
}

export type TargetInputRenderer = (event: EventEnvelope, context: RenderContext) => string;

const PLACEHOLDER = /<([A-Za-z0-9_.\-/]+)>/y;
const PREDEFINED = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
]);

function predefinedValue(name: string, event: EventEnvelope, context: RenderContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.event.ingestion-time':
      return isoSeconds(context.ingestionTime);
    case 'aws.events.event': {
      // AWS gives the envelope without `detail`, `detail-type` spelled `detailType`, and the ingestion time.
      const { detail: _detail, 'detail-type': detailType, ...rest } = event;
      return { ...rest, detailType, time: isoSeconds(context.ingestionTime) };
    }
    default:
      return event;
  }
}

/** Text inserted between quotes: the string's JSON escape, without the quotes; other values as escaped JSON text. */
function insideQuotes(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

function compileTransformer(targetId: string, transformer: InputTransformerConfig): TargetInputRenderer {
  const paths = new Map<string, CompiledJsonPath>();
  const pathsMap = transformer.inputPathsMap ?? {};
  if (Object.keys(pathsMap).length > 100) {
    throw new InvalidTargetConfigError(`InputPathsMap of target ${targetId} has more than 100 entries`);
  }
  for (const [name, path] of Object.entries(pathsMap)) {
    if (name.toLowerCase().startsWith('aws.')) {
      throw new InvalidTargetConfigError(`InputPathsMap key ${name} of target ${targetId} is reserved (aws.*)`);
    }
    paths.set(name, compileJsonPath(path));
  }
  const template = transformer.inputTemplate;
  if (typeof template !== 'string' || template.length === 0 || template.length > 8192) {
    throw new InvalidTargetConfigError(`InputTemplate of target ${targetId} must be 1 to 8192 characters`);
  }
  const isJsonTemplate = /^\s*[{[]/.test(template);

  // Split once into literal text and placeholders, remembering whether each placeholder sits inside a JSON string.
  type Piece = { literal: string } | { variable: string; quoted: boolean };
  const pieces: Piece[] = [];
  let literal = '';
  let quoted = false;
  for (let index = 0; index < template.length; ) {
    PLACEHOLDER.lastIndex = index;
    const placeholder = PLACEHOLDER.exec(template);
    if (placeholder?.[1] !== undefined) {
      const variable = placeholder[1];
      if (!paths.has(variable) && !PREDEFINED.has(variable)) {
        throw new InvalidTargetConfigError(
          `InputTemplate for target ${targetId} contains invalid placeholder ${variable}.`,
        );
      }
      pieces.push({ literal }, { variable, quoted });
      literal = '';
      index += placeholder[0].length;
      continue;
    }
    const char = template[index] as string;
    if (char === '\\') {
      literal += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (char === '"') quoted = !quoted;
    literal += char;
    index++;
  }
  pieces.push({ literal });

  return (event, context) => {
    let output = '';
    for (const piece of pieces) {
      if ('literal' in piece) {
        output += piece.literal;
        continue;
      }
      let value: unknown;
      let found = true;
      const path = paths.get(piece.variable);
      if (path) ({ found, value } = evaluateJsonPath(path, event));
      else value = predefinedValue(piece.variable, event, context);
      // A path that selects nothing becomes an empty string, quoted or not (as AWS does).
      if (!found) output += piece.quoted || !isJsonTemplate ? '' : '""';
      else if (piece.quoted) output += insideQuotes(value);
      else if (isJsonTemplate || typeof value !== 'string') output += JSON.stringify(value);
      else output += value;
    }
    if (isJsonTemplate) {
      try {
        JSON.parse(output);
      } catch {
        throw new TargetInputError(`InputTemplate of target ${targetId} did not produce valid JSON: ${output}`);
      }
    }
    return output;
  };
}

/** Checks a target's input options and returns what turns an event into the text the target receives. */
export function compileTargetInput(target: TargetConfig): TargetInputRenderer {
  const options = [target.input, target.inputPath, target.inputTransformer].filter((option) => option !== undefined);
  if (options.length > 1) {
    throw new InvalidTargetConfigError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.id}.`,
    );
  }
  if (target.input !== undefined) {
    const input = target.input;
    try {
      JSON.parse(input);
    } catch {
      throw new InvalidTargetConfigError(`Input of target ${target.id} must be valid JSON text`);
    }
    return () => input;
  }
  if (target.inputPath !== undefined) {
    const path = compileJsonPath(target.inputPath);
    return (event) => {
      const selected = evaluateJsonPath(path, event);
      if (!selected.found) throw new TargetInputError(`InputPath ${path.text} selects nothing in event ${event.id}`);
      return JSON.stringify(selected.value);
    };
  }
  if (target.inputTransformer !== undefined) return compileTransformer(target.id, target.inputTransformer);
  return (event) => JSON.stringify(event);
}
