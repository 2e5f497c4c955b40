# checkov's --external-checks-dir loader imports every .py file in this folder; this file marks it as
# a package, as the loader expects. Each check lives in its own file, named after its id.
