// @ts-check
/**
 * One execution as the Step Functions console shows it: the graph of the definition it ran
 * (DescribeStateMachineForExecution) laid out by elkjs on the console's server (graph-layout.js), the path it took
 * and each state's result from its history (GetExecutionHistory, every page), compensations drawn as the undo path,
 * a panel with the selected state's input, output, error and timing, and the history table beside the graph. A
 * running execution is read again on refresh.
 */

import { html, prettyJson, render, shortName, timeOf } from './dom.js';
import { layOut, svgOf } from './graph-layout.js';
import { graphOf } from './graph-model.js';
import { duration, historyRows, stateRunsOf, stateSummaries, takenEdgeIds } from './history-model.js';

/** @param {import('./app.js').PageContext} context */
export async function executionPage({ aws, main, params }) {
  const executionArn = params[0] ?? '';
  /** @type {string | undefined} */
  let selected;
  /** @type {Promise<{ graph: import('./graph-model.js').StateMachineGraph, laidOut: import('../elk-graph.js').ElkNode }> | undefined} */
  let drawing;
  let scrolled = false;

  const load = async () => {
    // The definition an execution ran never changes: it is read, and laid out, once. The layout is asked for as soon
    // as the definition is in, while the history is still being read.
    if (!drawing) {
      drawing = aws.states('DescribeStateMachineForExecution', { executionArn }).then(async (machine) => {
        const graph = graphOf(String(machine.definition));
        return { graph, laidOut: await layOut(graph) };
      });
      // A failed read or layout is tried again at the next refresh.
      drawing.catch(() => {
        drawing = undefined;
      });
    }
    const [execution, { graph, laidOut }, history] = await Promise.all([
      aws.states('DescribeExecution', { executionArn }),
      drawing,
      fullHistory(aws, executionArn),
    ]);
    const runs = stateRunsOf(history, execution.status);
    const summaries = stateSummaries(runs);
    const looks = new Map(
      [...summaries].map(([name, summary]) => [
        name,
        { result: summary.result, attempts: summary.attempts.length, retried: summary.retried },
      ]),
    );
    const compensations = runs.filter((run) => summaries.get(run.name) && isCompensation(graph, run.name));
    render(
      main,
      html`<p class="crumbs"><a href="#/">State machines</a> ›
        <a href="#/machine/${encodeURIComponent(execution.stateMachineArn)}">${shortName(execution.stateMachineArn)}</a> ›
        ${execution.name}</p>
      <h1>${execution.name} <span class="status status--${execution.status}" id="execution-status">${execution.status}</span></h1>
      <dl class="facts">
        <dt>Started</dt><dd>${timeOf(execution.startDate)}</dd>
        <dt>Stopped</dt><dd>${timeOf(execution.stopDate) || '—'}</dd>
        <dt>Duration</dt><dd>${duration(((execution.stopDate ?? Date.now() / 1000) - execution.startDate) * 1000)}</dd>
        ${execution.error && html`<dt>Error</dt><dd class="failure">${execution.error}</dd>`}
        ${execution.cause && html`<dt>Cause</dt><dd class="failure">${causeMessage(execution.cause)}</dd>`}
        ${
          compensations.length > 0 &&
          html`<dt>Compensated</dt><dd class="undo">${[...new Set(compensations.map((run) => run.name))].join(' → ')}</dd>`
        }
      </dl>
      ${legend()}
      <div class="execution">
        <section class="graph-pane" aria-label="Graph">${svgOf(graph, laidOut, looks, takenEdgeIds(graph, runs))}</section>
        <section class="details-pane" id="state-details" aria-label="Selected state"></section>
      </div>
      <h2>Event history</h2>
      ${historyTable(history)}
      <details class="io"><summary>Execution input and output</summary>
        <h3>Input</h3><pre>${prettyJson(execution.input)}</pre>
        <h3>Output</h3><pre>${prettyJson(execution.output)}</pre></details>`,
    );
    const details = /** @type {HTMLElement} */ (main.querySelector('#state-details'));
    const select = (/** @type {string | undefined} */ name) => {
      selected = name;
      for (const node of main.querySelectorAll('g.state')) {
        node.classList.toggle('state--selected', node.getAttribute('data-state') === name);
      }
      render(details, stateDetails(name, name === undefined ? undefined : summaries.get(name), execution.startDate));
    };
    const graphPane = /** @type {HTMLElement} */ (main.querySelector('.graph-pane'));
    graphPane.addEventListener('click', (event) => {
      const node = /** @type {Element} */ (event.target).closest('g.state');
      if (node) select(node.getAttribute('data-state') ?? undefined);
    });
    graphPane.addEventListener('keydown', (event) => {
      const node = /** @type {Element} */ (event.target).closest('g.state');
      if (node && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        select(node.getAttribute('data-state') ?? undefined);
      }
    });
    select(selected);
    if (!scrolled) {
      // A wide graph scrolls: bring the start of the path into view once, then leave the scroll to the reader.
      main.querySelector('.pseudo--on-path')?.scrollIntoView({ block: 'nearest', inline: 'center' });
      scrolled = true;
    }
    return execution.status;
  };

  let status = await load();
  return {
    // A finished execution never changes: only a running one is read again.
    refresh: async () => {
      if (status === 'RUNNING') status = await load();
    },
  };
}

