"""dlt loading snapshot JSON Lines into DuckDB, as a user would write it (run in bench/.venv-dlt):
`python bench/dlt_load.py FILE DB WORKDIR`. Prints one JSON line."""
import json
import sys
import time

import dlt


def rows(path):
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def main() -> None:
    path, db, workdir = sys.argv[1:4]
    pipeline = dlt.pipeline(pipeline_name="bench", destination=dlt.destinations.duckdb(db),
                            dataset_name="arxiv", pipelines_dir=workdir)
    started = time.perf_counter()
    pipeline.run(rows(path), table_name="papers", write_disposition="replace")
    print(json.dumps({"seconds": time.perf_counter() - started, "dlt": dlt.__version__}))


if __name__ == "__main__":
    main()
