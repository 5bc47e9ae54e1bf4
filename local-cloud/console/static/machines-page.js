// @ts-check
/**
 * State machines, each with its executions counted by status. Counting reads ListExecutions (the only way the API
 * offers), one page of at most 1,000 executions per machine: beyond that the count shows "1000+" rather than reading
 * every page on every refresh. No history is read here.
 */

import { html, render, shortName, timeOf } from './dom.js';

export const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const COUNTED = 1000;

/** @param {import('./app.js').PageContext} context */
export async function machinesPage({ aws, main }) {
  const load = async () => {
    /** @type {Array<{ stateMachineArn: string, name: string, type: string, creationDate: number }>} */
    const machines = [];
    let nextToken;
    do {
      const page = await aws.states('ListStateMachines', { maxResults: 1000, nextToken });
      machines.push(...page.stateMachines);
      nextToken = page.nextToken;
    } while (nextToken);
    const counts = await Promise.all(machines.map((machine) => countByStatus(aws, machine.stateMachineArn)));
    render(
      main,
      html`<h1>State machines</h1>
      <table class="list" id="machines">
        <thead><tr><th>Name</th><th>Type</th><th>Created</th>
          ${STATUSES.map((status) => html`<th class="count"><span class="status status--${status}">${status}</span></th>`)}
        </tr></thead>
        <tbody>${machines.map(
          (machine, index) => html`<tr data-machine="${machine.name}">
            <td><a href="#/machine/${encodeURIComponent(machine.stateMachineArn)}">${shortName(machine.stateMachineArn)}</a></td>
            <td>${machine.type}</td><td>${timeOf(machine.creationDate)}</td>
            ${STATUSES.map((status) => {
              const count = counts[index];
              const value = count?.byStatus.get(status) ?? 0;
              return html`<td class="count" data-status="${status}">
                <a href="#/machine/${encodeURIComponent(machine.stateMachineArn)}?status=${status}">${value}${count?.more ? '+' : ''}</a></td>`;
            })}</tr>`,
        )}</tbody>
      </table>
      ${machines.length === 0 && html`<p>No state machine is deployed.</p>`}`,
    );
  };
  await load();
  return { refresh: load };
}

/**
 * @param {import('./aws-client.js').AwsClients} aws
 * @param {string} stateMachineArn
 */
async function countByStatus(aws, stateMachineArn) {
  const page = await aws.states('ListExecutions', { stateMachineArn, maxResults: COUNTED });
  /** @type {Map<string, number>} */
  const byStatus = new Map();
  for (const execution of page.executions) byStatus.set(execution.status, (byStatus.get(execution.status) ?? 0) + 1);
  return { byStatus, more: page.nextToken !== undefined && page.nextToken !== null };
}
