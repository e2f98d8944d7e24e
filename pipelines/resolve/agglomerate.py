"""Average-linkage clustering (UPGMA) of many small blocks at once.

People are clustered within each name, and most names have a handful of signatures: tens of
thousands of tiny problems. One scipy call per name spent most of resolution's time in Python
overhead, so blocks of the same size are stacked into one (blocks, n, n) array and merged
together, one merge per block per step: the closest pair (highest average weight) of every
block whose best pair still reaches the threshold, rows updated by the size-weighted average
(exactly UPGMA's update). The result is the partition scipy's `linkage(method="average")` cut at
that height gives, up to the order of exact ties.
"""
from __future__ import annotations

import numpy as np

# A pair not compared (outside the block's candidate pairs) counts as this weight, a conflict as
# CONFLICT: no average of ordinary weights undoes it.
MISSING, CONFLICT, CAP = -10.0, -1e6, 40.0
CELLS_PER_BATCH = 4_000_000


def average_linkage_blocks(block: np.ndarray, a: np.ndarray, b: np.ndarray, weight: np.ndarray,
                           conflict: np.ndarray, n: int, blocks: int, threshold: float) -> np.ndarray:
    """Pairs (block number, local a, local b, weight, conflict) of `blocks` blocks of n records
    each -> (blocks, n) local representative of every record's cluster."""
    rep = np.tile(np.arange(n), (blocks, 1))
    step = max(1, CELLS_PER_BATCH // (n * n))
    order = np.argsort(block, kind="stable")
    block, a, b, weight, conflict = block[order], a[order], b[order], weight[order], conflict[order]
    starts = np.searchsorted(block, np.arange(0, blocks + step, step))
    for k, lo in enumerate(range(0, blocks, step)):
        hi = min(lo + step, blocks)
        s, e = starts[k], starts[k + 1]
        rep[lo:hi] = _merge(block[s:e] - lo, a[s:e], b[s:e], weight[s:e], conflict[s:e], n, hi - lo, threshold)
    return rep


def _merge(block, a, b, weight, conflict, n, count, threshold):
    w = np.full((count, n, n), MISSING)
    value = np.where(conflict, CONFLICT, np.minimum(weight, CAP))
    w[block, a, b] = value
    w[block, b, a] = value
    idx = np.arange(n)
    w[:, idx, idx] = -np.inf
    size = np.ones((count, n))
    rep = np.tile(idx, (count, 1))
    live = np.arange(count)
    for _ in range(n - 1):
        flat = w[live].reshape(len(live), n * n)
        best = flat.argmax(axis=1)
        go = flat[np.arange(len(live)), best] >= threshold
        live, best = live[go], best[go]
        if live.size == 0:
            break
        i, j = np.divmod(best, n)
        keep, gone = np.minimum(i, j), np.maximum(i, j)
        sk, sg = size[live, keep], size[live, gone]
        merged = (sk[:, None] * w[live, keep] + sg[:, None] * w[live, gone]) / (sk + sg)[:, None]
        w[live, keep] = merged
        w[live, :, keep] = merged
        w[live, gone] = -np.inf
        w[live, :, gone] = -np.inf
        w[live, keep, keep] = -np.inf
        size[live, keep] = sk + sg
        moved = rep[live] == gone[:, None]
        rep[live] = np.where(moved, keep[:, None], rep[live])
    return rep
