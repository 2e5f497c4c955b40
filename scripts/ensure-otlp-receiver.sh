#!/usr/bin/env bash
# The trace-export test (test/runtime/trace-export.test.ts) sends spans to a real OTLP decoder:
# the OpenTelemetry project's generated protobuf classes, in a virtualenv of pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-otlp
REQUIREMENTS=test/runtime/support/otlp-receiver/requirements.txt
if [ -x "$VENV/bin/python" ] && cmp -s "$REQUIREMENTS" "$VENV/requirements.txt"; then exit 0; fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
cp "$REQUIREMENTS" "$VENV/requirements.txt"
