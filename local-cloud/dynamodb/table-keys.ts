/** Key schemas of live tables, and how to pull a key out of an item. */
import type { DynaliteEngine, Item } from './dynalite-engine.js';
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

/**
 * Key schemas by table name, read once per table: a table's keys never change while it exists. `forget` drops a
 * table's entry when it is deleted or created again.
 */
export class KeySchemas {
  private readonly schemas = new Map<string, Promise<TableKeySchema>>();

  constructor(private readonly engine: DynaliteEngine) {}

  /** The table's key schema; an unknown table surfaces dynalite's `ResourceNotFoundException`. */
  of(tableName: string): Promise<TableKeySchema> {
    let schema = this.schemas.get(tableName);
    if (!schema) {
      schema = describeKeySchema(this.engine, tableName);
      this.schemas.set(tableName, schema);
      // A table that does not exist (yet) must be looked up again next time.
      schema.catch(() => this.schemas.delete(tableName));
    }
    return schema;
  }

  forget(tableName: string): void {
    this.schemas.delete(tableName);
  }
}

async function describeKeySchema(engine: DynaliteEngine, tableName: string): Promise<TableKeySchema> {
  const { Table } = await engine.call<{ Table: { KeySchema: KeySchemaElement[] } }>('DescribeTable', {
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
