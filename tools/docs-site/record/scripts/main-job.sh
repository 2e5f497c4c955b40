# The main job of the README: synthesize the reference platform, run the policy gate, validate
# every stack with Terraform and the real providers.
source "$(dirname "$0")/lib.sh"

# Some machines point TF_CLI_CONFIG_FILE at a file that does not exist; Terraform, run by cdktf,
# then warns about it on every call, which is noise from the machine, not the walkthrough.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi

say 'Synthesize every reference stack (cdktf.json compiles the app first)'
step 'CHECKPOINT_DISABLE=1 npm run synth'
say 'The policy gate: checkov 3.3.30 with our pack over each stack; reports under reports/'
step 'npm run policy'
say 'Terraform itself: init from the offline provider mirror, then validate each stack'
step 'npm run terraform:validate'
