/** `npm run openapi`: writes docs/openapi.json from the zod schemas. A unit test fails when the file is stale. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../lib/build-info.js';
import { repositoryRoot } from '../lib/constructs/repository-root.js';
import { buildOpenApiDocument } from '../shared/contracts/openapi.js';

const path = join(repositoryRoot, 'docs/openapi.json');
writeFileSync(path, `${JSON.stringify(buildOpenApiDocument(packageVersion()), null, 2)}\n`);
console.log(`Wrote ${path}`);
