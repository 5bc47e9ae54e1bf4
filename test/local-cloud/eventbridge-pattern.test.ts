import { describe, expect, it } from 'vitest';
import {
  assertSupportedPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
  UnsupportedEventPatternError,
} from '../../local-cloud/eventbridge/pattern.js';
import { wildcardComplexity } from '../../local-cloud/eventbridge/pattern-complexity.js';

function matches(pattern: unknown, detail: Record<string, unknown>): boolean {
  assertSupportedPattern(pattern);
  return matchesEventPattern(pattern, { source: 'test', 'detail-type': 'Test', detail });
}

describe('EventBridge pattern operators beyond the conformance file', () => {
  it('prefix and suffix with equals-ignore-case ignore case', () => {
    // Prepare
    const prefix = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EVENTB' } }] } };
    const suffix = { detail: { file: [{ suffix: { 'equals-ignore-case': '.png' } }] } };

    // Act
    const results = [matches(prefix, { service: 'EventBridge' }), matches(suffix, { file: 'IMG.PNG' })];

    // Assess
    expect(results).toEqual([true, true]);
  });

  it('prefix and suffix never match non-strings', () => {
    // Prepare
    const pattern = { detail: { code: [{ prefix: '1' }] } };

    // Act
    const matched = matches(pattern, { code: 123 });

    // Assess
    expect(matched).toBe(false);
  });

  it('wildcard: * spans any run of characters, including none, and \\* is a literal star', () => {
    // Prepare
    const pattern = { detail: { path: [{ wildcard: 'dir/*.png' }] } };
    const literalStar = { detail: { path: [{ wildcard: 'a\\*b' }] } };

    // Act
    const results = [
      matches(pattern, { path: 'dir/photo.png' }),
      matches(pattern, { path: 'dir/.png' }),
      matches(pattern, { path: 'dir/photo.jpg' }),
      matches(literalStar, { path: 'a*b' }),
      matches(literalStar, { path: 'axb' }),
    ];

    // Assess
    expect(results).toEqual([true, true, false, true, false]);
  });

  it('cidr matches IPv4 and IPv6 addresses inside the range only', () => {
    // Prepare
    const ipv4 = { detail: { ip: [{ cidr: '10.0.0.0/24' }] } };
    const ipv6 = { detail: { ip: [{ cidr: '2001:db8::/32' }] } };

    // Act
    const results = [
      matches(ipv4, { ip: '10.0.0.255' }),
      matches(ipv4, { ip: '10.0.1.1' }),
      matches(ipv4, { ip: 'not-an-ip' }),
      matches(ipv6, { ip: '2001:db8:1::7' }),
      matches(ipv6, { ip: '2001:db9::1' }),
      matches(ipv4, { ip: '::ffff:10.0.0.1' }),
    ];

    // Assess
    expect(results).toEqual([true, false, false, true, false, false]);
  });

  it('anything-but matches null and other types, but never a missing field', () => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };

    // Act
    const results = [
      matches(pattern, { state: null }),
      matches(pattern, { state: 12 }),
      matches(pattern, { state: 'initializing' }),
      matches(pattern, {}),
    ];

    // Assess
    expect(results).toEqual([true, true, false, false]);
  });

  it('anything-but numeric list compares numbers numerically', () => {
    // Prepare
    const pattern = { detail: { limit: [{ 'anything-but': [100, 200] }] } };

    // Act
    const results = [
      matches(pattern, { limit: 100.0 }),
      matches(pattern, { limit: 150 }),
      matches(pattern, { limit: '100' }),
    ];

    // Assess
    expect(results).toEqual([false, true, true]);
  });

  it('anything-but suffix, equals-ignore-case and wildcard exclude only matching strings', () => {
    // Prepare
    const suffix = { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } };
    const ignoreCase = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'PAUSED'] } }] } };
    const wildcard = { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };

    // Act
    const results = [
      matches(suffix, { file: 'a.png' }),
      matches(suffix, { file: 'a.jpg' }),
      matches(ignoreCase, { state: 'stopped' }),
      matches(ignoreCase, { state: 'running' }),
      matches(wildcard, { path: 'src/lib/x.ts' }),
      matches(wildcard, { path: 123 }),
    ];

    // Assess
    expect(results).toEqual([false, true, false, true, false, true]);
  });

  it('numeric matches numbers only, with = and open or closed bounds', () => {
    // Prepare
    const equals = { detail: { amount: [{ numeric: ['=', 150] }] } };
    const closed = { detail: { amount: [{ numeric: ['>=', 0, '<', 10] }] } };

    // Act
    const results = [
      matches(equals, { amount: 150.0 }),
      matches(equals, { amount: '150' }),
      matches(closed, { amount: 0 }),
      matches(closed, { amount: 10 }),
    ];

    // Assess
    expect(results).toEqual([true, false, true, false]);
  });

  it('boolean and empty-string literals match exactly', () => {
    // Prepare
    const pattern = { detail: { enabled: [true], note: [''] } };

    // Act
    const results = [matches(pattern, { enabled: true, note: '' }), matches(pattern, { enabled: 'true', note: '' })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('exists works on leaves only: an object field counts as absent', () => {
    // Prepare
    const absent = { detail: { customer: [{ exists: false }] } };
    const present = { detail: { customer: [{ exists: true }] } };

    // Act
    const results = [matches(absent, { customer: { tier: 'Gold' } }), matches(present, { customer: { tier: 'Gold' } })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('fields under the same array must come from the same element (array consistency)', () => {
    // Prepare
    const detail = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    };

    // Act
    const sameElement = matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } }, detail);
    const acrossElements = matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } }, detail);

    // Assess
    expect([sameElement, acrossElements]).toEqual([true, false]);
  });

  it('exists false is judged against the whole event when nothing was matched before it', () => {
    // Prepare
    const pattern = { detail: { items: { gift: [{ exists: false }] } } };

    // Act
    const someGift = matches(pattern, { items: [{ gift: true }, { sku: 'b' }] });
    const noGift = matches(pattern, { items: [{ sku: 'a' }, { sku: 'b' }] });

    // Assess
    expect([someGift, noGift]).toEqual([false, true]);
  });

  it('nested $or inside $or branches combines with AND siblings', () => {
    // Prepare
    const pattern = {
      source: ['test'],
      $or: [
        { detail: { kind: ['a'] } },
        { detail: { kind: ['b'], $or: [{ level: [1] }, { level: [{ numeric: ['>', 5] }] }] } },
      ],
    };

    // Act
    const results = [
      matches(pattern, { kind: 'a' }),
      matches(pattern, { kind: 'b', level: 9 }),
      matches(pattern, { kind: 'b', level: 3 }),
    ];

    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it('multi-level arrays are crushed out', () => {
    // Prepare
    const pattern = { detail: { matrix: { v: [4] } } };

    // Act
    const matched = matches(pattern, { matrix: [[{ v: 1 }, { v: 2 }], [{ v: 4 }]] });

    // Assess
    expect(matched).toBe(true);
  });

  it('a non-object event never matches', () => {
    // Prepare
    const pattern = parseEventPattern('{"source":["test"]}');

    // Act
    const results = [matchesEventPattern(pattern, 'test'), matchesEventPattern(pattern, null)];

    // Assess
    expect(results).toEqual([false, false]);
  });
});

