#!/usr/bin/env bash
# Packages the stack offline for two configs (the sample one, and one with every feature on) and
# runs cfn-lint, AWS's CloudFormation linter, on both templates. Any error (E…) or warning not
# ignored in .cfnlintrc fails. Needs cfn-lint on PATH (`pip install cfn-lint`; CI machines have 1.51.0).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cfn-lint >/dev/null || { echo "cfn-lint not found: pip install cfn-lint" >&2; exit 1; }
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
lint() { # name, serverless package args…
  local name=$1; shift
  timeout 300 npx serverless package --stage "lint-$name" --package "$out/$name" "$@" >"$out/$name.log" 2>&1 \
    || { cat "$out/$name.log"; echo "serverless package ($name) failed" >&2; return 1; }
  echo "cfn-lint: $name ($(cfn-lint --version))"
  cfn-lint --format parseable -- "$out/$name/cloudformation-template-update-stack.json" && echo "  no errors, no warnings" || return 1
}
lint sample || status=1
lint every-feature --param="config=config/examples/every-feature.yml" || status=1
lint organization --param="config=config/organization.example.yml" || status=1
exit $status
