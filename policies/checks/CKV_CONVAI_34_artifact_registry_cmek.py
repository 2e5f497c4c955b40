"""CKV_CONVAI_34: Artifact Registry repository is encrypted with a customer-managed key (`kms_key_name` set).

Same rule as POLICY_RULES CKV_CONVAI_34 (constructs/core/policy-pack/encryption.ts); the logic is shared
with the other CMEK rules in cdktf_values.CmekCheck.
"""
from cdktf_values import CmekCheck

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_artifact_registry_repository"]

check = CmekCheck(
    id="CKV_CONVAI_34",
    name="Artifact Registry repository is encrypted with a customer-managed key",
    supported_resources=RESOURCE_TYPES,
    severity=SEVERITY,
    key_path=("kms_key_name",),
)
