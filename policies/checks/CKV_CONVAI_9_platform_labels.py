"""CKV_CONVAI_9: resource carries the platform labels (env, team, cost-center, managed-by).

Same rule as POLICY_RULES CKV_CONVAI_9 (constructs/core/policy-pack/labels.ts); RESOURCE_TYPES is its
LABELLED_TYPES and REQUIRED_LABELS its REQUIRED_LABELS (test/policies/catalog.test.ts keeps them in
step). Python, not YAML, because a `labels` value that is still an unresolved `${...}` expression
must pass, and each label must be a non-empty string.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = [
    "google_cloud_run_v2_service",
    "google_compute_global_address",
    "google_compute_global_forwarding_rule",
    "google_secret_manager_secret",
    "google_storage_bucket",
    "google_pubsub_topic",
    "google_kms_crypto_key",
    "google_workflows_workflow",
    "google_backup_dr_backup_vault",
]
REQUIRED_LABELS = ["env", "team", "cost-center", "managed-by"]


class PlatformLabels(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Resource carries the platform labels (env, team, cost-center, managed-by)",
            id="CKV_CONVAI_9",
            categories=[CheckCategories.CONVENTION],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        labels = one(conf.get("labels"))
        if is_unresolved(labels):
            return CheckResult.PASSED
        if not isinstance(labels, dict):
            labels = {}
        missing = [key for key in REQUIRED_LABELS if not (isinstance(one(labels.get(key)), str) and one(labels.get(key)) != "")]
        self.details = [f"missing labels: {', '.join(missing)}"] if missing else []
        return CheckResult.FAILED if missing else CheckResult.PASSED


check = PlatformLabels()
