"""CKV_CONVAI_22: Cloud SQL primary stores backups in a location other than its region.

Same rule as POLICY_RULES CKV_CONVAI_22 (constructs/core/policy-pack/database.ts). Unset
backup_configuration.location keeps backups in the instance's region (the multi-region of it, by
Google's default), so a regional outage can take instance and backups together; replicas, which
take no backups, pass.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_sql_database_instance"]


class SqlBackupsOtherLocation(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud SQL primary stores backups in a location other than its region",
            id="CKV_CONVAI_22",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        if one(conf.get("master_instance_name")):
            return CheckResult.PASSED
        backup = block(block(conf, "settings"), "backup_configuration")
        location = one(backup.get("location")) if backup else None
        region = one(conf.get("region"))
        if is_unresolved(location) or is_unresolved(region):
            return CheckResult.PASSED
        if not isinstance(location, str) or location == "":
            return CheckResult.FAILED
        return CheckResult.FAILED if location == region else CheckResult.PASSED


check = SqlBackupsOtherLocation()
