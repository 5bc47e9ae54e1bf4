import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../../../lib/build-info.js';
import { repositoryRoot } from '../../../../lib/constructs/repository-root.js';
import { buildOpenApiDocument } from '../../../../shared/contracts/openapi.js';

describe('docs/openapi.json', () => {
  it('is what the zod schemas generate (run `npm run openapi` after changing a contract)', () => {
    // Prepare
    const committed = JSON.parse(readFileSync(join(repositoryRoot, 'docs/openapi.json'), 'utf8'));

    // Act
    const generated = buildOpenApiDocument(packageVersion());

    // Assess
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('documents field constraints from the schemas, such as the quantity range', () => {
    const document = buildOpenApiDocument('test') as any;
    const body = document.paths['/carts/{cartId}/items/{sku}'].put.requestBody.content['application/json'].schema;
    expect(body.properties.quantity).toMatchObject({ type: 'integer', minimum: 1, maximum: 99 });
    expect(document.paths['/checkouts'].post.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
  });
});
