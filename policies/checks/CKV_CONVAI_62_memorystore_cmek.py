"""CKV_CONVAI_62: Memorystore instance is encrypted with a customer-managed key (`kms_key` set).

Same rule as POLICY_RULES CKV_CONVAI_62 (constructs/core/policy-pack/memorystore.ts); the logic is shared
with the other CMEK rules in cdktf_values.CmekCheck.
"""
from cdktf_values import CmekCheck

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_memorystore_instance"]

check = CmekCheck(
    id="CKV_CONVAI_62",
    name="Memorystore instance is encrypted with a customer-managed key",
    supported_resources=RESOURCE_TYPES,
    severity=SEVERITY,
    key_path=("kms_key",),
)
