"""CKV_CONVAI_4: Cloud Run service is not invokable by allUsers or allAuthenticatedUsers.

Same rule as POLICY_RULES CKV_CONVAI_4 (constructs/core/policy-pack/cloud-run.ts): `members` (bindings)
or else `member` (members) must not include allUsers or allAuthenticatedUsers.

Python, not YAML: members usually hold interpolations (e.g.
`serviceAccount:service-${data.google_project.p.number}@gcp-sa-dialogflow.iam.gserviceaccount.com`),
and checkov 3.3.30's YAML attribute solvers return UNKNOWN (no result at all) for value checks on
such values. The synth-time evaluator judges them (they are not public); so does this check.
"""
from cdktf_values import PublicMemberCheck

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = [
    "google_cloud_run_v2_service_iam_member",
    "google_cloud_run_v2_service_iam_binding",
    "google_cloud_run_service_iam_member",
    "google_cloud_run_service_iam_binding",
]

check = PublicMemberCheck(
    id="CKV_CONVAI_4",
    name="Cloud Run service is not invokable by allUsers or allAuthenticatedUsers",
    supported_resources=RESOURCE_TYPES,
    severity=SEVERITY,
    consequence="makes the service public",
)
