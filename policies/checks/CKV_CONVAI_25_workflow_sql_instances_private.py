"""CKV_CONVAI_25: a workflow that creates Cloud SQL instances makes them private and CMEK-encrypted.

Same rule as POLICY_RULES CKV_CONVAI_25 (constructs/core/policy-pack/database.ts). Instances a workflow
creates (DrBackup's restore drill, clones) never pass through Terraform, so CKV_CONVAI_23 and
CKV_CONVAI_35 cannot see them; the workflow source decides. A text check: a source that calls
instances.insert must say `ipv4Enabled: false` (and never `true`) and name a `kmsKeyName`.
Workflows that create no instance pass.
"""
import re

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_workflows_workflow"]

INSERT = re.compile(r"googleapis\.sqladmin\.v1(beta4)?\.instances\.insert\b")
PRIVATE = re.compile(r"\bipv4Enabled:\s*false\b")
PUBLIC = re.compile(r"\bipv4Enabled:\s*true\b")
KMS = re.compile(r"\bkmsKeyName:\s*\S")


class WorkflowSqlInstancesPrivate(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Workflow that creates Cloud SQL instances makes them private and CMEK-encrypted",
            id="CKV_CONVAI_25",
            categories=[CheckCategories.NETWORKING],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        source = one(conf.get("source_contents"))
        if not isinstance(source, str) or not INSERT.search(source):
            return CheckResult.PASSED
        private = PRIVATE.search(source) and not PUBLIC.search(source)
        encrypted = KMS.search(source)
        return CheckResult.PASSED if private and encrypted else CheckResult.FAILED


check = WorkflowSqlInstancesPrivate()
