"""CKV_CONVAI_12: production Cloud Run containers run an image pinned by digest.

Same rule as POLICY_RULES CKV_CONVAI_12 (constructs/core/policy-pack/cloud-run.ts). A tag can be moved
after the image was scanned and approved; a digest cannot, so production deploys exactly what CI
built. Python, not YAML: the rule looks at every element of the `containers` list, only in
production, and must pass unresolved `${...}` images (a variable that CI fills with the digest).
"""
import re

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_production, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_cloud_run_v2_service"]
DIGEST = re.compile(r"@sha256:[a-f0-9]{64}$")


class CloudRunProdImageDigest(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Production Cloud Run containers run an image pinned by digest",
            id="CKV_CONVAI_12",
            categories=[CheckCategories.SUPPLY_CHAIN],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        if not is_production(conf):
            return CheckResult.PASSED
        template = block(conf, "template") or {}
        containers = template.get("containers") or []
        images = [one(c.get("image")) for c in containers if isinstance(c, dict)]
        if not images:
            return CheckResult.FAILED
        for image in images:
            if is_unresolved(image):
                continue
            if not (isinstance(image, str) and DIGEST.search(image)):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = CloudRunProdImageDigest()
