"""CKV_CONVAI_51: a PodDisruptionBudget allows at least one voluntary eviction.

Same rule as POLICY_RULES CKV_CONVAI_51 (constructs/core/policy-pack/kubernetes.ts). A budget of
`max_unavailable = 0` or `min_available = "100%"` blocks every drain: GKE node upgrades and
auto-repair stall on the node until they force it after an hour, which is worse than a planned
eviction. Python, not YAML: 0 can arrive as a number or as the strings "0" / "0%", and `${...}`
values pass. (Whether a whole-number min_available reaches the replica count needs the Deployment
too: ScalableWebhook checks that at synth.)
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["kubernetes_pod_disruption_budget_v1", "kubernetes_pod_disruption_budget"]


def blocks_all(max_unavailable, min_available):
    if max_unavailable is not None and not is_unresolved(max_unavailable) and str(max_unavailable).strip() in ("0", "0%"):
        return True
    return min_available is not None and not is_unresolved(min_available) and str(min_available).strip() == "100%"


class PdbAllowsEviction(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="PodDisruptionBudget allows at least one voluntary eviction",
            id="CKV_CONVAI_51",
            categories=[CheckCategories.KUBERNETES],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        spec = block(conf, "spec") or {}
        if blocks_all(one(spec.get("max_unavailable")), one(spec.get("min_available"))):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = PdbAllowsEviction()
