// @ts-check
/**
 * One state machine's executions, newest first (ListExecutions' order), a page of 50 at a time with Older / Newer
 * (`maxResults`, `nextToken`), filtered by status (`statusFilter`) and searched by name. Executions are named after
 * what they run for (a checkout's saga after its checkoutId, a provisioning saga after its resourceId; see
 * functions/checkout/adapters/step-functions-saga.ts and functions/provisioning/domain/ids.ts), so a search by
 * checkoutId, resourceId or execution name is a search of names: an exact name is one DescribeExecution; a part of a
 * name is looked for in the newest 5,000 names. No input or history is read for the list.
 */

import { html, render, shortName, timeOf } from './dom.js';
import { duration } from './history-model.js';
import { STATUSES } from './machines-page.js';

const PAGE_SIZE = 50;
const SEARCHED = 5000;

/** @param {import('./app.js').PageContext} context */
export async function executionsPage({ aws, main, params, query, navigate }) {
  const stateMachineArn = params[0] ?? '';
  const status = STATUSES.includes(query.get('status') ?? '') ? (query.get('status') ?? undefined) : undefined;
  const search = (query.get('q') ?? '').trim();
  /** Tokens of the pages before the one shown (for Newer), and the token of the one shown. */
  const previousTokens = /** @type {Array<string | undefined>} */ ([]);
  /** @type {string | undefined} */
  let pageToken;
  /** @type {string | undefined} */
  let nextToken;

  render(
    main,
    html`<p class="crumbs"><a href="#/">State machines</a> › ${shortName(stateMachineArn)}</p>
    <h1>Executions of ${shortName(stateMachineArn)}</h1>
    <form class="filters" id="filters">
      <label>Status <select name="status"><option value="">All</option>
        ${STATUSES.map((value) => html`<option value="${value}" ${value === status ? html`selected` : ''}>${value}</option>`)}
      </select></label>
      <label>Search <input name="q" type="search" value="${search}" placeholder="checkoutId, resourceId or execution name"></label>
      <button type="submit">Apply</button>
    </form>
    <div id="executions"></div>
    <p class="pager"><button type="button" id="newer" disabled>‹ Newer</button>
      <button type="button" id="older" disabled>Older ›</button></p>`,
  );
  const form = /** @type {HTMLFormElement} */ (main.querySelector('#filters'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const key of ['status', 'q'])
      if (String(data.get(key) ?? '').trim()) next.set(key, String(data.get(key)).trim());
    navigate(`#/machine/${encodeURIComponent(stateMachineArn)}${next.size > 0 ? `?${next}` : ''}`);
  });
  const table = /** @type {HTMLElement} */ (main.querySelector('#executions'));
  const newer = /** @type {HTMLButtonElement} */ (main.querySelector('#newer'));
  const older = /** @type {HTMLButtonElement} */ (main.querySelector('#older'));

  const load = async () => {
    /** @type {any[]} */
    let executions;
    let note = '';
    if (search) {
      ({ executions, note } = await searchExecutions(aws, stateMachineArn, status, search));
      nextToken = undefined;
    } else {
      const page = await aws.states('ListExecutions', {
        stateMachineArn,
        maxResults: PAGE_SIZE,
        ...(status ? { statusFilter: status } : {}),
        ...(pageToken ? { nextToken: pageToken } : {}),
      });
      executions = page.executions;
      nextToken = page.nextToken ?? undefined;
    }
    older.disabled = nextToken === undefined;
    newer.disabled = previousTokens.length === 0;
    render(table, executionsTable(executions, note));
  };
  older.addEventListener('click', () => {
    previousTokens.push(pageToken);
    pageToken = nextToken;
    void load();
  });
  newer.addEventListener('click', () => {
    pageToken = previousTokens.pop();
    void load();
  });
  await load();
  return { refresh: load };
}

/**
 * @param {import('./aws-client.js').AwsClients} aws
 * @param {string} stateMachineArn
 * @param {string | undefined} status
 * @param {string} search
 */
async function searchExecutions(aws, stateMachineArn, status, search) {
  const exactArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${search}`;
  const exact = await aws.states('DescribeExecution', { executionArn: exactArn }).catch(() => undefined);
  if (exact && (!status || exact.status === status)) return { executions: [exact], note: '' };
  const needle = search.toLowerCase();
  /** @type {any[]} */
  const found = [];
  let read = 0;
  let nextToken;
  do {
    const page = await aws.states('ListExecutions', {
      stateMachineArn,
      maxResults: 1000,
      ...(status ? { statusFilter: status } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
    read += page.executions.length;
    found.push(
      ...page.executions.filter((/** @type {any} */ execution) => execution.name.toLowerCase().includes(needle)),
    );
    nextToken = page.nextToken;
  } while (nextToken && read < SEARCHED && found.length < PAGE_SIZE);
  const note = nextToken ? `Names containing “${search}” among the newest ${read} executions.` : '';
  return { executions: found.slice(0, PAGE_SIZE), note };
}

/** @param {any[]} executions @param {string} note */
function executionsTable(executions, note) {
  if (executions.length === 0)
    return html`<p class="empty">No execution matches.</p>${note && html`<p class="note">${note}</p>`}`;
  return html`<table class="list" id="execution-list">
    <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Stopped</th><th>Duration</th></tr></thead>
    <tbody>${executions.map(
      (execution) => html`<tr data-execution="${execution.name}" data-status="${execution.status}">
        <td><a href="#/execution/${encodeURIComponent(execution.executionArn)}">${execution.name}</a></td>
        <td><span class="status status--${execution.status}">${execution.status}</span></td>
        <td>${timeOf(execution.startDate)}</td><td>${timeOf(execution.stopDate)}</td>
        <td>${execution.stopDate ? duration((execution.stopDate - execution.startDate) * 1000) : ''}</td></tr>`,
    )}</tbody></table>${note && html`<p class="note">${note}</p>`}`;
}
