# A training exercise end to end (knowledge-transfer session 1's live demo): start the scratch
# workspace, let the checker refuse it, fix the stack as a learner would, and check again.
source "$(dirname "$0")/lib.sh"

say 'Compile the tools once (npm run training does this on every call)'
step 'npm run build:dev --silent'
say 'Start the exercise: a scratch workspace with a production stack the policy gate refuses'
step 'node build/tools/training/main.js start ops-broken-stack | head -8'
step "grep -nE 'ingress|minInstanceCount' .training/ops-broken-stack/stack.ts"
say 'The checker synthesizes the stack and runs the policy pack on it: two violations, with hints'
step_expect_exit 1 'node build/tools/training/main.js check ops-broken-stack'
say 'Fix the configuration (no suppression: these defaults protect production)'
step "sed -i -e 's/INGRESS_TRAFFIC_ALL/INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER/' -e 's/minInstanceCount: 0/minInstanceCount: 1/' .training/ops-broken-stack/stack.ts"
step 'node build/tools/training/main.js check ops-broken-stack'
