"""Batched average linkage gives scipy's partitions, block by block."""
from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from papertrail.pipelines.resolve.agglomerate import CAP, CONFLICT, average_linkage_blocks


def _scipy_partition(w: np.ndarray, threshold: float) -> list[frozenset[int]]:
    n = w.shape[0]
    dist = CAP - np.minimum(w, CAP)
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(linkage(dist[np.triu_indices(n, 1)], method="average"), CAP - threshold, criterion="distance")
    return sorted((frozenset(np.flatnonzero(labels == k).tolist()) for k in set(labels.tolist())), key=min)


def _partition(rep: np.ndarray) -> list[frozenset[int]]:
    return sorted((frozenset(np.flatnonzero(rep == r).tolist()) for r in set(rep.tolist())), key=min)


def test_same_partitions_as_scipy_for_many_blocks_of_each_size():
    rng = np.random.default_rng(7)
    for n in (3, 5, 9, 17):
        blocks = 40
        mats = []
        rows = []
        for k in range(blocks):
            w = rng.normal(0.0, 6.0, size=(n, n))
            w = np.triu(w, 1)
            w = w + w.T
            mats.append(w)
            a, b = np.triu_indices(n, 1)
            rows.append((np.full(a.size, k), a, b, w[a, b]))
        block, a, b, weight = (np.concatenate(x) for x in zip(*rows))
        rep = average_linkage_blocks(block, a, b, weight, np.zeros(weight.size, bool), n, blocks, threshold=1.0)
        for k in range(blocks):
            assert _partition(rep[k]) == _scipy_partition(mats[k], 1.0), (n, k)


def test_a_conflict_keeps_two_records_apart_whatever_joins_them():
    # 0-1 strongly linked, 1-2 strongly linked, 0-2 a conflict: 2 may join 1 only if 0 does not.
    block = np.zeros(3, int)
    a, b = np.array([0, 1, 0]), np.array([1, 2, 2])
    weight = np.array([20.0, 19.0, 5.0])
    conflict = np.array([False, False, True])
    rep = average_linkage_blocks(block, a, b, weight, conflict, 3, 1, threshold=1.0)
    assert _partition(rep[0]) == [frozenset({0, 1}), frozenset({2})]
    assert CONFLICT < -1e5


def test_pairs_not_compared_count_against_a_merge():
    # Only 0-1 compared: 2 stays alone, 0 and 1 join.
    rep = average_linkage_blocks(np.zeros(1, int), np.array([0]), np.array([1]), np.array([3.0]),
                                 np.zeros(1, bool), 3, 1, threshold=1.0)
    assert _partition(rep[0]) == [frozenset({0, 1}), frozenset({2})]
