/**
 * One entry of a field's match list (`"status": [ <entry>, ... ]`): a literal or an operator object.
 * Each is checked once, when the rule is added, and turned into a predicate over the event's leaf values.
 * The validation messages follow the ones AWS (event-ruler) gives, so a pattern refused here is refused there too.
 */
import { cidrContains, parseCidr } from './cidr.js';
import { InvalidEventPatternError, UnsupportedEventPatternError } from './pattern-errors.js';

/** A scalar in an event: what a flattened event field holds. */
export type LeafValue = string | number | boolean | null;

export type CompiledMatcher =
  /** `{ "exists": false }`: satisfied when the field has no value (consistent with the array elements matched so far). */
  { readonly kind: 'absent' } | { readonly kind: 'value'; readonly test: (value: LeafValue) => boolean };

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** A JSON object (a pattern or one of its levels, an operator, an event), not an array or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLiteral(value: unknown): value is LeafValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function singleKey(operator: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(operator);
  const [first] = entries;
  if (entries.length !== 1 || !first) throw new InvalidEventPatternError('Only one key allowed in match expression');
  return first;
}

function requireString(value: unknown, operator: string): string {
  if (typeof value !== 'string') throw new InvalidEventPatternError(`${operator} match pattern must be a string`);
  return value;
}

/** `prefix` / `suffix` take a string or `{ "equals-ignore-case": string }`. */
function compileAffix(operator: 'prefix' | 'suffix', operand: unknown): (value: LeafValue) => boolean {
  let affix: string;
  let ignoreCase = false;
  if (isPlainObject(operand)) {
    const [inner, innerOperand] = singleKey(operand);
    if (inner !== 'equals-ignore-case') {
      throw new InvalidEventPatternError(`Unsupported ${operator} pattern: ${inner}`);
    }
    affix = requireString(innerOperand, `${operator}/equals-ignore-case`).toLowerCase();
    ignoreCase = true;
  } else {
    affix = requireString(operand, operator);
  }
  return (value) => {
    if (typeof value !== 'string') return false;
    const text = ignoreCase ? value.toLowerCase() : value;
    return operator === 'prefix' ? text.startsWith(affix) : text.endsWith(affix);
  };
}

/** Wildcard: `*` stands for any run of characters (possibly empty); `\*` and `\\` are a literal star and backslash. */
function compileWildcard(pattern: unknown): RegExp {
  const text = requireString(pattern, 'wildcard');
  let source = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === '\\') {
      const next = text[index + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(`Invalid escape character at pos ${index}`);
      }
      source += `\\${next}`;
      index++;
    } else if (char === '*') {
      if (text[index + 1] === '*')
        throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${index}`);
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/** `numeric`: `["=", n]`, `[op, n]`, or a range `[">" | ">=", low, "<" | "<=", high]`. */
function compileNumeric(operand: unknown): (value: LeafValue) => boolean {
  if (!Array.isArray(operand)) throw new InvalidEventPatternError('Value of numeric must be an array.');
  if (operand.length === 0) throw new InvalidEventPatternError('Invalid member in numeric match: ]');
  const comparisons: Array<(n: number) => boolean> = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.has(operator)) {
      throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${JSON.stringify(operator)}`);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new InvalidEventPatternError(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`);
    }
    if (index === 2) {
      const first = operand[0] as string;
      if (first !== '>' && first !== '>=')
        throw new InvalidEventPatternError('Too many elements in numeric expression');
      if (operator !== '<' && operator !== '<=') {
        throw new InvalidEventPatternError(`Bad numeric range operator: ${operator}`);
      }
      if (bound <= (operand[1] as number)) throw new InvalidEventPatternError('Bottom must be less than top');
    }
    if (index > 2) throw new InvalidEventPatternError('Too many terms in numeric range expression');
    comparisons.push(numericComparison(operator, bound));
  }
  return (value) => typeof value === 'number' && comparisons.every((compare) => compare(value));
}

function numericComparison(operator: string, bound: number): (n: number) => boolean {
  switch (operator) {
    case '=':
      return (n) => n === bound;
    case '<':
      return (n) => n < bound;
    case '<=':
      return (n) => n <= bound;
    case '>':
      return (n) => n > bound;
    default:
      return (n) => n >= bound;
  }
}

function compileCidr(operand: unknown): (value: LeafValue) => boolean {
  const range = parseCidr(requireString(operand, 'cidr'));
  if (typeof range === 'string') throw new InvalidEventPatternError(range);
  return (value) => typeof value === 'string' && cidrContains(range, value);
}

function stringList(operand: unknown, context: string): string[] {
  const list = Array.isArray(operand) ? operand : [operand];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    throw new InvalidEventPatternError(`Inside ${context}, only a string or a list of strings is supported`);
  }
  return list as string[];
}

/**
 * `anything-but` matches any present value (null, booleans and numbers included) that is not excluded. The
 * string-shaped exclusions (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`) can only exclude strings.
 */
