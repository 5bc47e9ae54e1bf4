// @ts-check
/**
 * The console's shell: a hash router over its pages, and the live refresh (the current page re-reads its data every
 * 2 s while the tab is visible and "Live" is ticked). Each page is a module whose function renders into `main` and may
 * answer a `refresh` to call again. `main` gets `data-page` and, once the page's data is shown, `data-loaded`, which
 * the e2e test and the load benchmark wait for.
 */

import { AwsClients } from './aws-client.js';
import { escapeHtml } from './dom.js';
import { eventsPage } from './events-page.js';
import { executionPage } from './execution-page.js';
import { executionsPage } from './executions-page.js';
import { machinesPage } from './machines-page.js';
import { queuePage, queuesPage } from './queues-page.js';

const REFRESH_MS = 2000;

/**
 * @typedef {object} PageContext
 * @property {AwsClients} aws
 * @property {HTMLElement} main
 * @property {string[]} params the decoded parts of the route after the page's name
 * @property {URLSearchParams} query
 * @property {(hash: string) => void} navigate
 * @property {string} endpoint
 * @typedef {{ refresh?: () => Promise<void> } | undefined} Page
 */

/** @type {Record<string, (context: PageContext) => Promise<Page>>} */
const PAGES = {
  machines: machinesPage,
  machine: executionsPage,
  execution: executionPage,
  queues: queuesPage,
  queue: queuePage,
  events: eventsPage,
};

// The endpoint whose APIs the console reads: this page's origin, or another given as ?endpoint=.
const endpoint = new URLSearchParams(location.search).get('endpoint') ?? location.origin;
const aws = new AwsClients(endpoint);
const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const errorBanner = /** @type {HTMLElement} */ (document.getElementById('error'));
const live = /** @type {HTMLInputElement} */ (document.getElementById('live'));

/** @type {Page} */
let current;
let generation = 0;
let refreshing = false;

async function show() {
  const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = 'machines', ...rest] = path.split('/').filter(Boolean);
  const page = PAGES[name] ?? machinesPage;
  const mine = ++generation;
  current = undefined;
  main.dataset.page = name;
  delete main.dataset.loaded;
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle(
      'active',
      link.getAttribute('data-nav') ===
        (name === 'machine' || name === 'execution' ? 'machines' : name.replace(/^queue$/, 'queues')),
    );
  }
  const started = performance.now();
  try {
    const shown = await page({
      aws,
      main,
      params: rest.map(decodeURIComponent),
      query: new URLSearchParams(search),
      navigate: (hash) => {
        location.hash = hash;
      },
      endpoint,
    });
    if (mine !== generation) return;
    current = shown;
    clearError();
    main.dataset.loaded = 'true';
    main.dataset.loadMs = String(Math.round(performance.now() - started));
  } catch (error) {
    if (mine === generation) showError(error);
  }
}

async function refresh() {
  if (refreshing || !live.checked || document.hidden || !current?.refresh) return;
  refreshing = true;
  const mine = generation;
  try {
    await current.refresh();
    if (mine === generation) clearError();
  } catch (error) {
    if (mine === generation) showError(error);
  } finally {
    refreshing = false;
  }
}

/** @param {unknown} error */
function showError(error) {
  errorBanner.hidden = false;
  errorBanner.textContent = error instanceof Error ? error.message : String(error);
  if (main.textContent === 'Loading…') main.innerHTML = `<p>${escapeHtml('Nothing to show.')}</p>`;
}

function clearError() {
  errorBanner.hidden = true;
  errorBanner.textContent = '';
}

window.addEventListener('hashchange', () => void show());
// Polling pauses while the tab is hidden (the timer skips), and catches up as soon as it shows again.
document.addEventListener('visibilitychange', () => void refresh());
setInterval(() => void refresh(), REFRESH_MS);
void show();
