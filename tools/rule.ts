/**
 * `npm run rule -- list` and `npm run rule -- fire <name>`: scheduled rules of the local cloud, fired on demand
 * (on AWS they fire on their schedule only). `<name>` may be any unique part of the rule's name, e.g. `BillingSchedule`.
 */
import './closed-pipe.js';
import { EventBridgeClient, ListRulesCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { defineCli, RuntimeConditionError, runCli } from '../local-cloud/cli/define-cli.js';
import { type Deployment, loadDeployment } from './deployment.js';

const program = defineCli({
  name: 'rule',
  invocation: 'npm run rule --',
  description:
    "Lists the local cloud's scheduled rules and fires one on demand (on AWS they fire on their schedule only).",
});

program
  .command('list')
  .description('every scheduled rule: name, schedule, state')
  .action(async () => {
    const { rules } = await scheduledRules();
    for (const rule of rules) console.log(`${rule.Name}\t${rule.ScheduleExpression}\t${rule.State}`);
  });

program
  .command('fire')
  .description('fires one scheduled rule now')
  .argument('<name>', "any unique part of the rule's name, e.g. BillingSchedule")
  .action(async (name: string) => {
    const { deployment, rules } = await scheduledRules();
    const matches = rules.filter((rule) => rule.Name?.includes(name));
    if (matches.length !== 1) {
      throw new RuntimeConditionError(
        `${matches.length} scheduled rules match "${name}": ${matches.map((rule) => rule.Name).join(', ') || 'none'}`,
      );
    }
    const ruleName = matches[0]?.Name as string;
    const response = await fetch(`${deployment.endpoint}/_local/rules/${encodeURIComponent(ruleName)}/fire`, {
      method: 'POST',
    });
    if (!response.ok) throw new RuntimeConditionError(`Could not fire ${ruleName}: ${await response.text()}`);
    console.log(`Fired ${ruleName}`);
  });

async function scheduledRules(): Promise<{ deployment: Deployment; rules: Rule[] }> {
  const deployment = loadDeployment();
  if (!deployment.endpoint) {
    throw new RuntimeConditionError('Firing rules on demand is a local cloud feature; start it with `npm start`.');
  }
  const events = new EventBridgeClient(deployment.clientConfig);
  const rules = (await events.send(new ListRulesCommand({ EventBusName: 'default' }))).Rules ?? [];
  return { deployment, rules: rules.filter((rule) => rule.ScheduleExpression) };
}

await runCli(program);
