#!/usr/bin/env bash
# Toxiproxy for the chaos suite (test/chaos/, `npm run chaos`): the real TCP proxy that puts
# latency, resets, black holes and bandwidth limits between the runtime and Redis, Postgres and
# the Natural Language fake. Built from the Go module proxy into .tools/go/bin (gitignored) once;
# later runs find it there and exit at once. Prints the binary's path on stdout.
#   TOXIPROXY_VERSION  the version to build (default below; `go list -m -versions
#                      github.com/Shopify/toxiproxy/v2` lists what the proxy has)
set -euo pipefail
cd "$(dirname "$0")/.."
want="${TOXIPROXY_VERSION:-2.12.0}"
bin="$PWD/.tools/go/bin/toxiproxy-server"
# `toxiproxy-server -version` says "git" when built by `go install`; the module version is in the binary's build info.
have() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/Shopify/toxiproxy/v2" { sub(/^v/, "", $3); print $3 }' || true; }
command -v go >/dev/null || { echo "toxiproxy $want is missing and Go is not installed to build it" >&2; exit 1; }
if [ -x "$bin" ] && [ "$(have "$bin")" = "$want" ]; then echo "$bin"; exit 0; fi
echo "building toxiproxy $want from the Go module proxy into .tools/go/bin (about half a minute)" >&2
# Concurrent callers (two Jest workers, a CI step) serialise on a lock directory.
lock="$PWD/.tools/toxiproxy.lock"
mkdir -p "$PWD/.tools"
for _ in $(seq 1 600); do mkdir "$lock" 2>/dev/null && break; sleep 1; done
staging="$(mktemp -d "$PWD/.tools/toxiproxy-build.XXXXXX")"
trap 'rm -rf "$staging"; rmdir "$lock" 2>/dev/null || true' EXIT
if ! { [ -x "$bin" ] && [ "$(have "$bin")" = "$want" ]; }; then
  # The command's package is cmd/server, so `go install` names the binary `server`: build it aside, then rename.
  GOBIN="$staging" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "github.com/Shopify/toxiproxy/v2/cmd/server@v$want" >&2
  mkdir -p "$(dirname "$bin")"
  mv "$staging/server" "$bin"
fi
got="$(have "$bin")"
[ "$got" = "$want" ] || { echo "built toxiproxy but its build info says '$got', not $want" >&2; exit 1; }
echo "$bin"
