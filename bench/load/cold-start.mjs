/**
 * One cold start in a fresh Node process: loads a function's bundle as Lambda's runtime would, invokes its handler
 * once with an empty event, and prints `{ importMs, firstResponseMs }` as JSON. The empty event makes most handlers
 * answer a validation error without any network call: what is measured is loading and first use of the code.
 *
 * Plain JavaScript, so it runs on Node without the TypeScript loader. Usage: node cold-start.mjs <dir> <handler>
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [codeDirectory, handlerString] = process.argv.slice(2);
const [moduleName, exportName] = handlerString.split('.');
const started = performance.now();
let userModule;
const mjs = path.join(codeDirectory, `${moduleName}.mjs`);
if (fs.existsSync(mjs)) {
  userModule = await import(pathToFileURL(mjs).href);
} else {
  // A `.js` bundle is CommonJS on Lambda (no package.json above /var/task); here the project's package.json says
  // "type": "module", so compile it as CommonJS explicitly, as the local Lambda runtime does.
  const filename = path.join(codeDirectory, `${moduleName}.js`);
  const compiled = new Module(filename, undefined);
  compiled.filename = filename;
  compiled.paths = Module._nodeModulePaths(codeDirectory);
  compiled._compile(fs.readFileSync(filename, 'utf8'), filename);
  userModule = compiled.exports;
}
const imported = performance.now();
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  memoryLimitInMB: '512',
  awsRequestId: 'cold-start',
  getRemainingTimeInMillis: () => 3000,
};
try {
  await userModule[exportName]({}, context);
} catch {
  // An error answer is a response too.
}
const answered = performance.now();
process.stdout.write(`\n${JSON.stringify({ importMs: imported - started, firstResponseMs: answered - started })}\n`);
process.exit(0);
