/**
 * EventBridge event patterns (content filtering), matched the way AWS's engine (event-ruler, array-consistent mode)
 * does it:
 * - the pattern is expanded into alternatives (`$or` at any level), each a set of dotted field paths with match lists;
 * - the event is flattened into leaf fields (path, scalar value, and the array elements the value sits in);
 * - an alternative matches when every path has a field whose value satisfies one entry of its list, and all chosen
 *   fields agree on the element of every array they share ("array consistency");
 * - `{ "exists": false }` holds when no field of that path is consistent with the fields chosen before it, taking the
 *   paths in sorted order as the engine does.
 */

import { assertWildcardComplexity } from './pattern-complexity.js';
import { InvalidEventPatternError, UnsupportedEventPatternError } from './pattern-errors.js';
import { type CompiledMatcher, compileMatcher, isPlainObject, type LeafValue } from './pattern-matchers.js';

export { EventPatternError, InvalidEventPatternError, UnsupportedEventPatternError } from './pattern-errors.js';

/** A literal or operator object in a field's match list, e.g. `"PAID"`, `150`, `{ "prefix": "com." }`. */
type PatternMatcher = string | number | boolean | null | { readonly [operator: string]: unknown };

/** An EventBridge event pattern: nested objects whose leaves are match lists; `$or` holds alternative patterns. */
export interface EventPattern {
  readonly [field: string]: EventPattern | readonly PatternMatcher[] | readonly EventPattern[];
}

interface FieldCondition {
  readonly path: string;
  readonly matchers: readonly CompiledMatcher[];
}

/** One alternative of the expanded pattern: conditions sorted by path, as the engine walks them. */
type Alternative = readonly FieldCondition[];

interface FlatField {
  readonly value: LeafValue;
  /** For each enclosing array (by id), the index of the element this value sits in. */
  readonly membership: ReadonlyMap<number, number>;
}

const compiledPatterns = new WeakMap<object, readonly Alternative[]>();

/** Cross product of two alternative lists: every left alternative combined with every right one. */
function combine(left: FieldCondition[][], right: FieldCondition[][]): FieldCondition[][] {
  return left.flatMap((leftConditions) => right.map((rightConditions) => [...leftConditions, ...rightConditions]));
}

/** The wildcard patterns (`wildcard`, `anything-but` `wildcard`) of a match list, for the complexity check. */
function wildcardsOf(matchList: readonly unknown[]): string[] {
  return matchList.flatMap((matcher) => {
    if (!isPlainObject(matcher)) return [];
    const but = matcher['anything-but'];
    const operand = isPlainObject(but) ? but.wildcard : matcher.wildcard;
    return [operand].flat().filter((pattern): pattern is string => typeof pattern === 'string');
  });
}

function expand(
  pattern: Record<string, unknown>,
  prefix: string,
  wildcards: Map<string, string[]> = new Map(),
): FieldCondition[][] {
  let alternatives: FieldCondition[][] = [[]];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        throw new UnsupportedEventPatternError('"$or" other than an array of at least two pattern objects');
      }
      const branches = value.flatMap((branch) => expand(branch, prefix, wildcards));
      alternatives = combine(alternatives, branches);
      continue;
    }
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(value)) {
      alternatives = combine(alternatives, expand(value, path, wildcards));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
      const condition: FieldCondition = { path, matchers: value.map(compileMatcher) };
      wildcards.set(path, [...(wildcards.get(path) ?? []), ...wildcardsOf(value)]);
      alternatives = alternatives.map((conditions) => [...conditions, condition]);
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`);
    }
  }
  return alternatives;
}

function compile(pattern: unknown): readonly Alternative[] {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('Filter is not an object');
  const cached = compiledPatterns.get(pattern);
  if (cached) return cached;
  // Code-unit order, as Java's String.compareTo sorts the engine's field names.
  const wildcards = new Map<string, string[]>();
  const alternatives = expand(pattern, '', wildcards).map((conditions) =>
    [...conditions].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  );
  if (alternatives.every((conditions) => conditions.length === 0)) {
    throw new InvalidEventPatternError('Event pattern must name at least one field');
  }
  for (const patterns of wildcards.values()) assertWildcardComplexity(patterns);
  compiledPatterns.set(pattern, alternatives);
  return alternatives;
}

/**
 * Checks a pattern once (at boot, when a rule or archive is added) and throws `InvalidEventPatternError` for what AWS
 * rejects or `UnsupportedEventPatternError` for what this emulation does not implement.
 */
export function assertSupportedPattern(pattern: unknown): asserts pattern is EventPattern {
  compile(pattern);
}

/** Parses a pattern given as JSON text (as CloudFormation and the API carry it) and checks it. */
export function parseEventPattern(text: string): EventPattern {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch {
    throw new InvalidEventPatternError('Filter is not valid JSON');
  }
  assertSupportedPattern(pattern);
  return pattern;
}

function flatten(value: unknown, path: string, membership: Map<number, number>, state: FlattenState): void {
  if (Array.isArray(value)) {
    const arrayId = state.nextArrayId++;
    for (const [index, element] of value.entries()) {
      flatten(element, path, new Map(membership).set(arrayId, index), state);
    }
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      flatten(child, path === '' ? key : `${path}.${key}`, membership, state);
    }
  } else if (path !== '' && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) {
    const fields = state.fields.get(path) ?? [];
    fields.push({ value: value as LeafValue, membership });
    state.fields.set(path, fields);
  }
}

interface FlattenState {
  nextArrayId: number;
  readonly fields: Map<string, FlatField[]>;
}

/** The merged membership, or `undefined` when the two disagree on the element of an array they share. */
function mergeMembership(
  current: ReadonlyMap<number, number>,
  added: ReadonlyMap<number, number>,
): ReadonlyMap<number, number> | undefined {
  let merged: Map<number, number> | undefined;
  for (const [arrayId, index] of added) {
    const existing = current.get(arrayId);
    if (existing === undefined) {
      merged ??= new Map(current);
      merged.set(arrayId, index);
    } else if (existing !== index) {
      return undefined;
    }
  }
  return merged ?? current;
}

function matchFrom(
  conditions: Alternative,
  position: number,
  membership: ReadonlyMap<number, number>,
  fields: ReadonlyMap<string, FlatField[]>,
): boolean {
  const condition = conditions[position];
  if (!condition) return true;
  const candidates = fields.get(condition.path) ?? [];
  for (const matcher of condition.matchers) {
    if (matcher.kind === 'absent') {
      const present = candidates.some((field) => mergeMembership(membership, field.membership) !== undefined);
      if (!present && matchFrom(conditions, position + 1, membership, fields)) return true;
      continue;
    }
    for (const field of candidates) {
      if (!matcher.test(field.value)) continue;
      const merged = mergeMembership(membership, field.membership);
      if (merged && matchFrom(conditions, position + 1, merged, fields)) return true;
    }
  }
  return false;
}

/** Whether `event` (a parsed JSON object) matches `pattern`. Throws if the pattern is not supported. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const alternatives = compile(pattern);
  if (!isPlainObject(event)) return false;
  const state: FlattenState = { nextArrayId: 0, fields: new Map() };
  flatten(event, '', new Map(), state);
  return alternatives.some((conditions) => matchFrom(conditions, 0, new Map(), state.fields));
}
