"""CKV_CONVAI_30: Secret Manager secret encrypts every replica with a customer-managed key.

Same rule as POLICY_RULES CKV_CONVAI_30 (constructs/core/policy-pack/encryption.ts): with user-managed
replication every replica needs `customer_managed_encryption.kms_key_name` (a key in the replica's
region); automatic replication needs `auto.customer_managed_encryption.kms_key_name`. A replicas
list that is one interpolation cannot be judged here and passes (the synth-time evaluator agrees).

Python: replicas are a list of blocks, and their keys are references.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_set, is_unresolved, one, value_at

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_secret_manager_secret"]


class SecretReplicasCmek(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Secret Manager secret encrypts every replica with a customer-managed key",
            id="CKV_CONVAI_30",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        replication = block(conf, "replication")
        if not replication:
            self.details = ["replication is unset"]
            return CheckResult.FAILED
        user_managed = block(replication, "user_managed")
        if user_managed is None:
            if is_set(value_at(replication, "auto", "customer_managed_encryption", "kms_key_name")):
                return CheckResult.PASSED
            self.details = ["automatic replication without customer_managed_encryption"]
            return CheckResult.FAILED
        replicas = user_managed.get("replicas")
        if is_unresolved(one(replicas)):
            return CheckResult.PASSED
        replicas = replicas if isinstance(replicas, list) else [replicas]
        missing = [
            one(r.get("location")) if isinstance(r, dict) else r
            for r in replicas
            if not (isinstance(r, dict) and is_set(value_at(r, "customer_managed_encryption", "kms_key_name")))
        ]
        if not replicas or missing:
            self.details = [f"replicas without a customer-managed key: {missing or 'no replicas'}"]
            return CheckResult.FAILED
        return CheckResult.PASSED


check = SecretReplicasCmek()
