#!/usr/bin/env bash
# Terraform 1.11.4 for `npm run terraform:validate` and the Terraform test tier. These machines have
# it on the PATH; where it is missing (or another version), build it from the Go module proxy into
# .tools/go/bin, which tools/terraform-validate looks at first. The providers come from
# ../shared/terraform-providers (an offline filesystem mirror), never from the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
want=1.11.4
have() { "$1" version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null || true; }
if [ "$(have terraform)" = "$want" ] || [ "$(have .tools/go/bin/terraform)" = "$want" ]; then exit 0; fi
command -v go >/dev/null || { echo "terraform $want is missing and Go is not installed to build it" >&2; exit 1; }
echo "building terraform $want from the Go module proxy into .tools/go/bin (a few minutes)" >&2
GOBIN="$PWD/.tools/go/bin" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@v$want"
[ "$(have .tools/go/bin/terraform)" = "$want" ]
