"""CKV_CONVAI_3: Cloud Run service runs as a dedicated service account.

Same rule as POLICY_RULES CKV_CONVAI_3 (constructs/core/policy-pack/cloud-run.ts): an unset or empty
template.service_account means the default compute service account runs the service; an explicit
`<number>-compute@developer.gserviceaccount.com` is that account too.

Python, not YAML: the usual value is a reference such as `${google_service_account.webhook.email}`,
and checkov 3.3.30's YAML attribute solvers return UNKNOWN (no result at all, neither passed nor
failed) for value checks on unresolved references. The synth-time evaluator passes such a value;
this check reports an explicit PASSED for it.
"""
import re

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_cloud_run_v2_service"]
DEFAULT_COMPUTE_SA = re.compile(r"-compute@developer\.gserviceaccount\.com$")


class CloudRunDedicatedServiceAccount(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud Run service runs as a dedicated service account",
            id="CKV_CONVAI_3",
            categories=[CheckCategories.IAM],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        template = block(conf, "template")
        account = one(template.get("service_account")) if template else None
        if not account:
            return CheckResult.FAILED
        if isinstance(account, str) and not is_unresolved(account) and DEFAULT_COMPUTE_SA.search(account):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = CloudRunDedicatedServiceAccount()
