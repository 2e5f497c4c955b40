"""CKV_CONVAI_21: Cloud SQL replica is in a region other than its primary's.

Same rule as POLICY_RULES CKV_CONVAI_21 (constructs/core/policy-pack/database.ts). A replica in the
primary's region does not survive the outage it exists for. One resource's block does not hold the
primary's region (master_instance_name is a name or a reference), so MultiRegionDb writes it on each
replica as settings.user_labels.primary-region and the check compares it with region; a replica
without the label fails, because its placement cannot be judged. Primaries pass.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_sql_database_instance"]


class SqlReplicaOtherRegion(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud SQL replica is in a region other than its primary's",
            id="CKV_CONVAI_21",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        if not one(conf.get("master_instance_name")):
            return CheckResult.PASSED
        region = one(conf.get("region"))
        labels = block(block(conf, "settings"), "user_labels")
        primary_region = one(labels.get("primary-region")) if labels else None
        if is_unresolved(region) or is_unresolved(primary_region):
            return CheckResult.PASSED
        if not isinstance(primary_region, str) or primary_region == "":
            return CheckResult.FAILED
        return CheckResult.FAILED if primary_region == region else CheckResult.PASSED


check = SqlReplicaOtherRegion()
