"""CKV_CONVAI_4: Cloud Run service is not invokable by allUsers or allAuthenticatedUsers.

Same rule as POLICY_RULES CKV_CONVAI_4 (constructs/core/policy-catalog.ts): `members` (bindings)
or else `member` (members) must not include allUsers or allAuthenticatedUsers.

Python, not YAML: members usually hold interpolations (e.g.
`serviceAccount:service-${data.google_project.p.number}@gcp-sa-dialogflow.iam.gserviceaccount.com`),
and checkov 3.3.30's YAML attribute solvers return UNKNOWN (no result at all) for value checks on
such values. The synth-time evaluator judges them (they are not public); so does this check.
"""
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import one

RESOURCE_TYPES = [
    "google_cloud_run_v2_service_iam_member",
    "google_cloud_run_v2_service_iam_binding",
    "google_cloud_run_service_iam_member",
    "google_cloud_run_service_iam_binding",
]
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


class CloudRunNotPublic(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cloud Run service is not invokable by allUsers or allAuthenticatedUsers",
            id="CKV_CONVAI_4",
            categories=[CheckCategories.IAM],
            supported_resources=RESOURCE_TYPES,
        )

    def scan_resource_conf(self, conf):
        if "members" in conf:
            # A list attribute arrives wrapped once more: [["user:a", "allUsers"]].
            members = one(conf.get("members"))
            members = members if isinstance(members, list) else [members]
        elif "member" in conf:
            members = [one(conf.get("member"))]
        else:
            members = []
        public = [m for m in members if isinstance(m, str) and m in PUBLIC_MEMBERS]
        self.details = [f"member {', '.join(public)} makes the service public"] if public else []
        return CheckResult.FAILED if public else CheckResult.PASSED


check = CloudRunNotPublic()
