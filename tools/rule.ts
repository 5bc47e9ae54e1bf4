/**
 * `npm run rule -- list` and `npm run rule -- fire <name>`: scheduled rules of the local cloud, fired on demand
 * (on AWS they fire on their schedule only). `<name>` may be any unique part of the rule's name, e.g. `BillingSchedule`.
 */
import './closed-pipe.js';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { loadDeployment } from './deployment.js';

const [command, name] = process.argv.slice(2);
const deployment = loadDeployment();
if (!deployment.endpoint)
  throw new Error('Firing rules on demand is a local cloud feature; start it with `npm start`.');
const events = new EventBridgeClient(deployment.clientConfig);
const rules = (await events.send(new ListRulesCommand({ EventBusName: 'default' }))).Rules ?? [];
const scheduled = rules.filter((rule) => rule.ScheduleExpression);

if (command === 'list') {
  for (const rule of scheduled) console.log(`${rule.Name}\t${rule.ScheduleExpression}\t${rule.State}`);
} else if (command === 'fire' && name) {
  const matches = scheduled.filter((rule) => rule.Name?.includes(name));
  if (matches.length !== 1) {
    console.error(
      `${matches.length} scheduled rules match "${name}": ${matches.map((rule) => rule.Name).join(', ') || 'none'}`,
    );
    process.exit(1);
  }
  const ruleName = matches[0]?.Name as string;
  const response = await fetch(`${deployment.endpoint}/_local/rules/${encodeURIComponent(ruleName)}/fire`, {
    method: 'POST',
  });
  console.log(response.ok ? `Fired ${ruleName}` : `Could not fire ${ruleName}: ${await response.text()}`);
  if (!response.ok) process.exit(1);
} else {
  console.error('Usage: npm run rule -- list | fire <name>');
  process.exit(2);
}
