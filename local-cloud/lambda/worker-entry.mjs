/**
 * The inside of one local execution environment: the counterpart of Lambda's Node.js runtime interface client.
 * It loads the function's bundle once (the cold start), then runs one invocation at a time for the parent thread.
 *
 * Plain JavaScript on purpose: a worker thread loads its entry file with Node's own loader, so the TypeScript
 * loaders of vitest or tsx in the parent do not reach it, and every Node version the project runs on can load it.
 *
 * Messages from the parent: { type: 'invoke', requestId, eventJson, deadlineMs, invokedFunctionArn, traceId,
 * clientContext }. Messages to the parent: { type: 'ready' } | { type: 'init-error', error } |
 * { type: 'result', requestId, payloadJson } | { type: 'invoke-error', requestId, error } | { type: 'fatal', error }.
 * With `awsEndpointThroughParent`, the function's requests to its AWS endpoint travel as messages too
 * (parent-transport.mjs).
 */
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { routeEndpointThroughParent } from './parent-transport.mjs';

// Every worker of every function compiles the same AWS SDK and largely the same bundle code. V8's on-disk compile
// cache (Node >= 22.1) lets the second and later cold starts skip most of that work; it changes no behaviour.
Module.enableCompileCache?.(path.join(os.tmpdir(), 'sagastack-lambda-compile-cache'));

const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
const { codeDirectory, handler: fullHandlerString, runtime, functionName, memoryLimitInMB } = workerData;
const { logGroupName, logStreamName, enableSourceMaps, awsEndpointThroughParent } = workerData;

/** Lambda's runtime names its own errors `Runtime.<Kind>`. */
function runtimeError(kind, message, stack) {
  const error = new Error(message);
  error.name = `Runtime.${kind}`;
  if (stack) error.stack = stack;
  return error;
}

function isErrorLike(value) {
  return (
    util.types.isNativeError(value) ||
    (value &&
      typeof value.name === 'string' &&
      typeof value.message === 'string' &&
      typeof value.stack === 'string' &&
      value.name &&
      value.message)
  );
}

