/**
 * The JSONPath subset EventBridge accepts in InputPath and InputPathsMap: `$`, dot segments (letters, digits, dashes,
 * underscores, slashes...), array indices `[0]`, and wildcards `.*` / `[*]`. Anything else (filters, slices, recursive
 * descent) is refused when the rule is added.
 */

/** A JSONPath the local cloud cannot evaluate (or that AWS would reject). */
export class UnsupportedJsonPathError extends Error {
  constructor(path: string, reason: string) {
    super(`JSONPath ${JSON.stringify(path)} is not supported by the local cloud's EventBridge: ${reason}`);
    this.name = 'UnsupportedJsonPathError';
  }
}

type Segment = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: number };
type Step = Segment | { readonly kind: 'wildcard' };

/** A parsed path, ready to evaluate against many events. */
export interface CompiledJsonPath {
  readonly text: string;
  readonly steps: readonly Step[];
  /** With a wildcard, the result is the list of every match (as Jayway JsonPath, AWS's engine, returns it). */
  readonly isList: boolean;
}

const KEY_CHARACTERS = /^[^.[\]*'"\s]+$/;

export function compileJsonPath(text: string): CompiledJsonPath {
  if (!text.startsWith('$')) throw new UnsupportedJsonPathError(text, 'it must start with $');
  const steps: Step[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('..')) throw new UnsupportedJsonPathError(text, 'recursive descent (..) is not supported');
    const dotted = /^\.([^.[]+)/.exec(rest);
    const bracketed = /^\[(\d+|\*)\]/.exec(rest);
    if (dotted?.[1] !== undefined) {
      const key = dotted[1];
      if (key === '*') steps.push({ kind: 'wildcard' });
      else if (KEY_CHARACTERS.test(key)) steps.push({ kind: 'key', key });
      else throw new UnsupportedJsonPathError(text, `the segment ${JSON.stringify(key)} is not a plain field name`);
      rest = rest.slice(dotted[0].length);
    } else if (bracketed?.[1] !== undefined) {
      const inside = bracketed[1];
      steps.push(inside === '*' ? { kind: 'wildcard' } : { kind: 'index', index: Number(inside) });
      rest = rest.slice(bracketed[0].length);
    } else {
      throw new UnsupportedJsonPathError(text, `cannot read ${JSON.stringify(rest)} (only .field, [n] and * are)`);
    }
  }
  return { text, steps, isList: steps.some((step) => step.kind === 'wildcard') };
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return Object.values(value);
  return [];
}

function stepInto(value: unknown, step: Segment): { found: boolean; value?: unknown } {
  if (step.kind === 'index') {
    return Array.isArray(value) && step.index < value.length
      ? { found: true, value: value[step.index] }
      : { found: false };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, step.key)) {
    return { found: true, value: (value as Record<string, unknown>)[step.key] };
  }
  return { found: false };
}

/** Evaluates a compiled path; `found: false` when it selects nothing. */
export function evaluateJsonPath(path: CompiledJsonPath, document: unknown): { found: boolean; value?: unknown } {
  let current: unknown[] = [document];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'wildcard') {
        next.push(...children(value));
      } else {
        const result = stepInto(value, step);
        if (result.found) next.push(result.value);
      }
    }
    current = next;
  }
  if (path.isList) return current.length > 0 ? { found: true, value: current } : { found: false };
  return current.length > 0 ? { found: true, value: current[0] } : { found: false };
}
