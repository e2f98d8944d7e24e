"""papertrail: scholarly author pages and paper APIs into one DuckDB warehouse."""

if __name__ == "pipelines":  # found as a top-level folder (a checkout on sys.path), not as installed
    raise ImportError("import papertrail.pipelines, not pipelines: the package is papertrail.pipelines "
                      "(setup.py), and a second copy under another name would split its state")

import os

# polars allocates through its own jemalloc, which by default keeps freed pages for 10 s: a run's
# later stages (validate, publish) then start on top of gigabytes that resolution let go of.
# Freed pages go back within a second instead (read when polars is first imported; set the
# variable yourself to tune it).
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0")
