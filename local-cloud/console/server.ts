/**
 * Serves the saga console (docs/console.md) under `/_console/` on the edge endpoint: static HTML, CSS and ES modules
 * from `static/`, and elkjs's browser bundle from its package. No build step: the pages are plain JavaScript served
 * as they are; the pure models (`*.ts`: the graph of a definition, the reading of a history) are TypeScript, so the
 * project's type check and unit tests cover them, and are compiled by esbuild when first asked for as `.js`
 * (docs/adr/0041-saga-console.md). The console talks to the same endpoint's AWS APIs from the browser, so everything it
 * shows comes from the APIs any client has.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export const CONSOLE_PATH = '/_console/';

/** The console's address on the edge endpoint `endpoint` (what `npm start` prints). */
export function consoleUrl(endpoint: string): string {
  return `${endpoint}${CONSOLE_PATH}`;
}

const STATIC_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'static');
const ELK_BUNDLE = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
const VENDOR: Readonly<Record<string, string>> = { 'vendor/elk.bundled.js': ELK_BUNDLE };
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

/** The console's files, read once each (they do not change while the local cloud runs). */
export function consoleListener(): RequestListener {
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
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'The console is read with GET');
    if (pathname === CONSOLE_PATH.slice(0, -1)) {
      res.writeHead(301, { Location: CONSOLE_PATH });
      res.end();
      return;
    }
    const name = pathname.slice(CONSOLE_PATH.length) || 'index.html';
    const vendor = VENDOR[name];
    if (!vendor && !STATIC_FILE.test(name)) return sendText(res, 404, `No console file ${name}`);
    const file = vendor ?? join(STATIC_DIRECTORY, name);
    const extension = file.slice(file.lastIndexOf('.') + 1);
    read(file).then(
      (content) => {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
          'Content-Length': content.length,
          // The vendored bundle changes only with the package; the console's own files are revalidated each load.
          'Cache-Control': vendor ? 'max-age=86400' : 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : content);
      },
      () => sendText(res, 404, `No console file ${name}`),
    );
  };
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
