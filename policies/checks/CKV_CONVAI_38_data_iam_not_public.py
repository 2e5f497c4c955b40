"""CKV_CONVAI_38: Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers.

Same rule as POLICY_RULES CKV_CONVAI_38 (constructs/core/policy-pack/iam.ts): IAM member and binding
resources on Secret Manager secrets, KMS keys and key rings, and Pub/Sub topics must not name
allUsers or allAuthenticatedUsers.

Python: members usually hold interpolations, on which YAML solvers give no result.
"""
from cdktf_values import PublicMemberCheck

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = [
    "google_secret_manager_secret_iam_member",
    "google_secret_manager_secret_iam_binding",
    "google_kms_crypto_key_iam_member",
    "google_kms_crypto_key_iam_binding",
    "google_kms_key_ring_iam_member",
    "google_kms_key_ring_iam_binding",
    "google_pubsub_topic_iam_member",
    "google_pubsub_topic_iam_binding",
]

check = PublicMemberCheck(
    id="CKV_CONVAI_38",
    name="Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers",
    supported_resources=RESOURCE_TYPES,
    severity=SEVERITY,
    consequence="is public",
)
