"""CKV_CONVAI_50: Kubernetes Deployment pods run under the RuntimeDefault (or a Localhost) seccomp profile.

Same rule as POLICY_RULES CKV_CONVAI_50 (constructs/core/policy-pack/kubernetes.ts). checkov 3.3.30's
Terraform Kubernetes checks have no seccomp check (CKV_K8S_31 exists for manifests only), and the
restricted Pod Security Standard requires one. The pod-level profile counts unless a container
sets Unconfined; without it every container must set an allowed profile. Python, not YAML: the
rule falls back from pod to containers, and `${...}` values pass (they cannot be judged here).
"""
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import block, is_unresolved, one

# The catalog severity in checkov terms: error -> HIGH, warning -> MEDIUM (SARIF level warning).
SEVERITY = "HIGH"
RESOURCE_TYPES = ["kubernetes_deployment_v1", "kubernetes_deployment"]
ALLOWED = ("RuntimeDefault", "Localhost")


def profile_type(conf):
    """`security_context.seccomp_profile.type` of a pod or container spec, or None."""
    context = block(conf, "security_context")
    profile = block(context, "seccomp_profile") if context else None
    return one(profile.get("type")) if profile else None


def allowed(kind):
    return is_unresolved(kind) or kind in ALLOWED


class DeploymentSeccomp(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Kubernetes Deployment pods use the RuntimeDefault or Localhost seccomp profile",
            id="CKV_CONVAI_50",
            categories=[CheckCategories.KUBERNETES],
            supported_resources=RESOURCE_TYPES,
        )
        self.severity = Severities[SEVERITY]

    def scan_resource_conf(self, conf):
        template = block(block(conf, "spec") or {}, "template") or {}
        pod = block(template, "spec") or {}
        containers = [c for c in (pod.get("container") or []) if isinstance(c, dict)]
        if not containers:
            return CheckResult.FAILED
        pod_kind = profile_type(pod)
        for container in containers:
            kind = profile_type(container)
            if kind is None:
                kind = pod_kind
            if kind is None or not allowed(kind):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = DeploymentSeccomp()
