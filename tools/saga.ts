/**
 * `npm run saga -- <checkoutId | executionArn> [--full]`: prints a saga execution's history the way the Step
 * Functions console shows it (states, attempts, errors, compensations, timings, final status). `--full` prints inputs,
 * outputs and stack traces whole.
 *
 * Finds the deployment like `npm run dlq` (the file `npm start` writes, or SAGASTACK_OUTPUTS_FILE for LocalStack and
 * AWS) and speaks only the Step Functions API, so it works the same against all three. A bare checkout id names the
 * checkout saga's execution of that checkout: executions are named after their checkout.
 */
import './closed-pipe.js';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { defineCli, RuntimeConditionError, runCli } from '../local-cloud/cli/define-cli.js';
import { type Deployment, loadDeployment, requireOutput } from './deployment.js';
import { compensationStatesOf, sagaReport } from './saga-report.js';

const program = defineCli({
  name: 'saga',
  invocation: 'npm run saga --',
  description:
    "Prints a saga execution's history as the Step Functions console shows it: states, attempts, errors, " +
    'compensations, timings and the final status.',
  epilog: `A bare checkout id names the checkout saga's execution of that checkout (executions are named after it).
Finds the deployment in .local-cloud/endpoints.json (npm start), or SAGASTACK_OUTPUTS_FILE for LocalStack and AWS.`,
})
  .argument('<id>', 'a checkout id or an execution ARN')
  .option('--full', 'print inputs, outputs and stack traces whole')
  .action(async (id: string, options: { full?: boolean }) => printSaga(id, options.full ?? false));

async function printSaga(id: string, full: boolean): Promise<void> {
  const deployment = loadDeployment();
  const executionArn = id.startsWith('arn:') ? id : checkoutExecutionArn(deployment, id);
  const sfn = new SFNClient(deployment.clientConfig);
  try {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    // The definition the execution ran marks its compensations (state comments); see `compensationStatesOf`.
    const { definition } = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    const compensations = compensationStatesOf(JSON.parse(definition ?? '{}'));
    const history: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }),
      );
      history.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const line of sagaReport(execution, history, {
      full,
      now: new Date(),
      isCompensation: (stateName) => compensations.has(stateName),
    }))
      console.log(line);
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new RuntimeConditionError(`No execution ${executionArn}`);
    throw error;
  }
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` → `arn:aws:states:<region>:<account>:execution:<name>:<id>`. */
function checkoutExecutionArn(deployment: Deployment, checkoutId: string): string {
  const stateMachineArn = requireOutput(deployment, 'CheckoutStateMachineArn');
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${checkoutId}`;
}

await runCli(program);
