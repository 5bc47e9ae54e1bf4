/** Key schemas of live tables, and how to pull a key out of an item. */
import type { DynaliteConnection, Item } from './dynalite-connection.js';
import { validationError } from './errors.js';

export interface TableKeySchema {
  tableName: string;
  /** Partition key first, then the sort key when the table has one. */
  keyAttributes: string[];
}

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

/** Reads a table's key schema; an unknown table surfaces dynalite's `ResourceNotFoundException`. */
export async function describeKeySchema(connection: DynaliteConnection, tableName: string): Promise<TableKeySchema> {
  const { Table } = await connection.call<{ Table: { KeySchema: KeySchemaElement[] } }>('DescribeTable', {
    TableName: tableName,
  });
  const ordered = [...Table.KeySchema].sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0));
  return { tableName, keyAttributes: ordered.map((element) => element.AttributeName) };
}

/** The key attributes of `item`, failing like DynamoDB when one is absent. */
export function keyOf(item: Item, schema: TableKeySchema): Item {
  const key: Item = {};
  for (const attribute of schema.keyAttributes) {
    const value = item[attribute];
    if (value === undefined) {
      throw validationError(`One or more parameter values were invalid: Missing the key ${attribute} in the item`);
    }
    key[attribute] = value;
  }
  return key;
}

/** A string that is equal for two requests exactly when they address the same item of the same table. */
export function itemIdentity(key: Item, schema: TableKeySchema): string {
  return JSON.stringify([schema.tableName, ...schema.keyAttributes.map((attribute) => key[attribute] ?? null)]);
}
