#!/usr/bin/env bash
# `npm run package`: the library's packages for every jsii target in package.json (`jsii.targets`)
# plus the npm tarball, into dist/ (gitignored):
#   dist/js/cdktf-gcp@<version>.jsii.tgz     the npm package, as the other languages embed it
#   dist/python/convai_platform_cdktf_gcp-<version>-py3-none-any.whl (and the sdist)
#
# 1. `npm run build:cdktf`: the cdktf jsii assembly (.jsii), lib/ and the policy gate (lib/policy-gate/).
# 2. The policy gate's bin must be executable inside the tarball: the Python wheel's
#    `convai-policy` console script asks the jsii runtime to run it from the unpacked tarball,
#    which, unlike npm install, does not chmod bins.
# 3. `jsii-rosetta extract --strict`: every example in the README and in doc comments must compile
#    (fragments use rosetta/default.ts-fixture); the translations go to .jsii.tabl.json, which
#    pacmak uses, so the wheel's README and docstrings show Python.
# 4. `jsii-pacmak`: generates and builds each target. dist/ is cleared first: pacmak skips a target
#    whose fingerprint (the assembly's) matches, even when the tarball it embeds changed.
#
# Java and Go are not targets: their builds need @cdktf/provider-google 16.12.1's Java and Go
# bindings, which Maven Central (newest com.hashicorp:cdktf-provider-google: 12.0.2) and the Go
# module proxy (github.com/cdktf/cdktf-provider-google-go/google/v16@v16.12.1: "not available")
# do not serve. See docs/how-to/python.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tools from node_modules/.bin, not through npx: a nested npx fails inside CI's
# `npx -p node@22 -c '...'` (npm exec refuses the inner call with EUSAGE).
BIN=node_modules/.bin
npm run build:cdktf
chmod +x lib/policy-gate/cli.js
"$BIN/jsii-rosetta" extract --strict
rm -rf dist
"$BIN/jsii-pacmak" --no-npmignore
ls -l dist/*/
