"""One wide column of the parsed records (the abstracts), read a piece at a time instead of held
whole. Resolution needs only keys derived from it and, at the end, the winning values: at 10^6
snapshot records the abstracts alone are ~0.8 GB, half of the parsed frame."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import polars as pl
import pyarrow.parquet as pq


class WideColumn:
    """A column as pieces in record order; `positions` picks (and orders) the records that count,
    so a filtered frame's row i is the column's row positions[i]."""

    def __init__(self, name: str, piece_rows: Sequence[int], read_piece: Callable[[int], pl.Series],
                 positions: np.ndarray | None = None, workers: int = 1) -> None:
        self.name = name
        self._starts = np.concatenate([[0], np.cumsum(piece_rows, dtype=np.int64)])
        self._read_piece = read_piece
        self._positions = positions
        self._workers = workers

    @classmethod
    def of_frame(cls, frame: pl.DataFrame, name: str, piece_rows: int | None = None, workers: int = 1) -> "WideColumn":
        """A column already in memory, in zero-copy slices of `piece_rows` (default: one piece):
        derived columns are then built a slice at a time, on `workers` threads."""
        series = frame[name]
        step = piece_rows or max(series.len(), 1)
        rows = [min(step, series.len() - start) for start in range(0, series.len(), step)] or [0]
        return cls(name, rows, lambda i: series.slice(i * step, step), workers=workers)

    @classmethod
    def of_parquet(cls, files: Sequence[Path], name: str, workers: int = 2) -> "WideColumn":
        # polars releases the GIL while it decodes and folds, so two threads use both cores
        rows = [pq.read_metadata(f).num_rows for f in files]
        return cls(name, rows, lambda i: pl.read_parquet(files[i], columns=[name])[name], workers=workers)

    @property
    def height(self) -> int:
        return int(self._starts[-1]) if self._positions is None else len(self._positions)

    def subset(self, keep: pl.Series) -> "WideColumn":
        """The rows where the boolean `keep` (one per current row) is true."""
        chosen = np.flatnonzero(keep.to_numpy())
        positions = chosen if self._positions is None else self._positions[chosen]
        return WideColumn(self.name, np.diff(self._starts), self._read_piece, positions, self._workers)

    def map_pieces(self, derive: Callable[[pl.Series], pl.DataFrame]) -> pl.DataFrame:
        """`derive` on each piece (the column's values in row order), the results stacked in
        current row order. Only one or two pieces are in memory at a time."""
        def one(i: int) -> pl.DataFrame:
            return derive(self._read_piece(i).alias(self.name))

        pieces = range(len(self._starts) - 1)
        if self._workers > 1 and len(pieces) > 1:
            with ThreadPoolExecutor(self._workers) as pool:
                derived = list(pool.map(one, pieces))
        else:
            derived = [one(i) for i in pieces]
        whole = pl.concat(derived) if derived else derive(pl.Series(self.name, [], pl.String))
        return whole if self._positions is None else whole[pl.Series(self._positions)]

    def gather(self, rows: pl.Series) -> pl.Series:
        """Values at the current rows `rows` (nulls stay null), in that order."""
        present = rows.is_not_null().to_numpy()
        at = rows.fill_null(0).cast(pl.Int64).to_numpy().copy()
        if self._positions is not None:
            at[present] = self._positions[at[present]]
        piece = np.searchsorted(self._starts, at, side="right") - 1
        out: list[pl.Series] = []
        order: list[np.ndarray] = []
        for i in np.unique(piece[present]):
            hit = np.flatnonzero(present & (piece == i))
            values = self._read_piece(int(i))
            out.append(values.gather(pl.Series(at[hit] - self._starts[i])))
            order.append(hit)
        missing = np.flatnonzero(~present)
        if missing.size:
            out.append(pl.Series(self.name, [None] * missing.size, dtype=pl.String))
            order.append(missing)
        if not out:
            return pl.Series(self.name, [], dtype=pl.String)
        stacked = pl.concat(out)
        return stacked.gather(pl.Series(np.argsort(np.concatenate(order), kind="stable"))).alias(self.name)
