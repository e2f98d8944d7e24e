"""Dagster assets, one module per stage. Thin: each calls a pipelines.stages function."""

if __name__ == "assets":  # found as a top-level folder (a checkout on sys.path), not as installed
    raise ImportError("import papertrail.assets, not assets: the package is papertrail.assets "
                      "(setup.py), and a second copy under another name would split its state")
