// @ts-check
/**
 * Queues (ListQueues, GetQueueAttributes): each with its depth (ApproximateNumberOfMessages), the messages in flight
 * (ApproximateNumberOfMessagesNotVisible) and its dead-letter queue's depth (the queue its RedrivePolicy names). A
 * queue page shows its attributes; for a queue without a redrive policy of its own (a dead-letter queue, the sagas'
 * compensation DLQs, the undelivered-events queues) its messages; and for the dead-letter queue of SQS queues
 * (ListDeadLetterSourceQueues) a Redrive button.
 *
 * The messages are peeked with ReceiveMessage and VisibilityTimeout 0, so they stay available, but a receive is a
 * receive: each peek adds one to their ApproximateReceiveCount (AWS counts every receive,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html). On a queue without
 * a redrive policy that count moves nothing; a queue with one is never peeked. Redrive is StartMessageMoveTask without a
 * destination: every message goes back to the queue it came from
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
 */

import { html, render, shortName, timeOf } from './dom.js';

const PEEKS = 5;

/**
 * @typedef {{ url: string, name: string, arn: string, attributes: Record<string, string>,
 *   deadLetterArn: string | undefined, maxReceiveCount: string | undefined }} QueueView
 */

/**
 * @param {import('./aws-client.js').AwsClients} aws
 * @returns {Promise<QueueView[]>}
 */
