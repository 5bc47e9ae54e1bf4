/**
 * Resolves the CloudFormation intrinsic functions a synthesized template uses, the way CloudFormation would at deploy
 * time. Anything this resolver does not understand stops the boot: a half-resolved value would fail much later, far
 * from its cause.
 */

export class UnsupportedIntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedIntrinsicError';
  }
}

/** What the resolver needs to know about the deployment so far. */
export interface ResolutionContext {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** Value of `Ref` for a resource or parameter, by logical id. */
  ref(logicalId: string): string | undefined;
  /** Value of `Fn::GetAtt` for a resource attribute. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Value of an export of a stack deployed earlier, for `Fn::ImportValue`. */
  importValue(exportName: string): string | undefined;
  /** Evaluated conditions of the template. */
  condition(name: string): boolean;
}

/** The value CloudFormation uses for "no value": properties set to it are removed. */
const NO_VALUE = Symbol('AWS::NoValue');

export function resolve(value: unknown, context: ResolutionContext): unknown {
  const resolved = resolveValue(value, context, '');
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: unknown, context: ResolutionContext, where: string): unknown {
  if (Array.isArray(value)) {
    return value
      .map((item, index) => resolveValue(item, context, `${where}[${index}]`))
      .filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (
    entries.length === 1 &&
    first &&
    (first[0] === 'Ref' || first[0].startsWith('Fn::') || first[0] === 'Condition')
  ) {
    return resolveIntrinsic(first[0], first[1], context, where);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolvedItem = resolveValue(item, context, where ? `${where}.${key}` : key);
    if (resolvedItem !== NO_VALUE) result[key] = resolvedItem;
  }
  return result;
}

function resolveIntrinsic(name: string, argument: unknown, context: ResolutionContext, where: string): unknown {
  const fail = (message: string): never => {
    throw new UnsupportedIntrinsicError(`${context.stackName} ${where}: ${name} ${message}`);
  };
  const asString = (item: unknown): string => {
    const resolved = resolveValue(item, context, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    return fail(`expected a string, got ${JSON.stringify(resolved)}`);
  };

  switch (name) {
    case 'Ref': {
      if (typeof argument !== 'string') return fail('takes a logical id');
      const pseudo = pseudoParameter(argument, context);
      if (pseudo !== undefined) return pseudo;
      const value = context.ref(argument);
      return value ?? fail(`refers to unknown ${argument}`);
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof argument === 'string' ? argument.split(/\.(.+)/) : (argument as string[]);
      if (!logicalId || !attribute) return fail('takes [logicalId, attribute]');
      const value = context.getAtt(logicalId, asString(attribute));
      return value ?? fail(`${logicalId}.${attribute} is not known`);
    }
    case 'Fn::Join': {
      const [delimiter, items] = argument as [string, unknown];
      const list = resolveValue(items, context, where);
      if (!Array.isArray(list)) return fail('takes a list');
      return list.map((item) => asString(item)).join(delimiter);
    }
    case 'Fn::Sub':
      return substitute(argument, context, fail);
    case 'Fn::Select': {
      const [index, items] = argument as [unknown, unknown];
      const list = resolveValue(items, context, where);
      const position = Number(resolveValue(index, context, where));
      if (!Array.isArray(list) || !Number.isInteger(position) || position < 0 || position >= list.length) {
        return fail(`index ${position} is out of range`);
      }
      return list[position];
    }
    case 'Fn::Split': {
      const [delimiter, source] = argument as [string, unknown];
      return asString(source).split(delimiter);
    }
    case 'Fn::If': {
      const [conditionName, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolveValue(context.condition(conditionName) ? whenTrue : whenFalse, context, where);
    }
    case 'Fn::ImportValue': {
      const exportName = asString(argument);
      return context.importValue(exportName) ?? fail(`names unknown export ${exportName}`);
    }
    case 'Fn::GetAZs':
      return [`${context.region}a`, `${context.region}b`, `${context.region}c`];
    case 'Fn::Base64':
      return Buffer.from(asString(argument), 'utf8').toString('base64');
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(argument, context, where));
    case 'Condition':
      return context.condition(String(argument));
    default:
      return fail('is not supported by the local cloud');
  }
}

function substitute(argument: unknown, context: ResolutionContext, fail: (message: string) => never): string {
  const [template, variables] =
    typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
  const local = Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [key, resolveValue(value, context, `Fn::Sub ${key}`)]),
  );
  return template.replace(/\$\{([^}]+)\}/g, (match, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
    if (expression in local) return String(local[expression]);
    const pseudo = pseudoParameter(expression, context);
    if (pseudo === NO_VALUE) fail(`\${${expression}} cannot be substituted`);
    if (typeof pseudo === 'string') return pseudo;
    const [logicalId, attribute] = expression.split(/\.(.+)/);
    if (attribute && logicalId) {
      const value = context.getAtt(logicalId, attribute);
      if (value === undefined) fail(`\${${expression}} is not known`);
      return String(value);
    }
    const value = context.ref(expression);
    if (value === undefined) fail(`\${${expression}} is not known (${match})`);
    return String(value);
  });
}

