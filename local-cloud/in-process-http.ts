/**
 * Serves one HTTP request with a `RequestListener` without a socket: the request is handed to the listener as an
 * `IncomingMessage` look-alike and the answer collected from a `ServerResponse` look-alike. This is how the local
 * cloud answers its functions' AWS requests (ADR 0019): the same edge listener as the loopback port, without Node's
 * HTTP parser and socket writes on either side.
 *
 * The look-alikes carry what the services' listeners use: `method`, `url`, `headers` and a readable body;
 * `statusCode`, `setHeader`, `writeHead`, `write`, `end`, `destroy`, `headersSent`, `destroyed`, `writableFinished`
 * and the `close` event.
 */
import { EventEmitter } from 'node:events';
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http';
import { PassThrough } from 'node:stream';

export interface InProcessRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Uint8Array;
}

interface InProcessResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Uint8Array;
}

/** One request being served: its answer, and how to tell the listener its client went away. */
export interface InProcessExchange {
  readonly answer: Promise<InProcessResponse>;
  /** The client is gone (as a closed socket is): a listener waiting on `close` (a long poll) gives up. */
  abandon(): void;
}

/** Serves `request` with `listener`. */
export function serveInProcess(listener: RequestListener, request: InProcessRequest): InProcessExchange {
  const incoming = Object.assign(new PassThrough(), {
    method: request.method,
    url: request.path,
    headers: request.headers as IncomingHttpHeaders,
    httpVersion: '1.1',
  });
  incoming.end(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength));
  let response: CollectedResponse | undefined;
  const answer = new Promise<InProcessResponse>((resolve, reject) => {
    response = new CollectedResponse(resolve, reject);
    try {
      listener(incoming as unknown as IncomingMessage, response as unknown as ServerResponse);
    } catch (error) {
      reject(error);
    }
  });
  return { answer, abandon: () => response?.abandon() };
}

class CollectedResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  private readonly headers: Record<string, string | string[]> = {};
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (response: InProcessResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.headers[name.toLowerCase()];
  }

  removeHeader(name: string): void {
    delete this.headers[name.toLowerCase()];
  }

  hasHeader(name: string): boolean {
    return Object.hasOwn(this.headers, name.toLowerCase());
  }

  writeHead(statusCode: number, messageOrHeaders?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
    this.statusCode = statusCode;
    const fields = typeof messageOrHeaders === 'object' ? messageOrHeaders : headers;
    if (typeof messageOrHeaders === 'string') this.statusMessage = messageOrHeaders;
    for (const [name, value] of Object.entries(fields ?? {})) {
      if (value !== undefined) this.setHeader(name, value as string | readonly string[]);
    }
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void)): boolean {
    this.headersSent = true;
    this.chunks.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
        : Buffer.from(chunk),
    );
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void)): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined && typeof chunk !== 'function') this.write(chunk, encoding);
    this.headersSent = true;
    this.writableEnded = true;
    this.writableFinished = true;
    // A body of its own (not a slice of Node's shared pool), so it can be transferred to the client's thread.
    const body = new Uint8Array(this.chunks.reduce((length, chunk) => length + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
    this.emit('finish');
    this.emit('close');
    return this;
  }

  /** The server drops the connection without an answer: the client sees a reset, as with a destroyed socket. */
  destroy(): this {
    if (this.writableEnded || this.destroyed) return this;
    this.destroyed = true;
    this.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    this.emit('close');
    return this;
  }

  /** The client went away before the answer: listeners waiting on `close` (a long poll) give up. */
  abandon(): void {
    if (this.writableEnded || this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}
