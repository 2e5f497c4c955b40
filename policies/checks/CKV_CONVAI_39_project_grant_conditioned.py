"""CKV_CONVAI_39: Project-level IAM grants are conditioned to named resources.

Same rule as POLICY_RULES CKV_CONVAI_39 (constructs/core/policy-pack/iam.ts): a google_project_iam_member
or _binding without a condition (or with an empty expression) gives its role on every resource of
the project. Where IAM offers no condition the role could be narrowed by (telemetry writers), the
construct records the reason with PolicySuppressions.add, which the gate turns into an allowlist
entry listed in the report.

Python, not YAML: the condition expression usually interpolates resource names, on which
checkov 3.3.30's YAML solvers give no result.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_set, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_project_iam_member", "google_project_iam_binding"]


class ProjectGrantConditioned(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Project-level IAM grants are conditioned to named resources",
            id="CKV_CONVAI_39",
            categories=[CheckCategories.IAM],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        condition = block(conf, "condition")
        if condition and is_set(one(condition.get("expression"))):
            return CheckResult.PASSED
        self.details = [f"role {one(conf.get('role'))} is granted on the whole project with no condition"]
        return CheckResult.FAILED


check = ProjectGrantConditioned()
