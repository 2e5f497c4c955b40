# Shared by the walkthrough scripts (sourced): each command is shown as typed at a prompt, then run
# for real. Any command that fails fails the script, and the recording records that exit code.
set -euo pipefail

say() { printf '\n\033[2m# %s\033[0m\n' "$*"; }

# Show and run one command line (a pipeline is fine: it runs in bash -c).
step() {
  printf '\033[1;32m$\033[0m %s\n' "$*"
  bash -o pipefail -c "$*"
}

# Show and run a command that must exit with the given code (a gate that must refuse its input).
step_expect_exit() {
  local expected=$1
  shift
  printf '\033[1;32m$\033[0m %s\n' "$*"
  local code=0
  bash -o pipefail -c "$*" || code=$?
  if [ "$code" -ne "$expected" ]; then
    printf 'expected exit code %s, got %s\n' "$expected" "$code" >&2
    exit 1
  fi
  printf '\033[2m# exit code %s, as expected\033[0m\n' "$code"
}
