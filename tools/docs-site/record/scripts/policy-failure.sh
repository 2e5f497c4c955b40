# Reading a policy failure: the gate on CKV_CONVAI_2's failing fixture, production Cloud Run
# services that may scale to zero. The fixture is a bare test stack, so other rules of the pack
# fail on it too; the gate must refuse it, naming each check, the resource and what is wrong.
source "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d)
export WORK
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/cdktf.out/stacks/scale-to-zero"
cp test/policies/fixtures/CKV_CONVAI_2/fail.tf.json "$WORK/cdktf.out/stacks/scale-to-zero/cdk.tf.json"

say 'A synthesized stack whose production Cloud Run services keep no instance warm'
step "jq -c '.resource.google_cloud_run_v2_service | to_entries[] | {service: .key, env: .value.labels.env, scaling: (.value.template | if type == \"array\" then .[0] else . end | .scaling)}' \$WORK/cdktf.out/stacks/scale-to-zero/cdk.tf.json"
say 'Compile the gate (the convai-policy command) and run it on that stack: it must fail'
step 'npm run build:policy --silent'
step_expect_exit 1 'node lib/policy-gate/cli.js policy $WORK/cdktf.out --reports-dir $WORK/reports --venv .venv-checkov'
say 'The summary report has a row per failure; the ones for the scale-to-zero rule:'
step "grep -F '| CKV_CONVAI_2 |' \$WORK/reports/policy-summary.md"
say 'How to fix it: the rule in the policy catalog (docs/reference/policy-catalog.md)'
step "grep -A 4 '^## CKV_CONVAI_2$' docs/reference/policy-catalog.md"
