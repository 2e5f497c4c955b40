"""CKV_CONVAI_41: alert policy is labelled with its environment and, in production, notifies a channel.

Same rule as POLICY_RULES CKV_CONVAI_41 (constructs/core/policy-pack/monitoring.ts). An alert that notifies
nobody only shows up in the console. Production is read from `user_labels.env` (alert policies have
user labels, not resource labels; the library's alerting constructs and PlatformLabels set it), so a
policy without `env` fails: it cannot be judged, and used to pass unheard. Unresolved `${...}`
labels, env or channel lists pass.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import PRODUCTION_ENVS, block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_monitoring_alert_policy"]


class ProdAlertPolicyChannels(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Alert policy is labelled with its environment and, in production, notifies at least one channel",
            id="CKV_CONVAI_41",
            categories=[CheckCategories.LOGGING],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        self.details = []
        raw_labels = one(conf.get("user_labels"))
        if is_unresolved(raw_labels):
            return CheckResult.PASSED
        labels = block(conf, "user_labels")
        env = one(labels.get("env")) if labels else None
        if is_unresolved(env):
            return CheckResult.PASSED
        if not (isinstance(env, str) and env != ""):
            self.details = ["user_labels.env is unset: the policy cannot be judged for production"]
            return CheckResult.FAILED
        if env not in PRODUCTION_ENVS:
            return CheckResult.PASSED
        channels = one(conf.get("notification_channels"))
        if is_unresolved(channels):
            return CheckResult.PASSED
        if isinstance(channels, str):
            channels = [channels]
        if isinstance(channels, list) and any(isinstance(c, str) and c for c in channels):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = ProdAlertPolicyChannels()
