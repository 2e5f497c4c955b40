"""CKV_CONVAI_40: alert policy documentation links a runbook.

Same rule as POLICY_RULES CKV_CONVAI_40 (constructs/core/policy-pack/monitoring.ts). Whoever is paged opens
the runbook from the notification: `documentation.content` must carry a line `Runbook: <https URL>`
(what `Runbooks.url` and SloAlerting write). Python, not YAML: the content usually holds other
interpolations, on which YAML value checks give no result.
"""
import re

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "MEDIUM"
RESOURCE_TYPES = ["google_monitoring_alert_policy"]
RUNBOOK_LINK = re.compile(r"(^|\n)Runbook: https://\S+")


class AlertPolicyRunbook(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Alert policy documentation links a runbook",
            id="CKV_CONVAI_40",
            categories=[CheckCategories.LOGGING],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        documentation = block(conf, "documentation")
        content = one(documentation.get("content")) if documentation else None
        if isinstance(content, str) and RUNBOOK_LINK.search(content):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = AlertPolicyRunbook()