describe('EventBridge pattern validation', () => {
  it.each([
    ['a scalar where a list is expected', { source: 'x' }, /"source" must be an object or an array/],
    ['an empty match list', { source: [] }, /Empty arrays are not allowed/],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /Only one key/],
    ['a bad numeric range', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }, /Bottom must be less than top/],
    ['an unknown numeric operator', { detail: { n: [{ numeric: ['!=', 5] }] } }, /Unrecognized numeric range operator/],
    ['consecutive wildcards', { detail: { p: [{ wildcard: 'a**b' }] } }, /Consecutive wildcard characters/],
    ['a malformed CIDR', { detail: { ip: [{ cidr: '10.0.0.0' }] } }, /Malformed CIDR/],
    ['a CIDR with host bits set', { detail: { ip: [{ cidr: '10.0.0.5/24' }] } }, /Nonstandard IP address/],
    ['anything-but null', { detail: { s: [{ 'anything-but': null }] } }, /anything-but/],
    ['anything-but mixed types', { detail: { s: [{ 'anything-but': ['a', 1] }] } }, /anything but list/],
    ['an empty anything-but prefix', { detail: { s: [{ 'anything-but': { prefix: '' } }] } }, /Null prefix/],
    ['exists with a string', { detail: { s: [{ exists: 'yes' }] } }, /exists match pattern/],
    ['a nested object in a match list', { detail: { s: [{}] } }, /Only one key/],
    ['an array in a match list', { detail: { s: [['a']] } }, /Match value must be/],
    ['an empty pattern', {}, /at least one field/],
    ['a pattern that is not an object', ['source'], /Filter is not an object/],
  ])('rejects %s as invalid', (_label, pattern, message) => {
    // Act
    const check = () => assertSupportedPattern(pattern);

    // Assess
    expect(check).toThrow(InvalidEventPatternError);
    expect(check).toThrow(message);
  });

  it.each([
    ['an unknown operator', { detail: { s: [{ contains: 'x' }] } }, /match type "contains"/],
    ['$or with a single branch', { $or: [{ source: ['a'] }] }, /\$or/],
  ])('rejects %s as unsupported', (_label, pattern, message) => {
    // Act
    const check = () => assertSupportedPattern(pattern);

    // Assess
    expect(check).toThrow(UnsupportedEventPatternError);
    expect(check).toThrow(message);
  });

  it('rejects a pattern that is not valid JSON text', () => {
    // Act
    const parse = () => parseEventPattern('{source: [');

    // Assess
    expect(parse).toThrow(/Filter is not valid JSON/);
  });
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ("Wildcard matching"):
// EventBridge refuses wildcard patterns that are too complex, with InvalidEventPatternException.
describe('EventBridge wildcard complexity', () => {
  const TOO_COMPLEX =
    'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a ' +
    'wildcard character';

  it('counts the pattern prefixes one value can match at once: *a*a*a* has 7 for "aaa"', () => {
    // Act
    const complexities = [wildcardComplexity(['*a*a*a*']), wildcardComplexity(['dir/*.png'])];

    // Assess
    expect(complexities).toEqual([7, 2]);
  });

  it.each([
    ['one pattern with many repeated sequences after wildcards', [{ wildcard: '*a*a*a*a*a*' }]],
    [
      'four path patterns on one field (refused by AWS; two of them are accepted)',
      [
        { wildcard: '*/datasync/*.bif' },
        { wildcard: '*/datasync/*.tif' },
        { wildcard: '*/datasync/*.tiff' },
        { wildcard: '*/datasync/*.svs' },
      ],
    ],
    ['anything-but wildcards on one field', [{ 'anything-but': { wildcard: ['*a*a*a*', '*b*a*a*a*a*'] } }]],
  ])('refuses %s as too complex', (_label, matchList) => {
    // Act
    const check = () => assertSupportedPattern({ detail: { key: matchList } });

    // Assess
    expect(check).toThrow(InvalidEventPatternError);
    expect(check).toThrow(`Event pattern is not valid. Reason: ${TOO_COMPLEX}`);
  });

  it.each([
    [
      'file extensions on one field',
      [{ wildcard: '*.bif' }, { wildcard: '*.tiff' }, { wildcard: '*.tif' }, { wildcard: '*.svs' }],
    ],
    ['two path patterns on one field', [{ wildcard: '*/datasync/*.bif' }, { wildcard: '*/datasync/*.tif' }]],
    ['an anything-but wildcard', [{ 'anything-but': { wildcard: '*/lib/*' } }]],
  ])('accepts %s', (_label, matchList) => {
    // Act
    const check = () => assertSupportedPattern({ detail: { key: matchList } });

    // Assess
    expect(check).not.toThrow();
  });

  it('measures each field on its own: complex wildcards spread over two fields are accepted', () => {
    // Act
    const check = () =>
      assertSupportedPattern({ detail: { a: [{ wildcard: '*a*a*a*' }], b: [{ wildcard: '*a*a*a*' }] } });

    // Assess
    expect(check).not.toThrow();
  });
});
