// @ts-check
/**
 * Events: the buses and their rules (ListEventBuses, ListRules, ListTargetsByRule: EventBridge's own API), and the
 * recent events on the buses, each with its detail, the rules it matched and what became of each delivery. AWS has no
 * API for the recent events, so they come from the local cloud's own read endpoint, GET /_local/events/recent
 * (local-cloud/local-admin.ts): that part of the page is local-only.
 */

import { html, render, shortName } from './dom.js';

const SHOWN = 100;

/** @param {import('./app.js').PageContext} context */
export async function eventsPage({ aws, main, query, endpoint }) {
  const filter = (query.get('q') ?? '').trim();
  render(
    main,
    html`<h1>Events</h1>
    <form class="filters" id="event-filter"><label>Search <input name="q" type="search" value="${filter}"
      placeholder="source, detail-type, rule, or any text of the detail"></label><button type="submit">Apply</button></form>
    <h2>Recent events <span class="note">(local-only: the local cloud keeps the last 200)</span></h2>
    <div id="recent-events"></div>
    <h2>Rules</h2><div id="rules"></div>`,
  );
  const form = /** @type {HTMLFormElement} */ (main.querySelector('#event-filter'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = String(new FormData(form).get('q') ?? '').trim();
    location.hash = q ? `#/events?q=${encodeURIComponent(q)}` : '#/events';
  });
  const recent = /** @type {HTMLElement} */ (main.querySelector('#recent-events'));
  const rulesElement = /** @type {HTMLElement} */ (main.querySelector('#rules'));

  const loadRecent = async () => {
    const response = await fetch(new URL(`/_local/events/recent?limit=${SHOWN * 2}`, endpoint));
    if (!response.ok) throw new Error(`GET /_local/events/recent answered ${response.status}`);
    const { events } = await response.json();
    const needle = filter.toLowerCase();
    const shown = /** @type {any[]} */ (events)
      .filter((entry) => !needle || JSON.stringify(entry).toLowerCase().includes(needle))
      .slice(0, SHOWN);
    render(recent, recentTable(shown));
  };
  const loadRules = async () => {
    const { EventBuses = [] } = await aws.events('ListEventBuses', {});
    const rules = (
      await Promise.all(
        EventBuses.map(async (/** @type {any} */ bus) => {
          const { Rules = [] } = await aws.events('ListRules', { EventBusName: bus.Name });
          return Promise.all(
            Rules.map(async (/** @type {any} */ rule) => {
              const { Targets = [] } = await aws.events('ListTargetsByRule', {
                Rule: rule.Name,
                EventBusName: bus.Name,
              });
              return { ...rule, Targets };
            }),
          );
        }),
      )
    ).flat();
    render(rulesElement, rulesTable(rules));
  };
  await Promise.all([loadRecent(), loadRules()]);
  // Rules change only with a deployment; the events are what moves.
  return { refresh: loadRecent };
}

/** @param {any[]} events */
function recentTable(events) {
  if (events.length === 0) return html`<p class="empty">No event yet.</p>`;
  return html`<table class="list" id="event-list">
    <thead><tr><th>Time</th><th>Bus</th><th>Source</th><th>Detail type</th><th>Matched rules</th><th>Deliveries</th><th>Event</th></tr></thead>
    <tbody>${events.map(
      (entry) => html`<tr data-event-id="${entry.event.id}">
        <td>${entry.ingestionTime}</td><td>${entry.eventBusName}</td><td>${entry.event.source}</td>
        <td>${entry.event['detail-type']}</td>
        <td>${entry.matchedRules.length === 0 ? html`<span class="note">none</span>` : entry.matchedRules.map((/** @type {string} */ rule) => html`<div>${shortName(rule)}</div>`)}</td>
        <td>${entry.deliveries.map(
          (
            /** @type {any} */ delivery,
          ) => html`<div class="delivery delivery--${delivery.status}" title="${delivery.lastError ?? ''}">
            ${shortName(delivery.targetArn)}: ${delivery.status}${delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''}
            ${delivery.status === 'dead-lettered' && delivery.deadLetterArn ? ` → ${shortName(delivery.deadLetterArn)}` : ''}</div>`,
        )}</td>
        <td><details><summary>detail</summary><pre>${JSON.stringify(entry.event, null, 2)}</pre></details></td></tr>`,
    )}</tbody></table>`;
}

/** @param {any[]} rules */
function rulesTable(rules) {
  return html`<table class="list" id="rule-list">
    <thead><tr><th>Rule</th><th>Bus</th><th>State</th><th>Pattern or schedule</th><th>Targets</th></tr></thead>
    <tbody>${rules.map(
      (rule) => html`<tr data-rule="${rule.Name}">
        <td>${rule.Name}</td><td>${rule.EventBusName}</td><td>${rule.State}</td>
        <td><pre class="body">${rule.ScheduleExpression ?? rule.EventPattern ?? ''}</pre></td>
        <td>${rule.Targets.map((/** @type {any} */ target) => html`<div>${shortName(target.Arn)}</div>`)}</td></tr>`,
    )}</tbody></table>`;
}
