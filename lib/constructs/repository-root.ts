import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository, so entries and lock files resolve the same from any working directory. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
