#!/usr/bin/env bash
# actionlint for the pipeline-example tests (test/examples/pipelines.test.ts): the GitHub Actions
# workflow under examples/pipelines/ is linted with the real tool. Built from the Go module proxy
# into .tools/go/bin (gitignored) once; later runs find it there and exit at once. Prints the
# binary's path on stdout.
#   ACTIONLINT_VERSION  the version to build (default below; `go list -m -versions
#                       github.com/rhysd/actionlint` lists what the proxy has)
set -euo pipefail
cd "$(dirname "$0")/.."
want="${ACTIONLINT_VERSION:-1.7.12}"
bin="$PWD/.tools/go/bin/actionlint"
have() { "$1" -version 2>/dev/null | head -n1 | tr -d ' v\r' || true; }
if [ -x "$bin" ] && [ "$(have "$bin")" = "$want" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "actionlint $want is missing and Go is not installed to build it" >&2; exit 1; }
echo "building actionlint $want from the Go module proxy into .tools/go/bin (about a minute)" >&2
# Concurrent callers (two Jest workers, a CI step) serialise on a lock directory.
lock="$PWD/.tools/actionlint.lock"
mkdir -p "$PWD/.tools"
for _ in $(seq 1 600); do mkdir "$lock" 2>/dev/null && break; sleep 1; done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT
if ! { [ -x "$bin" ] && [ "$(have "$bin")" = "$want" ]; }; then
  GOBIN="$PWD/.tools/go/bin" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$want" >&2
fi
got="$(have "$bin")"
[ "$got" = "$want" ] || { echo "built actionlint but \`$bin -version\` says '$got', not $want" >&2; exit 1; }
echo "$bin"