function pseudoParameter(name: string, context: ResolutionContext): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return context.accountId;
    case 'AWS::Region':
      return context.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${context.region}:${context.accountId}:stack/${context.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::NotificationARNs':
      throw new UnsupportedIntrinsicError(`${context.stackName}: AWS::NotificationARNs is not supported`);
    default:
      return undefined;
  }
}

/** Evaluates the template's Conditions section (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition). */
export function evaluateConditions(
  conditions: Record<string, unknown>,
  context: Omit<ResolutionContext, 'condition'>,
): Map<string, boolean> {
  const results = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const withConditions: ResolutionContext = { ...context, condition: (name) => evaluateNamed(name) };

  const evaluate = (expression: unknown): boolean => {
    if (typeof expression === 'boolean') return expression;
    const [entry] = Object.entries((expression ?? {}) as Record<string, unknown>);
    if (!entry) throw new UnsupportedIntrinsicError(`Condition ${JSON.stringify(expression)} is empty`);
    const [operator, operands] = entry;
    switch (operator) {
      case 'Fn::Equals': {
        const [left, right] = (operands as unknown[]).map((operand) => resolve(operand, withConditions));
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::And':
        return (operands as unknown[]).every(evaluate);
      case 'Fn::Or':
        return (operands as unknown[]).some(evaluate);
      case 'Fn::Not':
        return !evaluate((operands as unknown[])[0]);
      case 'Condition':
        return evaluateNamed(String(operands));
      default:
        throw new UnsupportedIntrinsicError(`Condition operator ${operator} is not supported`);
    }
  };
  const evaluateNamed = (name: string): boolean => {
    const known = results.get(name);
    if (known !== undefined) return known;
    if (!(name in conditions)) throw new UnsupportedIntrinsicError(`Condition ${name} is not defined`);
    if (evaluating.has(name)) throw new UnsupportedIntrinsicError(`Condition ${name} refers to itself`);
    evaluating.add(name);
    const value = evaluate(conditions[name]);
    evaluating.delete(name);
    results.set(name, value);
    return value;
  };
  for (const name of Object.keys(conditions)) evaluateNamed(name);
  return results;
}

/** Logical ids a value refers to (Ref, GetAtt, Sub), to order resources like CloudFormation does. */
export function referencedLogicalIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedLogicalIds(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof item === 'string' && !item.startsWith('AWS::')) found.add(item);
      else if (key === 'Fn::GetAtt') {
        const logicalId = typeof item === 'string' ? item.split('.')[0] : (item as string[])[0];
        if (logicalId) found.add(logicalId);
      } else if (key === 'Fn::Sub') {
        const template = typeof item === 'string' ? item : (item as [string])[0];
        // A variable of the Fn::Sub shadows a logical id of the same name: it is no dependency.
        const variables = Array.isArray(item) ? ((item[1] ?? {}) as Record<string, unknown>) : {};
        for (const match of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const expression = match[1] as string;
          const name = expression.split('.')[0] as string;
          if (!name.startsWith('AWS::') && !(expression in variables)) found.add(name);
        }
        if (Array.isArray(item)) referencedLogicalIds(item[1], found);
      } else referencedLogicalIds(item, found);
    }
  }
  return found;
}
