"""CKV_CONVAI_11: Cloud Armor policy denies Log4j-style exploits (cve-canary) outside preview.

Same rule as POLICY_RULES CKV_CONVAI_11 (constructs/core/policy-pack/edge.ts). checkov's built-in
CKV_GCP_73 covers this for HCL but crashes on every google_compute_security_policy in
terraform_json (it reads `self.graph`, which is None there: see reports/<stack>/checkov/checkov.log),
so our pack carries the rule.

Python, not YAML: the rule needs "some rule that is a deny AND not in preview AND whose expression
names cve-canary", a conjunction inside one list element that YAML attribute checks cannot bind.
"""
import re

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_compute_security_policy"]
CVE_CANARY = re.compile(r"evaluatePreconfigured(Waf|Expr)\(\s*'cve-canary'")


def _blocks_cve_canary(rule):
    if not isinstance(rule, dict):
        return False
    expr = block(block(rule, "match"), "expr")
    expression = one(expr.get("expression")) if expr else None
    action = one(rule.get("action")) or ""
    preview = one(rule.get("preview"))
    return (
        isinstance(expression, str)
        and CVE_CANARY.search(expression) is not None
        and str(action).startswith("deny")
        and preview is not True
    )


class CloudArmorCveCanary(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud Armor policy denies Log4j-style exploits (cve-canary) outside preview",
            id="CKV_CONVAI_11",
            categories=[CheckCategories.NETWORKING],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        rules = conf.get("rule") or []
        return CheckResult.PASSED if any(_blocks_cve_canary(r) for r in rules) else CheckResult.FAILED


check = CloudArmorCveCanary()