async function listQueues(aws) {
  /** @type {string[]} */
  const urls = [];
  let nextToken;
  do {
    const page = await aws.sqs('ListQueues', { MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) });
    urls.push(...(page.QueueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return Promise.all(urls.map((url) => describeQueue(aws, url)));
}

/**
 * @param {import('./aws-client.js').AwsClients} aws
 * @param {string} url
 * @returns {Promise<QueueView>}
 */
async function describeQueue(aws, url) {
  const { Attributes: attributes = {} } = await aws.sqs('GetQueueAttributes', {
    QueueUrl: url,
    AttributeNames: ['All'],
  });
  const redrive = attributes.RedrivePolicy ? JSON.parse(attributes.RedrivePolicy) : undefined;
  return {
    url,
    name: shortName(url),
    arn: attributes.QueueArn ?? '',
    attributes,
    deadLetterArn: redrive?.deadLetterTargetArn,
    maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : String(redrive.maxReceiveCount),
  };
}

/** @param {Record<string, string>} attributes @param {string} name */
const count = (attributes, name) => Number(attributes[name] ?? 0);

/** @param {import('./app.js').PageContext} context */
export async function queuesPage({ aws, main, query }) {
  const filter = (query.get('q') ?? '').trim().toLowerCase();
  render(
    main,
    html`<h1>Queues</h1>
    <form class="filters" id="queue-filter"><label>Search <input name="q" type="search" value="${filter}"
      placeholder="part of a queue name"></label><button type="submit">Apply</button></form>
    <div id="queues"></div>`,
  );
  const form = /** @type {HTMLFormElement} */ (main.querySelector('#queue-filter'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = String(new FormData(form).get('q') ?? '').trim();
    location.hash = q ? `#/queues?q=${encodeURIComponent(q)}` : '#/queues';
  });
  const container = /** @type {HTMLElement} */ (main.querySelector('#queues'));
  const load = async () => {
    const queues = await listQueues(aws);
    const byArn = new Map(queues.map((queue) => [queue.arn, queue]));
    const deadLetterArns = new Set(queues.map((queue) => queue.deadLetterArn).filter(Boolean));
    const shown = queues.filter((queue) => queue.name.toLowerCase().includes(filter));
    render(
      container,
      html`<table class="list" id="queue-list">
      <thead><tr><th>Queue</th><th class="count">Messages</th><th class="count">In flight</th>
        <th class="count">Delayed</th><th>Dead-letter queue</th><th class="count">DLQ depth</th><th class="count">Max receives</th></tr></thead>
      <tbody>${shown.map((queue) => {
        const dlq = queue.deadLetterArn ? byArn.get(queue.deadLetterArn) : undefined;
        const isDlq = deadLetterArns.has(queue.arn);
        return html`<tr data-queue="${queue.name}" class="${isDlq ? 'dlq' : ''}">
          <td><a href="#/queue/${encodeURIComponent(queue.url)}">${queue.name}</a>${isDlq && html` <span class="tag">DLQ</span>`}</td>
          <td class="count" data-count="depth">${count(queue.attributes, 'ApproximateNumberOfMessages')}</td>
          <td class="count" data-count="in-flight">${count(queue.attributes, 'ApproximateNumberOfMessagesNotVisible')}</td>
          <td class="count">${count(queue.attributes, 'ApproximateNumberOfMessagesDelayed')}</td>
          <td>${dlq ? html`<a href="#/queue/${encodeURIComponent(dlq.url)}">${dlq.name}</a>` : '—'}</td>
          <td class="count ${dlq && count(dlq.attributes, 'ApproximateNumberOfMessages') > 0 ? 'failure' : ''}" data-count="dlq-depth">
            ${dlq ? count(dlq.attributes, 'ApproximateNumberOfMessages') : '—'}</td>
          <td class="count">${queue.maxReceiveCount ?? '—'}</td></tr>`;
      })}</tbody></table>`,
    );
  };
  await load();
  return { refresh: load };
}

/** @param {import('./app.js').PageContext} context */
export async function queuePage({ aws, main, params }) {
  const url = params[0] ?? '';
  /** @type {string} */
  let outcome = '';
  const load = async () => {
    const queue = await describeQueue(aws, url);
    const sources = await aws.sqs('ListDeadLetterSourceQueues', { QueueUrl: url }).then(
      (/** @type {any} */ answer) => /** @type {string[]} */ (answer.queueUrls ?? answer.QueueUrls ?? []),
      () => [],
    );
    // A queue with a redrive policy is never peeked: each receive would count towards moving its messages to its DLQ.
    const peekable = queue.deadLetterArn === undefined;
    const messages = peekable ? await peek(aws, url) : [];
    render(
      main,
      html`<p class="crumbs"><a href="#/queues">Queues</a> › ${queue.name}</p>
      <h1>${queue.name}${sources.length > 0 && html` <span class="tag">DLQ</span>`}</h1>
      <dl class="facts">
        <dt>Messages</dt><dd data-count="depth">${count(queue.attributes, 'ApproximateNumberOfMessages')}</dd>
        <dt>In flight</dt><dd>${count(queue.attributes, 'ApproximateNumberOfMessagesNotVisible')}</dd>
        <dt>ARN</dt><dd>${queue.arn}</dd>
        ${queue.deadLetterArn && html`<dt>Dead-letter queue</dt><dd>${shortName(queue.deadLetterArn)} after ${queue.maxReceiveCount} receives</dd>`}
        ${sources.length > 0 && html`<dt>Dead letters of</dt><dd>${sources.map((source) => html`<a href="#/queue/${encodeURIComponent(source)}">${shortName(source)}</a> `)}</dd>`}
      </dl>
      ${
        sources.length > 0 &&
        html`<p><button type="button" id="redrive" ${messages.length === 0 ? html`disabled` : ''}>Redrive all messages to their source queue</button>
        <span id="redrive-outcome" role="status">${outcome}</span></p>`
      }
      ${
        peekable &&
        html`<h2>Messages</h2>
        <p class="note">Peeked with ReceiveMessage (VisibilityTimeout 0): each look adds one to a message's receive count,
          so this page is read when opened or reloaded, not live. <button type="button" id="reload">Reload</button></p>
        ${messages.length === 0 ? html`<p class="empty">No message.</p>` : messagesTable(messages)}`
      }
      <details class="io"><summary>All attributes</summary><pre>${JSON.stringify(queue.attributes, null, 2)}</pre></details>`,
    );
    main.querySelector('#redrive')?.addEventListener('click', async (event) => {
      const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
      button.disabled = true;
      try {
        const task = await aws.sqs('StartMessageMoveTask', { SourceArn: queue.arn });
        outcome = `Redrive started (task ${task.TaskHandle ?? ''}).`;
      } catch (error) {
        outcome = `Redrive failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      await load();
    });
    main.querySelector('#reload')?.addEventListener('click', () => void load());
  };
  await load();
  // No live refresh: every peek is a receive.
  return {};
}

/**
 * Up to 50 messages, a few receives of 10 (a receive answers at most 10, and not always the same ones).
 * @param {import('./aws-client.js').AwsClients} aws
 * @param {string} url
 */
async function peek(aws, url) {
  /** @type {Map<string, any>} */
  const messages = new Map();
  for (let i = 0; i < PEEKS; i++) {
    const { Messages = [] } = await aws.sqs('ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const before = messages.size;
    for (const message of Messages) if (!messages.has(message.MessageId)) messages.set(message.MessageId, message);
    if (messages.size === before) break;
  }
  return [...messages.values()];
}

/** @param {any[]} messages */
function messagesTable(messages) {
  return html`<table class="list" id="message-list">
    <thead><tr><th>Message</th><th>Sent</th><th class="count">Receives</th><th>Attributes</th><th>Body</th></tr></thead>
    <tbody>${messages.map(
      (message) => html`<tr data-message-id="${message.MessageId}">
        <td>${message.MessageId}</td>
        <td>${timeOf(Number(message.Attributes?.SentTimestamp ?? 0) / 1000)}</td>
        <td class="count">${message.Attributes?.ApproximateReceiveCount ?? ''}</td>
        <td><dl class="attributes">${Object.entries(message.MessageAttributes ?? {}).map(
          ([name, value]) => html`<dt>${name}</dt><dd>${/** @type {any} */ (value).StringValue ?? ''}</dd>`,
        )}</dl></td>
        <td><pre class="body">${message.Body}</pre></td></tr>`,
    )}</tbody></table>`;
}
