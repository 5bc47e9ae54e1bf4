/**
 * The layering rules of the house, checked in `npm test` (`npm run deps`). ADR 0020 says why these and not others.
 *
 * Contexts: functions/checkout, functions/provisioning, functions/platform, functions/identity; each with handlers/
 * (thin adapters), use-cases/ (decisions), domain/ (pure rules), ports/ (what use cases need) and adapters/ (AWS
 * behind the ports).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop cannot be read, tested or moved one at a time.',
      from: { pathNot: '^node_modules' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'A domain holds the rules and nothing else: no AWS SDK, Powertools, middy or Lambda types, and none of the layers above it.',
      from: { path: '^functions/[^/]+/domain/' },
      to: {
        path: [
          '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|@middy)/',
          '^(@aws-sdk|@smithy|@aws-lambda-powertools|@middy)/',
          '(^|/)node_modules/@types/aws-lambda/',
          '^aws-lambda$',
          '^functions/[^/]+/(handlers|use-cases|ports|adapters)/',
          '^shared/(aws|http|powertools|sqs)/',
        ],
      },
    },
    {
      name: 'no-context-imports-another',
      severity: 'error',
      comment: 'Contexts talk through commands and events, never through each other’s code.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    {
      name: 'use-cases-below-handlers',
      severity: 'error',
      comment: 'Handlers call use cases; a use case never reaches back into a handler or an adapter (it gets ports).',
      from: { path: '^functions/[^/]+/use-cases/' },
      to: { path: '^functions/[^/]+/(handlers|adapters)/' },
    },
    {
      name: 'ports-and-adapters-below-use-cases',
      severity: 'error',
      comment: 'Ports are interfaces and adapters implement them: neither knows the use cases or handlers.',
      from: { path: '^functions/[^/]+/(ports|adapters)/' },
      to: { path: '^functions/[^/]+/(handlers|use-cases)/' },
    },
    {
      name: 'contracts-per-context',
      severity: 'error',
      comment: 'A context’s contracts import only their own and shared/contracts/common.ts and the event helpers.',
      from: { path: '^shared/contracts/(?:events/)?(checkout|provisioning|audit|identity)-' },
      to: {
        path: '^shared/contracts/(?:events/)?(checkout|provisioning|audit|identity|platform)-',
        pathNot: '^shared/contracts/(?:events/)?$1-',
      },
    },
    {
      name: 'shared-knows-no-context',
      severity: 'error',
      comment: 'shared/ is what every function may use: it imports no context’s code.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'local-cloud-knows-no-app',
      severity: 'error',
      comment: 'The local cloud runs any CDK app’s assembly; the app plugs in through local-cloud.config.ts only.',
      from: { path: '^local-cloud/' },
      to: { path: '^(functions|lib|shared|bin|chaos|bench|tools|scripts)/' },
    },
    {
      name: 'runtime-knows-no-infrastructure',
      severity: 'error',
      comment: 'Function code is bundled for Lambda: it never imports the CDK app.',
      from: { path: '^(functions|shared)/' },
      // lib/config/tuning.ts is the one exception by design: plain numbers, no CDK import, read by runtime and infra.
      to: { path: '^(lib|bin)/|^node_modules/(aws-cdk-lib|constructs)/', pathNot: '^lib/config/tuning\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules' },
    exclude: { path: '^(cdk\\.out|\\.local-cloud|coverage)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'],
    },
  },
};
