"""CKV_CONVAI_38: Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers.

Same rule as POLICY_RULES CKV_CONVAI_38 (constructs/core/policy-catalog.ts): IAM member and binding
resources on Secret Manager secrets, KMS keys and key rings, and Pub/Sub topics must not name
allUsers or allAuthenticatedUsers.

Python: members usually hold interpolations, on which YAML solvers give no result.
"""
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import one

RESOURCE_TYPES = [
    "google_secret_manager_secret_iam_member",
    "google_secret_manager_secret_iam_binding",
    "google_kms_crypto_key_iam_member",
    "google_kms_crypto_key_iam_binding",
    "google_kms_key_ring_iam_member",
    "google_kms_key_ring_iam_binding",
    "google_pubsub_topic_iam_member",
    "google_pubsub_topic_iam_binding",
]
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


class DataIamNotPublic(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers",
            id="CKV_CONVAI_38",
            categories=[CheckCategories.IAM],
            supported_resources=RESOURCE_TYPES,
        )

    def scan_resource_conf(self, conf):
        if "members" in conf:
            members = one(conf.get("members"))
            members = members if isinstance(members, list) else [members]
        else:
            members = [one(conf.get("member"))]
        public = [m for m in members if isinstance(m, str) and m in PUBLIC_MEMBERS]
        self.details = [f"member {', '.join(public)} is public"] if public else []
        return CheckResult.FAILED if public else CheckResult.PASSED


check = DataIamNotPublic()
