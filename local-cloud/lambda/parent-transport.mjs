/**
 * Inside a local execution environment: the function's HTTP requests to the local cloud's AWS endpoint travel to the
 * parent thread as messages instead of through a loopback socket (ADR 0019). The unchanged AWS SDK in the bundle
 * still builds, signs and serializes every request, and parses every answer; the parent serves them with the same
 * listener the edge port runs. Only Node's HTTP client and server are left out: about half of what an SDK call cost
 * a function here.
 *
 * How: `http.request` is replaced, before the bundle loads, by one that answers requests for the endpoint's host and
 * port with a `ClientRequest` look-alike and passes every other request to Node's own. The SDK's Node handler reads
 * `request` from `node:http` when its first request goes out, so it picks this one up.
 *
 * Plain JavaScript for the reason worker-entry.mjs gives.
 *
 * Messages to the parent: { type: 'aws-request', id, method, path, headers, body }.
 * Messages from the parent: { type: 'aws-response', id, statusCode, headers, body } | { type: 'aws-response', id, error }.
 */
import http from 'node:http';
import { PassThrough, Writable } from 'node:stream';

/**
 * Routes requests for `endpointUrl` (the function's `AWS_ENDPOINT_URL`) through `port` (the worker's `parentPort`).
 * Call once, before the bundle is imported.
 */
export function routeEndpointThroughParent(endpointUrl, port) {
  const endpoint = new URL(endpointUrl);
  const endpointPort = endpoint.port || '80';
  const answers = new Map();
  let nextId = 0;
  port.on('message', (message) => {
    if (message?.type !== 'aws-response') return;
    const answer = answers.get(message.id);
    answers.delete(message.id);
    answer?.(message);
  });
  const send = (request, answer) => {
    nextId += 1;
    answers.set(nextId, answer);
    // The body gets a buffer of its own and is transferred: a small Buffer is a slice of Node's shared 8 KB pool,
    // which a plain postMessage would copy whole.
    const body = new Uint8Array(request.body.byteLength);
    body.set(request.body);
    port.postMessage({ type: 'aws-request', id: nextId, ...request, body }, [body.buffer]);
    return nextId;
  };
  const forget = (id) => answers.delete(id);

  const nodeRequest = http.request;
  http.request = function request(...args) {
    const options = requestOptions(args);
    if (
      options === undefined ||
      options.protocol === 'https:' ||
      hostOf(options) !== endpoint.hostname ||
      String(options.port ?? '80') !== endpointPort
    ) {
      return nodeRequest.apply(this, args);
    }
    const callback = args.find((arg) => typeof arg === 'function');
    return new ParentRequest(options, callback, send, forget);
  };
}

/** The options object of `http.request(options[, callback])`; undefined for the URL forms, which the SDK never uses. */
function requestOptions(args) {
  const [first] = args;
  return typeof first === 'object' && first !== null && !(first instanceof URL) ? first : undefined;
}

function hostOf(options) {
  const host = options.hostname ?? options.host ?? 'localhost';
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * The part of `http.ClientRequest` the SDK's Node handler uses: a writable body, `end`, `destroy`, and the `response`,
 * `error` and `close` events. There is no socket: the handler's socket timers wait for a `socket` event that never
 * comes (a request that never answers ends with the function's timeout instead).
 */
class ParentRequest extends Writable {
  constructor(options, callback, send, forget) {
    // Not destroyed once the body is written: the answer comes later, and `close` is emitted when it was read.
    super({ autoDestroy: false });
    this.method = options.method ?? 'GET';
    this.path = options.path ?? '/';
    this.headers = { ...(options.headers ?? {}) };
    this.socket = null;
    this.chunks = [];
    this.send = send;
    this.forget = forget;
    this.requestId = undefined;
    if (callback) this.once('response', callback);
  }

  setHeader(name, value) {
    this.headers[name] = value;
  }

  getHeader(name) {
    return this.headers[name];
  }

  setTimeout() {
    return this;
  }

  setNoDelay() {}

  setSocketKeepAlive() {}

  _write(chunk, encoding, done) {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    done();
  }

  _final(done) {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [];
    const headers = {};
    for (const [name, value] of Object.entries(this.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
    }
    this.requestId = this.send({ method: this.method, path: this.path, headers, body }, (answer) =>
      this.answered(answer),
    );
    done();
  }

  answered(answer) {
    if (this.destroyed) return;
    if (answer.error !== undefined) {
      this.destroy(Object.assign(new Error(answer.error), { code: 'ECONNRESET' }));
      return;
    }
    const response = new PassThrough();
    response.statusCode = answer.statusCode;
    response.statusMessage = http.STATUS_CODES[answer.statusCode] ?? '';
    response.headers = answer.headers;
    response.complete = false;
    response.once('end', () => {
      response.complete = true;
    });
    response.end(Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength));
    this.emit('response', response);
    // Node's client emits `close` on the request once the response was read; the SDK only listens to it to let go
    // of its abort listener.
    response.once('end', () => this.emit('close'));
  }

  _destroy(error, done) {
    if (this.requestId !== undefined) this.forget(this.requestId);
    done(error);
  }
}
