"""How values of cdktf's JSON reach a Python check, in one place for every check of the pack.

checkov's terraform_json parser hands every scalar wrapped in a one-element list, and nested blocks
as lists of objects whether cdktf wrote an object or a list. References stay `${...}` strings.

Not a check: checkov's loader imports every .py here (and puts this folder on sys.path, which is
what lets the checks `import cdktf_values`); this module registers nothing.
"""

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
