"""CKV_CONVAI_20: Cloud SQL primary is REGIONAL with point-in-time recovery.

Same rule as POLICY_RULES CKV_CONVAI_20 (constructs/core/policy-pack/database.ts). Python, not YAML,
because replicas (master_instance_name set) are exempt and PITR is either flag
(point_in_time_recovery_enabled for Postgres/SQL Server, binary_log_enabled for MySQL).
A primary without them loses its zone's data on a zonal outage, and any write since the last daily
backup on corruption.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_sql_database_instance"]


class SqlPrimaryRegionalPitr(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud SQL primary is REGIONAL with point-in-time recovery",
            id="CKV_CONVAI_20",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        if one(conf.get("master_instance_name")):
            return CheckResult.PASSED
        settings = block(conf, "settings")
        availability = one(settings.get("availability_type")) if settings else None
        if availability is None:
            availability = "ZONAL"
        backup = block(settings, "backup_configuration")
        pitr = None
        if backup is not None:
            pitr = one(backup.get("point_in_time_recovery_enabled"))
            if pitr is None:
                pitr = one(backup.get("binary_log_enabled"))
        regional = availability == "REGIONAL" or is_unresolved(availability)
        recoverable = pitr is True or is_unresolved(pitr)
        return CheckResult.PASSED if regional and recoverable else CheckResult.FAILED


check = SqlPrimaryRegionalPitr()
