/**
 * EventBridge refuses wildcard patterns it finds too complex to match quickly
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html, "Wildcard matching"):
 * PutRule and TestEventPattern answer `InvalidEventPatternException` "Rule is too complex - try using fewer wildcard
 * characters or fewer repeating character sequences after a wildcard character".
 *
 * The user guide gives no formula. Its engine (event-ruler's `MachineComplexityEvaluator`) measures a field's
 * wildcard patterns by the largest number of their prefixes that one input value can match at once: `*a*a*a*` has 7
 * for `aaa` (`*`, `*a`, `*a*`, `*a*a`, `*a*a*`, `*a*a*a`, `*a*a*a*`). This module computes that number (up to the limit), for
 * all the wildcard patterns (`wildcard` and `anything-but` `wildcard`) a rule gives one field, and refuses the rule
 * above {@link MAX_WILDCARD_COMPLEXITY}. What differs: event-ruler measures per state of its rule machine, so patterns
 * of one field in `$or` branches that differ before that field are measured apart there and together here.
 */
import { InvalidEventPatternError } from './pattern-errors.js';

/**
 * The most simultaneously matching prefixes a field's wildcards may have. Not published by AWS: observed (and used by
 * other emulators) as "more than 10 is refused".
 */
const MAX_WILDCARD_COMPLEXITY = 10;
/** Bounds the exploration: beyond this many distinct state sets the pattern is refused as too complex. */
const MAX_STATE_SETS = 10_000;

type Token = { star: true } | { star: false; char: string };

/** Throws AWS's refusal when the wildcard patterns one field is given are too complex together. */
export function assertWildcardComplexity(patterns: readonly string[]): void {
  if (patterns.length === 0) return;
  if (wildcardComplexity(patterns) > MAX_WILDCARD_COMPLEXITY) {
    throw new InvalidEventPatternError(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a ' +
        'wildcard character',
    );
  }
}

/**
 * The largest number of non-empty pattern prefixes that one input can match at once, a prefix shared by several
 * patterns counting once for each: a subset construction over the patterns' prefix automata.
 */
export function wildcardComplexity(patterns: readonly string[]): number {
  const tokenized = patterns.map(tokens);
  // A prefix counts once per distinct pattern it leads to, as event-ruler weighs a state by the patterns through it.
  const prefixKey = (pattern: number, length: number) => JSON.stringify([patterns[pattern], length]);
  const alphabet = new Set<string>();
  for (const pattern of tokenized) for (const token of pattern) if (!token.star) alphabet.add(token.char);
  const other = '\u0000';

  /** A state is [pattern, prefix length]; the closure adds the empty match of each `*` ahead. */
  const closure = (states: ReadonlyArray<readonly [number, number]>): Array<[number, number]> => {
    const closed = new Map<string, [number, number]>();
    for (const [pattern, position] of states) {
      let at = position;
      closed.set(`${pattern}:${at}`, [pattern, at]);
      while ((tokenized[pattern] as Token[])[at]?.star) {
        at++;
        closed.set(`${pattern}:${at}`, [pattern, at]);
      }
    }
    return [...closed.values()];
  };
  const complexityOf = (states: ReadonlyArray<readonly [number, number]>) =>
    new Set(states.filter(([, position]) => position > 0).map(([pattern, position]) => prefixKey(pattern, position)))
      .size;

  const start = closure(tokenized.map((_, pattern) => [pattern, 0] as const));
  const seen = new Set<string>();
  const pending = [start];
  let maximum = complexityOf(start);
  while (pending.length > 0) {
    const states = pending.pop() as Array<[number, number]>;
    for (const char of [...alphabet, other]) {
      const next: Array<[number, number]> = [];
      for (const [pattern, position] of states) {
        const pieces = tokenized[pattern] as Token[];
        // A `*` already matched keeps matching any character.
        if (position > 0 && pieces[position - 1]?.star) next.push([pattern, position]);
        const ahead = pieces[position];
        if (ahead && !ahead.star && ahead.char === char) next.push([pattern, position + 1]);
      }
      if (next.length === 0) continue;
      const closed = closure(next);
      const key = closed
        .map(([pattern, position]) => `${pattern}:${position}`)
        .sort()
        .join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      maximum = Math.max(maximum, complexityOf(closed));
      if (maximum > MAX_WILDCARD_COMPLEXITY || seen.size > MAX_STATE_SETS) return Number.POSITIVE_INFINITY;
      pending.push(closed);
    }
  }
  return maximum;
}

/** The pattern's characters and stars; `\*` and `\\` are literal (the matcher has already refused other escapes). */
function tokens(pattern: string): Token[] {
  const result: Token[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '\\' && index + 1 < pattern.length) {
      result.push({ star: false, char: pattern[index + 1] as string });
      index++;
    } else if (char === '*') {
      result.push({ star: true });
    } else {
      result.push({ star: false, char });
    }
  }
  return result;
}
