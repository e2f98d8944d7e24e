"""Connected components over shared keys, and the dense key codes they are built on."""
from __future__ import annotations

import polars as pl

from papertrail.pipelines.resolve.keys import components, dense_codes


def test_components_label_each_record_with_the_smallest_index_of_its_chain():
    edges = pl.DataFrame({"idx": [5, 3, 3, 1, 1, 6, 0], "key": ["a", "a", "b", "b", "c", "d", "x"]},
                         schema={"idx": pl.UInt32, "key": pl.String})
    # 5-a-3-b-1-c chains {1, 3, 5}; 6 and 0 keep their own keys; 2 and 4 have no key at all.
    assert components(edges, 7).to_list() == [0, 1, 2, 1, 4, 1, 6]
    assert components(edges.clear(), 3).to_list() == [0, 1, 2]


def test_dense_codes_are_one_code_per_distinct_key_even_when_hashes_collide(monkeypatch):
    keys = pl.Series(["name:b", "name:a", "name:b", "at:c", "name:a"])
    expected = [2, 1, 2, 0, 1]  # the order of the strings themselves
    codes = dense_codes(keys).tolist()
    assert sorted(set(codes)) == [0, 1, 2]
    assert [codes.index(c) for c in codes] == [0, 1, 0, 3, 1]
    # Every key hashing alike must not merge them: the string check catches it.
    monkeypatch.setattr(pl.Series, "hash", lambda self, *a, **k: pl.Series([7] * len(self), dtype=pl.UInt64))
    assert dense_codes(keys).tolist() == expected
