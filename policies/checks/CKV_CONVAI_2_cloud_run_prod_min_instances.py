"""CKV_CONVAI_2: production Cloud Run service keeps at least one instance warm.

Same rule as POLICY_RULES CKV_CONVAI_2 (constructs/core/policy-pack/cloud-run.ts). Python, not YAML,
because the rule needs "template.scaling.min_instance_count, else scaling.min_instance_count"
(a fallback, not an either-or), a numeric type test, and a pass for unresolved `${...}` values.

checkov's terraform_json parser hands every value wrapped in a one-element list, and nested blocks
as lists of objects whether cdktf wrote an object or a list.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_production, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_cloud_run_v2_service"]


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class CloudRunProdMinInstances(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Production Cloud Run service keeps at least one instance warm",
            id="CKV_CONVAI_2",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        if not is_production(conf):
            return CheckResult.PASSED
        minimum = None
        scaling = block(block(conf, "template"), "scaling")
        if scaling is not None:
            minimum = one(scaling.get("min_instance_count"))
        if minimum is None:
            service_scaling = block(conf, "scaling")
            if service_scaling is not None:
                minimum = one(service_scaling.get("min_instance_count"))
        if is_unresolved(minimum):
            return CheckResult.PASSED
        if _is_number(minimum) and minimum >= 1:
            return CheckResult.PASSED
        return CheckResult.FAILED


check = CloudRunProdMinInstances()