/** The error document Lambda's Node.js runtime answers with (`Errors.toRapidResponse`). */
function toErrorPayload(error) {
  try {
    if (isErrorLike(error)) {
      return {
        errorType: String(error.name),
        errorMessage: String(error.message),
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// ---- console, as patched by Lambda's runtime: one log event per call, tagged with time, request id and level ----

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

function patchConsole() {
  const jsonFormat = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const minimumPriority = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? ''] ?? LEVELS.TRACE;
  const write = (level, params) => {
    const timestamp = new Date().toISOString();
    const requestId = globalThis[REQUEST_ID_SYMBOL];
    const line = jsonFormat
      ? JSON.stringify({ timestamp, level, requestId, message: util.format(...params) })
      : `${timestamp}\t${requestId}\t${level}\t${util.format(...params)}`;
    process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
  };
  const method = (level) => (LEVELS[level] >= minimumPriority ? (...params) => write(level, params) : () => {});
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.log = console.info;
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.fatal = method('FATAL');
}

// ---- loading the handler, with the rules of Lambda's `UserFunction.load` ----

/**
 * Whether a `.js` file is an ES module. The lookup stops at the code directory: on Lambda nothing above
 * `/var/task` has a package.json, whereas locally the asset sits inside the project (whose package.json may say
 * `"type": "module"` while the bundle is CommonJS).
 */
function isInModuleScope(directory) {
  let current = directory;
  for (;;) {
    const manifest = path.join(current, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (current === codeDirectory || current.endsWith(`${path.sep}node_modules`)) return false;
    const parent = path.dirname(current);
    if (parent === current || !parent.startsWith(codeDirectory)) return false;
    current = parent;
  }
}

/** Compiles a file as CommonJS regardless of package scopes above the code directory (see `isInModuleScope`). */
function requireAsCommonJs(filename) {
  const cached = Module._cache[filename];
  if (cached) return cached.exports;
  const userModule = new Module(filename, undefined);
  userModule.filename = filename;
  userModule.paths = Module._nodeModulePaths(path.dirname(filename));
  Module._cache[filename] = userModule;
  try {
    userModule._compile(fs.readFileSync(filename, 'utf8'), filename, 'commonjs');
  } catch (error) {
    delete Module._cache[filename];
    throw error;
  }
  userModule.loaded = true;
  return userModule.exports;
}

async function loadUserModule(modulePath, moduleName) {
  const isFile = (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile();
  if (isFile(modulePath)) return requireAsCommonJs(modulePath);
  if (isFile(`${modulePath}.js`)) {
    return isInModuleScope(path.dirname(modulePath))
      ? await import(pathToFileURL(`${modulePath}.js`).href)
      : requireAsCommonJs(`${modulePath}.js`);
  }
  if (isFile(`${modulePath}.mjs`)) return await import(pathToFileURL(`${modulePath}.mjs`).href);
  if (isFile(`${modulePath}.cjs`)) return requireAsCommonJs(`${modulePath}.cjs`);
  const notFound = new Error(`Cannot find module '${moduleName}'`);
  notFound.code = 'MODULE_NOT_FOUND';
  throw notFound;
}

async function loadHandler() {
  if (fullHandlerString.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.slice(0, fullHandlerString.length - handlerString.length);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;

  let userModule;
  try {
    userModule = await loadUserModule(path.resolve(codeDirectory, moduleRoot, moduleName), moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(error), error.stack);
    if (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND') {
      throw runtimeError('ImportModuleError', String(error));
    }
    throw error;
  }

  const handler = handlerPath.split('.').reduce((nested, key) => nested?.[key], userModule);
  if (!handler) throw runtimeError('HandlerNotFound', `${fullHandlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('HandlerNotFound', `${fullHandlerString} is not a function`);
  if (handler.length >= 3 && runtime === 'nodejs24.x') {
    throw runtimeError(
      'CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
  }
  return handler;
}

// ---- invocations ----

function respond(requestId, result) {
  let payloadJson;
  try {
    payloadJson = JSON.stringify(result === undefined ? null : result);
  } catch {
    respondWithError(requestId, runtimeError('JSONStringifyError', 'Unable to stringify response body'));
    return;
  }
  afterOutputFlushed(() => parentPort.postMessage({ type: 'result', requestId, payloadJson }));
}

function respondWithError(requestId, error) {
  console.error('Invoke Error', `\t${JSON.stringify(toErrorPayload(error))}`);
  afterOutputFlushed(() => parentPort.postMessage({ type: 'invoke-error', requestId, error: toErrorPayload(error) }));
}

/**
 * Worker stdio reaches the parent on its own channel; waiting for the parent to take what was printed lets the
 * invocation's log lines arrive before its result, as they do in Lambda's log stream.
 */
function afterOutputFlushed(send) {
  let streamsLeft = 2;
  const done = () => {
    streamsLeft -= 1;
    if (streamsLeft === 0) send();
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function invoke(handler, message) {
  const { requestId } = message;
  globalThis[REQUEST_ID_SYMBOL] = requestId;
  process.env._X_AMZN_TRACE_ID = message.traceId;

  let settled = false;
  const succeed = (result) => {
    if (settled) return;
    settled = true;
    respond(requestId, result);
  };
  const fail = (error) => {
    if (settled) return;
    settled = true;
    respondWithError(requestId, error);
  };
  const callback = (error, result) => (error === undefined || error === null ? succeed(result) : fail(error));

  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB,
    awsRequestId: requestId,
    logGroupName,
    logStreamName,
    identity: undefined,
    clientContext: message.clientContext,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    succeed,
    fail,
    done: callback,
  };

  try {
    const returned = handler(JSON.parse(message.eventJson), context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then(succeed, fail);
    } else if (handler.length < 3) {
      // A synchronous handler that never calls back: Lambda answers null once the event loop drains. This worker's
      // loop never drains (it waits for the next invocation), so answer on the next turn instead.
      setImmediate(() => succeed(null));
    }
  } catch (error) {
    fail(error);
  }
}

// ---- process-level failures: the runtime reports them, then the execution environment is discarded ----

process.on('uncaughtException', (error) => {
  console.error('Uncaught Exception', `\t${JSON.stringify(toErrorPayload(error))}`);
  parentPort.postMessage({ type: 'fatal', error: toErrorPayload(error) });
});

process.on('unhandledRejection', (reason) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason));
  console.error('Unhandled Promise Rejection', `\t${JSON.stringify(toErrorPayload(error))}`);
  parentPort.postMessage({ type: 'fatal', error: toErrorPayload(error) });
});

globalThis.awslambda = {
  streamifyResponse: () => {
    throw new Error('Lambda response streaming (awslambda.streamifyResponse) is not supported by the local cloud');
  },
};

patchConsole();
if (enableSourceMaps) process.setSourceMapsEnabled(true);
// Before the bundle loads: its SDK clients take `http.request` when their first request goes out (ADR 0019).
if (awsEndpointThroughParent && process.env.AWS_ENDPOINT_URL) {
  routeEndpointThroughParent(process.env.AWS_ENDPOINT_URL, parentPort);
}

try {
  const handler = await loadHandler();
  parentPort.on('message', (message) => {
    if (message?.type === 'invoke') invoke(handler, message);
  });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  console.error(`${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`);
  parentPort.postMessage({ type: 'init-error', error: toErrorPayload(error) });
}
