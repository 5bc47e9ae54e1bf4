/**
 * What a DynamoDB write asks of the store, with every placeholder replaced by what it stands for (`#used` by `used`,
 * `:held` by its value as JSON): tests assert the update and the condition the store evaluates, not how an adapter
 * spells its placeholders.
 */
export interface PlaceholderedWrite {
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

export function resolvedExpressions(write: PlaceholderedWrite | undefined): { update?: string; condition?: string } {
  const resolve = (expression: string | undefined) =>
    expression?.replace(/[#:][A-Za-z0-9_]+/g, (placeholder) => {
      if (placeholder.startsWith('#')) return write?.ExpressionAttributeNames?.[placeholder] ?? placeholder;
      const values = write?.ExpressionAttributeValues ?? {};
      return placeholder in values ? JSON.stringify(values[placeholder]) : placeholder;
    });
  return { update: resolve(write?.UpdateExpression), condition: resolve(write?.ConditionExpression) };
}
