/**
 * Serves the saga console (docs/console.md) under `/_console/` on the edge endpoint: static HTML, CSS and ES modules
 * from `static/`, and the layout of a state machine's graph (`POST /_console/layout`, graph-layouts.ts). No build
 * step: the pages are plain JavaScript served as they are; the pure models (`*.ts`: the graph of a definition, the
 * reading of a history) are TypeScript, so the project's type check and unit tests cover them, and
 * are compiled by esbuild when first asked for as `.js` (docs/adr/0041-saga-console.md). The console talks to the same
 * endpoint's AWS APIs from the browser, so everything it shows comes from the APIs any client has; the layout is
 * presentation (where to draw the graph the page built from those APIs), not data.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { readLimitedBody } from '../aws-protocol.js';
import type { LayoutGraph } from './elk-graph.js';
import {
  type GraphLayouts,
  InvalidLayoutRequestError,
  LayoutFailedError,
  layoutGraphOf,
  MAX_LAYOUT_BODY_BYTES,
} from './graph-layouts.js';

export const CONSOLE_PATH = '/_console/';

/** The console's address on the edge endpoint `endpoint` (what `npm start` prints). */
export function consoleUrl(endpoint: string): string {
  return `${endpoint}${CONSOLE_PATH}`;
}

const STATIC_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'static');
const LAYOUT_PATH = `${CONSOLE_PATH}layout`;
/** Only flat file names of these kinds are served: no path a request could walk out of `static/` with. */
const STATIC_FILE = /^[a-z0-9][a-z0-9-]*\.(html|css|js)$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};
/**
 * Scripts and styles from this origin only, and calls to this origin only: a value from the APIs that got into the
 * page as markup (dom.js escapes every one) still could not run or send anything elsewhere.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The console's files, read once each (they do not change while the local cloud runs), and its layouts. */
export function consoleListener(layouts: GraphLayouts): RequestListener {
  const cache = new Map<string, Promise<Buffer>>();
  const read = (file: string) => {
    let content = cache.get(file);
    if (!content) {
      content = compiledOrAsIs(file);
      cache.set(file, content);
      content.catch(() => cache.delete(file));
    }
    return content;
  };
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://local');
    if (pathname === LAYOUT_PATH) return serveLayout(req, res, layouts);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'The console is read with GET');
    if (pathname === CONSOLE_PATH.slice(0, -1)) {
      res.writeHead(301, { Location: CONSOLE_PATH });
      res.end();
      return;
    }
    const name = pathname.slice(CONSOLE_PATH.length) || 'index.html';
    if (!STATIC_FILE.test(name)) return sendText(res, 404, `No console file ${name}`);
    const file = join(STATIC_DIRECTORY, name);
    const extension = file.slice(file.lastIndexOf('.') + 1);
    read(file).then(
      (content) => {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
          'Content-Length': content.length,
          'Cache-Control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : content);
      },
      () => sendText(res, 404, `No console file ${name}`),
    );
  };
}

/**
 * `POST /_console/layout`: the body a graph of graph-model.ts, the answer its layout as elkjs's JSON graph (each
 * node's `x`, `y`, `width`, `height`, each edge's `sections`, relative to the compound node that holds it).
 * Only `application/json` is taken: a page of another origin cannot send that without a CORS preflight, which this
 * endpoint does not answer, so no other site can make the local cloud lay graphs out.
 */
function serveLayout(req: IncomingMessage, res: ServerResponse, layouts: GraphLayouts): void {
  const refusal = layoutRequestRefusal(req);
  if (refusal) {
    sendText(res, refusal.status, refusal.message);
    return;
  }
  readLimitedBody(req, MAX_LAYOUT_BODY_BYTES).then(
    ({ body, tooLarge }) => {
      if (tooLarge) {
        res.setHeader('Connection', 'close');
        sendText(res, 413, `A graph's body is at most ${MAX_LAYOUT_BODY_BYTES} bytes`);
        return;
      }
      let graph: LayoutGraph;
      try {
        graph = layoutGraphOf(JSON.parse(body.toString('utf8')));
      } catch (error) {
        if (error instanceof SyntaxError) sendText(res, 400, `The body is not JSON: ${error.message}`);
        else if (error instanceof InvalidLayoutRequestError) sendText(res, 400, error.message);
        else sendText(res, 500, `Could not read the graph: ${messageOf(error)}`);
        return;
      }
      layouts.laidOutJson(graph).then(
        (json) => {
          const answer = Buffer.from(json);
          res.writeHead(200, {
            ...SECURITY_HEADERS,
            'Content-Type': 'application/json',
            'Content-Length': answer.length,
            'Cache-Control': 'no-store',
          });
          res.end(answer);
        },
        (error: unknown) => sendText(res, error instanceof LayoutFailedError ? 422 : 503, messageOf(error)),
      );
    },
    () => res.destroy(),
  );
}

function layoutRequestRefusal(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.method !== 'POST') return { status: 405, message: 'A layout is asked for with POST and a graph as its body' };
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return { status: 415, message: 'The body must be a graph as application/json' };
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A `.js` file as it is, or compiled from the `.ts` file of the same name when there is no `.js` file. */
async function compiledOrAsIs(file: string): Promise<Buffer> {
  const source = file.replace(/\.js$/, '.ts');
  if (source === file || existsSync(file) || !existsSync(source)) return readFile(file);
  const { code } = await transform(await readFile(source, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: source,
    sourcemap: 'inline',
  });
  return Buffer.from(code);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  res.end(text);
}
