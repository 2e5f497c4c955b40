# Triage with the incident replay (knowledge-transfer session 2's live demo): replay the training
# scenario's alerts through the responder, read the timeline, answer, and let the checker compare.
source "$(dirname "$0")/lib.sh"

step 'npm run build:dev --silent'
say 'The exercise: six alerts of one busy morning, as Cloud Monitoring sends them'
step 'node build/tools/training/main.js start ops-incident-triage | head -3'
step "jq -c '.incident | {id: .incident_id, state, kind: .policy_user_labels.runbook, severity: .policy_user_labels.severity, region: .resource.labels.location}' .training/ops-incident-triage/notifications.jsonl"
say 'Replay them through the incident responder (npm run incident:replay does the same): counts, then each timeline'
step 'node build/tools/incident-replay/main.js .training/ops-incident-triage/notifications.jsonl --verbose 2>&1 | grep -E "^\{|^--- timeline|inhibit" | head -20'
say 'Write the triage: the counts from the replay, and the causes no other firing alert explains (the runbooks say which)'
step "node build/tools/incident-replay/main.js .training/ops-incident-triage/notifications.jsonl | jq '{incidents, inhibited, rootCauses: [\"nlp-breaker-open\", \"cloud-sql-saturation\"]}' > .training/ops-incident-triage/triage.json"
step 'cat .training/ops-incident-triage/triage.json'
step 'node build/tools/training/main.js check ops-incident-triage'
