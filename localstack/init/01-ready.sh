#!/usr/bin/env bash
# Runs inside LocalStack when it is ready. Nothing to create by hand: `npm run localstack:deploy` deploys the
# synthesized Local stage with cdklocal, exactly as `cdk deploy` would on AWS.
echo "sagastack: LocalStack is ready; run 'npm run localstack:deploy'"
