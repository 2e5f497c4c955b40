"""CKV_CONVAI_31: Secret Manager secret has a rotation period and a notification topic.

Same rule as POLICY_RULES CKV_CONVAI_31 (constructs/core/policy-pack/encryption.ts): `rotation.rotation_period`
set, and at least one `topics` entry to receive the rotation notifications (the API requires one).
Without them nobody is told to rotate, and secrets live forever.

Python: topic names are references, on which YAML solvers give no result.
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import is_set, is_unresolved, one, value_at

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["google_secret_manager_secret"]


class SecretRotation(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Secret Manager secret has a rotation period and a notification topic",
            id="CKV_CONVAI_31",
            categories=[CheckCategories.SECRETS],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        problems = []
        if not is_set(value_at(conf, "rotation", "rotation_period")):
            problems.append("rotation.rotation_period is unset")
        topics = conf.get("topics")
        if not is_unresolved(one(topics)):
            topics = topics if isinstance(topics, list) else []
            if not any(isinstance(t, dict) and is_set(one(t.get("name"))) for t in topics):
                problems.append("no notification topic")
        self.details = problems
        return CheckResult.FAILED if problems else CheckResult.PASSED


check = SecretRotation()
