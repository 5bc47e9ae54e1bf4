#!/usr/bin/env bash
# Deploys the Local stage to a running LocalStack with cdklocal (the CDK CLI pointed at LocalStack's endpoint),
# then writes the stack outputs where `npm run test:localstack` reads them.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost.localstack.cloud:4566}"

npx cdklocal bootstrap aws://000000000000/us-east-1
npx cdklocal deploy 'Local/*' --require-approval never --outputs-file .local-cloud/localstack-outputs.json
echo "Outputs written to .local-cloud/localstack-outputs.json"
