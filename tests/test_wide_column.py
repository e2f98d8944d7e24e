"""WideColumn: a parsed column read a Parquet file at a time gives the values a whole frame would."""
from __future__ import annotations

import polars as pl

from papertrail.pipelines.resolve.columns import WideColumn


def _column(tmp_path) -> tuple[WideColumn, list]:
    values = ["a", None, "ccc", "dddd", "eeeee", None, "ggggggg"]
    files = []
    for i, (lo, hi) in enumerate(((0, 3), (3, 4), (4, 7))):
        path = tmp_path / f"part{i}.parquet"
        pl.DataFrame({"abstract": values[lo:hi], "other": list(range(lo, hi))}).write_parquet(path)
        files.append(path)
    return WideColumn.of_parquet(files, "abstract"), values


def test_gather_reads_across_files_in_the_asked_order_with_nulls(tmp_path):
    column, values = _column(tmp_path)
    rows = pl.Series([6, 0, None, 3, 1, 4], dtype=pl.UInt32)
    assert column.gather(rows).to_list() == ["ggggggg", "a", None, "dddd", None, "eeeee"]
    assert column.height == 7


def test_subset_renumbers_rows_and_map_pieces_follows_it(tmp_path):
    column, values = _column(tmp_path)
    kept = column.subset(pl.Series([v is not None for v in values]))
    assert kept.height == 5
    assert kept.gather(pl.Series([4, 0, 2], dtype=pl.UInt32)).to_list() == ["ggggggg", "a", "dddd"]
    lengths = kept.map_pieces(lambda s: s.str.len_chars().alias("n").to_frame())
    assert lengths["n"].to_list() == [1, 3, 4, 5, 7]
    whole = column.map_pieces(lambda s: s.is_null().alias("missing").to_frame())
    assert whole["missing"].to_list() == [False, True, False, False, False, True, False]


def test_a_frame_column_in_slices_gives_the_whole_columns_result():
    frame = pl.DataFrame({"title": [f"t{i}" * (i % 4) or None for i in range(11)]})
    sliced = WideColumn.of_frame(frame, "title", piece_rows=3, workers=2)
    derived = sliced.map_pieces(lambda s: s.str.len_chars().alias("n").to_frame())
    assert derived["n"].to_list() == frame["title"].str.len_chars().to_list()
    assert sliced.gather(pl.Series([10, 0, 5], dtype=pl.UInt32)).to_list() == [frame["title"][10], None, frame["title"][5]]
