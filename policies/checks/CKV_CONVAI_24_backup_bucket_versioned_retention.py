"""CKV_CONVAI_24: backup bucket is versioned with a retention policy.

Same rule as POLICY_RULES CKV_CONVAI_24 (constructs/core/policy-pack/database.ts). Applies to buckets
labelled purpose=backup (DrBackup labels its bucket): an overwritten or deleted backup must stay
restorable (versioning) and nobody may delete one early (retention policy). Other buckets pass.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_storage_bucket"]


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class BackupBucketVersionedRetention(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Backup bucket is versioned with a retention policy",
            id="CKV_CONVAI_24",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        labels = block(conf, "labels")
        if not labels or one(labels.get("purpose")) != "backup":
            return CheckResult.PASSED
        versioning = block(conf, "versioning")
        versioned = versioning is not None and one(versioning.get("enabled")) is True
        retention = block(conf, "retention_policy")
        period = one(retention.get("retention_period")) if retention else None
        retained = is_unresolved(period) or (_is_number(period) and period > 0)
        return CheckResult.PASSED if versioned and retained else CheckResult.FAILED


check = BackupBucketVersionedRetention()
