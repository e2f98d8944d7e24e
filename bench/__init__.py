"""Benchmarks: long measurements that print a table and write JSON to bench/results/."""