function compileAnythingBut(operand: unknown): (value: LeafValue) => boolean {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) {
    return (value) => value !== operand;
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPatternError('Inside anything but list, start|null|boolean is not supported.');
    }
    const excluded = new Set<LeafValue>(operand as LeafValue[]);
    return (value) => !excluded.has(value);
  }
  if (!isPlainObject(operand)) {
    throw new InvalidEventPatternError('Value of anything-but must be an array or single string/number value.');
  }
  const [inner, innerOperand] = singleKey(operand);
  let excludes: (text: string) => boolean;
  switch (inner) {
    case 'prefix':
    case 'suffix': {
      const affixes = stringList(innerOperand, `anything-but/${inner}`);
      if (affixes.some((affix) => affix.length === 0)) {
        throw new InvalidEventPatternError('Null prefix/suffix not allowed');
      }
      excludes = (text) =>
        affixes.some((affix) => (inner === 'prefix' ? text.startsWith(affix) : text.endsWith(affix)));
      break;
    }
    case 'equals-ignore-case': {
      const lowered = new Set(stringList(innerOperand, 'anything-but/equals-ignore-case').map((s) => s.toLowerCase()));
      excludes = (text) => lowered.has(text.toLowerCase());
      break;
    }
    case 'wildcard': {
      const expressions = stringList(innerOperand, 'anything-but/wildcard').map(compileWildcard);
      excludes = (text) => expressions.some((expression) => expression.test(text));
      break;
    }
    default:
      throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${inner}`);
  }
  return (value) => typeof value !== 'string' || !excludes(value);
}

function compileOperator(operator: Record<string, unknown>): CompiledMatcher {
  const [name, operand] = singleKey(operator);
  const value = (test: (value: LeafValue) => boolean): CompiledMatcher => ({ kind: 'value', test });
  switch (name) {
    case 'prefix':
    case 'suffix':
      return value(compileAffix(name, operand));
    case 'equals-ignore-case': {
      const lowered = requireString(operand, name).toLowerCase();
      return value((candidate) => typeof candidate === 'string' && candidate.toLowerCase() === lowered);
    }
    case 'wildcard': {
      const expression = compileWildcard(operand);
      return value((candidate) => typeof candidate === 'string' && expression.test(candidate));
    }
    case 'numeric':
      return value(compileNumeric(operand));
    case 'cidr':
      return value(compileCidr(operand));
    case 'anything-but':
      return value(compileAnythingBut(operand));
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError('exists match pattern must be either true or false.');
      }
      return operand ? value(() => true) : { kind: 'absent' };
    default:
      throw new UnsupportedEventPatternError(`the match type "${name}" (not an EventBridge operator known here)`);
  }
}

/** Compiles one entry of a field's match list. */
export function compileMatcher(entry: unknown): CompiledMatcher {
  if (isLiteral(entry)) return { kind: 'value', test: (value) => value === entry };
  if (isPlainObject(entry)) return compileOperator(entry);
  throw new InvalidEventPatternError('Match value must be String, number, true, false, or null');
}
