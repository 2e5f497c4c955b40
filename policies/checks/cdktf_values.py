"""How values of cdktf's JSON reach a Python check, in one place for every check of the pack.

checkov's terraform_json parser hands every scalar wrapped in a one-element list, and nested blocks
as lists of objects whether cdktf wrote an object or a list. References stay `${...}` strings.

Not a check: checkov's loader imports every .py here (and puts this folder on sys.path, which is
what lets the checks `import cdktf_values`); this module registers nothing.
"""

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

PRODUCTION_ENVS = ("prod", "production")


def one(value):
    """The value of a scalar or single nested block."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def block(conf, key):
    """The nested block `key` of `conf` as a dict, or None."""
    value = one(conf.get(key)) if isinstance(conf, dict) else None
    return value if isinstance(value, dict) else None


def is_unresolved(value):
    """A Terraform reference or expression, which a check cannot judge."""
    return isinstance(value, str) and "${" in value


def is_production(conf):
    """`labels.env` says production (the platform labels every resource)."""
    labels = block(conf, "labels")
    env = one(labels.get("env")) if labels else None
    return isinstance(env, str) and env in PRODUCTION_ENVS


def value_at(conf, *path):
    """The unwrapped value at a path of nested blocks, e.g. value_at(conf, "encryption", "default_kms_key_name")."""
    current = conf
    for key in path:
        current = block(current, key) if key != path[-1] else (one(current.get(key)) if isinstance(current, dict) else None)
        if current is None:
            return None
    return current


def is_set(value):
    """A non-empty value: a literal or a reference (which names a key Terraform will resolve)."""
    return isinstance(value, str) and value.strip() != ""


# --- shared rule: customer-managed encryption keys (CKV_CONVAI_32..36) -----------------------
# Each of those rules says the same thing about a different resource: the attribute that names
# the KMS key must be set; unset or empty means Google-managed encryption, which the platform does
# not accept for customer data. Python, not YAML: the key is nearly always a reference and
# checkov 3.3.30's YAML solvers give no result on values holding interpolations. Defining the
# class registers nothing; each CKV_CONVAI_3x file instantiates it once.

class CmekCheck(BaseResourceCheck):
    def __init__(self, id, name, supported_resources, severity, key_path):
        """`key_path`: the attribute path to the key name, e.g. ("encryption", "default_kms_key_name")."""
        self.key_path = tuple(key_path)
        super().__init__(name=name, id=id, categories=[CheckCategories.ENCRYPTION], supported_resources=supported_resources)
        self.severity = Severities[severity]

    def scan_resource_conf(self, conf):
        if is_set(value_at(conf, *self.key_path)):
            return CheckResult.PASSED
        self.details = [f"{'.'.join(self.key_path)} is unset, so Google-managed keys encrypt the data"]
        return CheckResult.FAILED


# --- shared rule: no public IAM members (CKV_CONVAI_4 on Cloud Run, CKV_CONVAI_38 on data) ----
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


class PublicMemberCheck(BaseResourceCheck):
    """IAM member/binding resources must not name allUsers or allAuthenticatedUsers.

    Python, not YAML: members usually hold interpolations, on which checkov 3.3.30's YAML solvers
    give no result. `consequence` finishes the failure message, e.g. "makes the service public".
    """

    def __init__(self, id, name, supported_resources, severity, consequence):
        self.consequence = consequence
        super().__init__(name=name, id=id, categories=[CheckCategories.IAM], supported_resources=supported_resources)
        self.severity = Severities[severity]

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
        self.details = [f"member {', '.join(public)} {self.consequence}"] if public else []
        return CheckResult.FAILED if public else CheckResult.PASSED
