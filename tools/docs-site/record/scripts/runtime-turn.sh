# The webhook runtime on embedded defaults (local analyzer, PGlite, no Redis, no credentials), and
# one Dialogflow CX turn sent with curl.
source "$(dirname "$0")/lib.sh"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT
RUNTIME_LOG=$(mktemp)
export RUNTIME_LOG
trap 'kill "$runtime" 2>/dev/null || true; wait "$runtime" 2>/dev/null || true; rm -f "$RUNTIME_LOG"' EXIT

say 'Build and start the runtime in the background (npm start does the same in the foreground)'
step 'npm run build --workspace runtime --silent'
printf '\033[1;32m$\033[0m %s\n' 'node runtime/dist/main.js > $RUNTIME_LOG 2>&1 &'
node runtime/dist/main.js >"$RUNTIME_LOG" 2>&1 &
runtime=$!
for _ in $(seq 1 100); do
  curl -sf "localhost:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
step "curl -s localhost:\$PORT/readyz | jq -c ."
say 'A turn tagged sentiment-escalation: enriched, scored, answered with session parameters'
step "curl -s -XPOST localhost:\$PORT/webhook/cx -H 'content-type: application/json' -d '{\"detectIntentResponseId\":\"t1\",\"fulfillmentInfo\":{\"tag\":\"sentiment-escalation\"},\"text\":\"this is awful, I hate it\",\"languageCode\":\"en\"}' | jq ."
say 'What it counted, and the structured event it logged for the turn'
step "curl -s localhost:\$PORT/metrics | grep -E '^(webhook_requests_total|webhook_degraded_replies_total|conversation_quality_signals_total)'"
step "grep '\"event\":\"webhook.turn\"' \$RUNTIME_LOG | jq -c '{event, tag, degraded, degradedReasons, nlpSource, latencyMs, qualityScore}'"