/**
 * @param {import('./aws-client.js').AwsClients} aws
 * @param {string} executionArn
 */
async function fullHistory(aws, executionArn) {
  /** @type {any[]} */
  const events = [];
  let nextToken;
  do {
    const page = await aws.states('GetExecutionHistory', {
      executionArn,
      maxResults: 1000,
      includeExecutionData: true,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * @param {import('./graph-model.js').StateMachineGraph | undefined} graph
 * @param {string} name
 */
function isCompensation(graph, name) {
  /** @param {import('./graph-model.js').GraphNode[]} nodes @returns {boolean} */
  const find = (nodes) => nodes.some((node) => (node.id === name && node.compensation) || find(node.children));
  return graph ? find(graph.nodes) : false;
}

function legend() {
  return html`<ul class="legend" aria-label="Legend">
    <li><span class="swatch state--succeeded"></span>Succeeded</li>
    <li><span class="swatch state--caught"></span>Caught (a Catch took it)</li>
    <li><span class="swatch state--failed"></span>Failed</li>
    <li><span class="swatch state--retried"></span>Retried (×attempts)</li>
    <li><span class="swatch state--compensation"></span>↩ Compensation (undo path)</li>
    <li><span class="swatch state--running"></span>Running</li>
    <li><span class="swatch state--not-run"></span>Not run</li></ul>`;
}

/**
 * @param {string | undefined} name
 * @param {import('./history-model.js').StateSummary | undefined} state
 * @param {number} executionStart epoch seconds
 */
function stateDetails(name, state, executionStart) {
  if (name === undefined) return html`<p class="hint">Click a state to see its input, output, error and timing.</p>`;
  if (!state) return html`<h2>${name}</h2><p class="hint">This execution did not enter ${name}.</p>`;
  const start = executionStart * 1000;
  return html`<h2 data-selected-state="${name}">${name}</h2>
    <dl class="facts">
      <dt>Result</dt><dd><span class="status status--${state.result}" id="state-result">${state.result}</span></dd>
      <dt>Type</dt><dd>${state.type}</dd>
      <dt>Entered</dt><dd>${new Date(state.enteredAt).toISOString()} (+${duration(state.enteredAt - start)})</dd>
      <dt>Exited</dt><dd>${state.exitedAt === undefined ? '—' : `${new Date(state.exitedAt).toISOString()} (+${duration(state.exitedAt - start)})`}</dd>
      <dt>Duration</dt><dd>${state.exitedAt === undefined ? '—' : duration(state.exitedAt - state.enteredAt)}</dd>
      ${state.visits > 1 && html`<dt>Visits</dt><dd>${state.visits} (the last one shown)</dd>`}
      ${state.attempts.length > 0 && html`<dt>Attempts</dt><dd>${state.attempts.length}</dd>`}
    </dl>
    ${
      (state.error !== undefined || state.cause !== undefined) &&
      html`<h3>Error</h3><p class="failure" id="state-error">${state.error ?? ''}</p>
      <pre class="failure" id="state-cause">${prettyJson(state.cause)}</pre>`
    }
    ${
      state.attempts.length > 1 &&
      html`<h3>Attempts</h3><ol class="attempts">${state.attempts.map(
        (attempt) => html`<li>${attempt.outcome} at +${duration(attempt.scheduledAt - start)}
          ${attempt.endedAt !== undefined && `after ${duration(attempt.endedAt - attempt.scheduledAt)}`}
          ${attempt.error && html`: <span class="failure">${attempt.error}</span>`}</li>`,
      )}</ol>`
    }
    <h3>Input</h3><pre id="state-input">${prettyJson(state.input)}</pre>
    <h3>Output</h3><pre id="state-output">${state.output === undefined ? '—' : prettyJson(state.output)}</pre>`;
}

/** @param {any[]} history */
function historyTable(history) {
  return html`<table class="list history" id="history">
    <thead><tr><th>ID</th><th>Type</th><th>Step</th><th>Elapsed</th><th>Timestamp</th><th>Details</th></tr></thead>
    <tbody>${historyRows(history).map(
      (
        row,
      ) => html`<tr data-event-type="${row.type}" class="${/Failed|TimedOut|Aborted/.test(row.type) ? 'failure' : ''}">
        <td>${row.id}</td><td>${row.type}</td><td>${row.state}</td><td>+${duration(row.offsetMs)}</td>
        <td>${new Date(row.at).toISOString()}</td>
        <td>${row.details !== undefined && html`<details><summary>details</summary><pre>${JSON.stringify(row.details, null, 2)}</pre></details>`}</td></tr>`,
    )}</tbody></table>`;
}

/** A Lambda error's cause is JSON with its message; other causes are text. @param {string} cause */
function causeMessage(cause) {
  try {
    const parsed = JSON.parse(cause);
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
