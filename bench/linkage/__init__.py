"""Resolution scored on public labelled benchmarks nobody in this project wrote (issue 12).

    make bench-data        # copy the benchmarks from fetched git snapshots into bench/data/ and convert them
    make bench-linkage     # run the real pipeline on each, score it, print a table, write bench/results/

Datasets and their provenance: `bench/linkage/datasets.py`; method and caveats: `docs/benchmarks.md`.
"""
