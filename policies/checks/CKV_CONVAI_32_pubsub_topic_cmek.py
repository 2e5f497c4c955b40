"""CKV_CONVAI_32: Pub/Sub topic is encrypted with a customer-managed key.

Same rule as POLICY_RULES CKV_CONVAI_32 (constructs/core/policy-catalog.ts): `kms_key_name` must name a KMS key
(SecureSecrets' key for the resource's region and purpose). Unset or empty means Google-managed
encryption, which the platform does not accept for customer data.

Python, not YAML: the key is nearly always a reference (`${google_kms_crypto_key.k.id}`) and
checkov 3.3.30's YAML solvers give no result on values holding interpolations.
"""
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from cdktf_values import is_set, value_at

RESOURCE_TYPES = ["google_pubsub_topic"]


class PubsubTopicCmek(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Pub/Sub topic is encrypted with a customer-managed key",
            id="CKV_CONVAI_32",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=RESOURCE_TYPES,
        )

    def scan_resource_conf(self, conf):
        if is_set(value_at(conf, "kms_key_name")):
            return CheckResult.PASSED
        self.details = ["kms_key_name is unset, so Google-managed keys encrypt the data"]
        return CheckResult.FAILED


check = PubsubTopicCmek()
