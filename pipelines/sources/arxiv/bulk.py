"""The arXiv metadata snapshot, vectorised: a chunk of JSON Lines -> the record schema's tables.

Same records as `snapshot.parse_lines` (tests/test_bulk_snapshot.py checks it line for line on the
real sample), but built with polars expressions over a whole chunk. Python runs only for the
values that need it, found with vectorised tests: non-ASCII or TeX text (mojibake repair, accent
decoding), odd dates or identifiers, author strings with parenthesised affiliations, and whole
lines the fast path cannot vouch for (those go through `snapshot.parse_lines` unchanged).

One known difference: polars reads a JSON number where the snapshot has a string as its text
(the line parser quarantines it), and a key written twice keeps its first value (json: the last).
"""
from __future__ import annotations

import io
from functools import lru_cache

import polars as pl
import pyarrow as pa

from ...normalize import ids
from ...normalize.dates import MONTHS
from ...normalize.topics import arxiv_taxonomy
from ...records import PAPERS, PAYLOAD_LIMIT, REJECTS, SCHEMAS, TOPIC_LABELS, Capture
from . import helpers as h
from . import settings
from . import snapshot

NAME = snapshot.NAME
JSON_SCHEMA = {
    "id": pl.String, "authors": pl.String, "title": pl.String, "comments": pl.String,
    "journal-ref": pl.String, "doi": pl.String, "categories": pl.String, "abstract": pl.String,
    "versions": pl.List(pl.Struct({"created": pl.String})),
    "authors_parsed": pl.List(pl.List(pl.String)),
}
_WS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f "  # what str.split() splits ASCII text on
# only runs that are not already one space: most gaps between words need no rewrite
_WS_RUN = r"[\t\n\r\x0b\x0c\x1c-\x1f][\t\n\r\x0b\x0c\x1c-\x1f ]*| [\t\n\r\x0b\x0c\x1c-\x1f ]+"
_NEEDS_PY_TEXT = r"[^\x00-\x7f]|\\"  # mojibake repair / TeX accents: leave to helpers.tex_text
_RFC822 = r"^[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) "
_NEW_ID, _OLD_ID = r"^\d{4}\.\d{4,5}$", r"^[a-z][a-z-]+(?:\.[A-Z]{2})?/\d{7}$"
_DOI = r"^10\.[0-9]{4,9}/[\x21-\x7e]+$"
# settings.PAGES without its look-behind (polars' regex has none): the excluded characters are
# matched, not looked at, which finds the same numbers.
_PAGES = rf"(?i)(?:^|[^{settings.PAGES_NOT_AFTER[1:-1]}]){settings.PAGES_NUMBER}"
_TRUNCATED = rf"(?i){settings.TRUNCATED}"


@lru_cache(maxsize=1)
def _polars_schema(table: str) -> dict[str, pl.DataType]:
    return dict(pl.from_arrow(SCHEMAS[table].empty_table()).schema)


def parse_chunk(data: bytes, capture: Capture, start: int = 0, whole: bool = False) -> dict[str, pl.DataFrame]:
    """Lines `start`.. of a snapshot file (complete lines, UTF-8) -> {"papers", "topic_labels",
    "rejects"} frames in line order. What polars cannot read goes to the line parser: the whole
    capture's own parser when `whole` (data is the entire file, decoded as snapshot.parse does)."""
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    try:
        raw = pl.read_ndjson(io.BytesIO(data), schema=JSON_SCHEMA)
        if raw.height != n_lines:  # blank lines: polars skips them, record refs count them
            raise ValueError("blank lines")
    except Exception:  # malformed JSON, a non-object line, bad UTF-8: the line parser says which
        if whole:
            return frames_of(snapshot.parse(Capture(capture.capture, data, capture.captured_at, capture.sha256)))
        return frames_of(snapshot.parse_lines(data.splitlines(), capture, start))
    raw = raw.with_row_index("line", offset=start).with_columns(pl.col("line").cast(pl.Int64))
    odd = _odd(raw)
    line_of = _lazy_lines(data, start)
    if not odd.any():
        return {t: f.drop("_line") for t, f in _vectorised(raw, capture, line_of).items()}
    numbers = raw["line"].filter(odd).to_list()
    slow = snapshot.parse_lines([], capture)
    for number in numbers:
        slow.extend(snapshot.parse_lines([line_of(number)], capture, number))
    fast = _vectorised(raw.filter(~odd), capture, line_of)
    slow_frames = frames_of(slow, keep_line=True)
    return {t: pl.concat([fast[t], slow_frames[t]]).sort("_line", maintain_order=True).drop("_line")
            for t in fast}


def frames_of(batch, keep_line: bool = False) -> dict[str, pl.DataFrame]:
    out = {}
    for table in ("papers", "topic_labels", "rejects"):
        frame = pl.from_arrow(batch.to_arrow()[table])
        if keep_line:
            frame = frame.with_columns(pl.col("record_ref").str.split(":").list.last().cast(pl.Int64).alias("_line"))
        out[table] = frame
    return out


def _lazy_lines(data: bytes, start: int):
    cache: list = []

    def line(i: int) -> bytes:
        if not cache:
            cache.append(data.split(b"\n"))
        return cache[0][i - start].rstrip(b"\r")
    return line


def _odd(raw: pl.DataFrame) -> pl.Series:
    """Lines whose shape the line parser turns into a malformed_record (or odd names): a null
    version, an empty/short/null author entry, more than [last, first, suffix]."""
    parts = pl.col("authors_parsed")
    inner = parts.list.eval(pl.element().list.len().is_between(2, 3)
                            & pl.element().list.eval(pl.element().is_null()).list.any().not_()
                            & pl.element().is_not_null())
    return raw.select(
        (pl.col("versions").list.len() > 0) & pl.col("versions").list.first().is_null()
        | (inner.list.all().not_() & parts.list.len().gt(0)).fill_null(False)
    ).to_series()


def _squash(col: pl.Expr) -> pl.Expr:
    """helpers.text for ASCII text: whitespace runs to one space, trimmed, empty -> null."""
    out = col.str.replace_all(_WS_RUN, " ").str.strip_chars(_WS)
    return pl.when(out.str.len_bytes() > 0).then(out)


def _patch(raw: pl.DataFrame, fast: pl.Expr, needs: pl.Expr, source: str, fn, name: str) -> pl.Series:
    """`fast` for every row, then `fn(value)` (Python) only on the rows where `needs` holds."""
    out = raw.select(fast.alias(name)).to_series()
    where = raw.select(pl.arg_where(needs.fill_null(False))).to_series()
    if not where.len():
        return out
    values = pl.Series(name, [fn(v) for v in raw[source].gather(where).to_list()], dtype=out.dtype)
    return _scatter(out, where, values)


def _scatter(out: pl.Series, where: pl.Series, values: pl.Series) -> pl.Series:
    """Series.scatter, also for nested types (which polars' scatter does not take)."""
    if not out.dtype.is_nested():
        return out.scatter(where, values)
    patch = pl.DataFrame({"_i": where.cast(pl.UInt32), "_v": values})
    return (pl.DataFrame({"_v0": out}).with_row_index("_i").join(patch, on="_i", how="left", maintain_order="left")
            .select(pl.when(pl.col("_i").is_in(where.cast(pl.UInt32).implode())).then(pl.col("_v"))
                    .otherwise(pl.col("_v0")).alias(out.name)).to_series())


def _needs_py(col: str) -> pl.Expr:
    """Non-ASCII (mojibake repair) or a backslash (TeX): byte and char lengths differ exactly
    when a string has non-ASCII characters, which is cheaper than a regex over abstracts."""
    return (pl.col(col).str.len_bytes() != pl.col(col).str.len_chars()) | pl.col(col).str.contains("\\", literal=True)


def _text(raw: pl.DataFrame, col: str, fn=h.tex_text) -> pl.Series:
    return _patch(raw, _squash(pl.col(col)), _needs_py(col), col, fn, col)


def _venue(value: str | None) -> str | None:
    return h.text(h.tex_text(value)) or settings.VENUE


def _vectorised(raw: pl.DataFrame, capture: Capture, line_of) -> dict[str, pl.DataFrame]:
    created = pl.col("versions").list.first().struct.field("created")
    parts = created.str.extract_groups(_RFC822)
    day = pl.concat_str(parts.struct.field("3"), parts.struct.field("2").str.to_lowercase()
                        .replace_strict(MONTHS, default=None, return_dtype=pl.String).str.zfill(2),
                        parts.struct.field("1").str.zfill(2), separator="-").str.to_date("%Y-%m-%d", strict=False)
    raw = raw.with_columns(pl.col("versions").list.first().struct.field("created").alias("_created"))
    cols = {
        "title": _text(raw, "title"),
        "abstract": _text(raw, "abstract"),
        "published_on": _patch(raw, day, ~created.str.contains(_RFC822) & created.is_not_null(), "_created",
                               h.rfc822_day, "published_on"),
        "arxiv_id": _patch(raw, pl.col("id"), ~pl.col("id").str.contains(_NEW_ID + "|" + _OLD_ID)
                           | pl.col("id").is_null(), "id", ids.arxiv_id, "arxiv_id"),
        "doi": _patch(raw, pl.when(pl.col("doi").str.len_bytes() > 0).then(
                          pl.col("doi").str.to_lowercase().str.strip_chars_end(".,;)")),
                      ~pl.col("doi").str.contains(_DOI), "doi", ids.doi, "doi"),
        "venue": _patch(raw, _squash(pl.col("journal-ref")).fill_null(settings.VENUE),
                        pl.col("journal-ref").str.contains(_NEEDS_PY_TEXT), "journal-ref", _venue, "venue"),
        "topics": _patch(raw, pl.col("categories").fill_null("").str.extract_all(r"[^ ]+").list.unique(maintain_order=True),
                         ~pl.col("categories").str.contains(r"^[\x21-\x7e ]*$"), "categories", h.categories, "topics"),
        "authors_truncated": raw.select((pl.col("authors").str.contains("al", literal=True)
                                         & pl.col("authors").str.contains(_TRUNCATED)).fill_null(False)).to_series(),
    }
    page = pl.col("comments").str.extract(_PAGES, 1).cast(pl.Int32, strict=False)
    cols["page_count"] = _patch(raw, pl.when((page > 0) & (page <= settings.MAX_PAGES)).then(page),
                                pl.col("comments").str.contains(r"[^\x00-\x7f]"), "comments", h.page_count, "page_count")
    frame = raw.select("line", "authors", "authors_parsed").with_columns(**cols).with_columns(_topics_with_archive())
    frame = frame.with_columns(authors=_authors(frame))

    keep = (pl.col("title").is_not_null() | pl.col("abstract").is_not_null()) & pl.col("arxiv_id").is_not_null()
    ref = pl.lit(capture.sha256[:16] + ":") + pl.col("line").cast(pl.String)
    papers = frame.filter(keep).select(
        ref.alias("record_ref"), pl.lit(NAME).alias("source"), pl.lit(capture.capture).alias("capture"),
        pl.lit(capture.captured_at).alias("captured_at"), "title", "abstract", "published_on",
        pl.when(pl.col("published_on").is_not_null()).then(pl.lit("day")).alias("date_precision"),
        "arxiv_id", "doi", pl.col("topics").list.first().alias("primary_topic"), "topics", "venue",
        "page_count", "authors", "authors_truncated", pl.col("line").alias("_line"))
    papers = _conform(papers, "papers")
    return {"papers": papers, "topic_labels": _topic_labels(papers), "rejects": _rejects(frame, capture, line_of)}


def _topics_with_archive() -> pl.Expr:
    """helpers.add_paper: a paper with no categories gets its old-style id's archive, if any."""
    archive = pl.col("arxiv_id").str.split("/").list.first().str.split(".").list.first()
    use = (pl.col("topics").list.len() == 0) & pl.col("arxiv_id").str.contains("/", literal=True) \
        & archive.is_in(sorted(h._archives()))
    return pl.when(use.fill_null(False)).then(pl.concat_list(archive)).otherwise(pl.col("topics")).alias("topics")


def _authors(frame: pl.DataFrame) -> pl.Series:
    """snapshot._authors, vectorised for the usual line: authors_parsed present and the raw
    string without parentheses. Names needing TeX or mojibake work go through helpers.person
    (once per distinct spelling); the rest of the lines use snapshot._authors itself."""
    dtype = pl.List(_polars_schema("papers")["authors"].inner)
    slow = (pl.col("authors_parsed").list.len().fill_null(0) == 0) | pl.col("authors").fill_null("").str.contains("(", literal=True)
    flags = frame.select(slow.alias("slow"))["slow"]
    fast = frame.filter(~flags).select("line", "authors_parsed").explode("authors_parsed").drop_nulls("authors_parsed")
    first = pl.col("authors_parsed").list.get(1, null_on_oob=True).fill_null("").str.replace_all(". -", ".-", literal=True)
    last = pl.col("authors_parsed").list.get(0)
    suffix = pl.col("authors_parsed").list.get(2, null_on_oob=True).fill_null("")
    raw_name = (pl.when(suffix != "").then(pl.concat_str(first, last, suffix, separator=" "))
                .when(first != "").then(pl.concat_str(first, last, separator=" ")).otherwise(last))
    names = fast.select("line", raw_name.alias("raw"))
    needs = pl.col("raw").str.contains(r"[^\x00-\x7f]|[\\{]")
    distinct = names.filter(needs)["raw"].unique()
    mapping = pl.DataFrame({"raw": distinct, "py": [h.person(v) for v in distinct.to_list()]},
                           schema={"raw": pl.String, "py": pl.String})
    names = (names.join(mapping, on="raw", how="left", maintain_order="left")
             .with_columns(pl.when(needs).then(pl.col("py")).otherwise(_squash(pl.col("raw"))).alias("name"))
             .drop_nulls("name"))
    lists = (names.with_columns((pl.int_range(pl.len()).over("line") + 1).cast(pl.Int32).alias("position"))
             .group_by("line", maintain_order=True)
             .agg(pl.struct("name", "position", pl.lit([], pl.List(pl.String)).alias("affiliations"),
                            pl.lit(None, pl.String).alias("orcid"),
                            pl.lit(None, pl.String).alias("source_author_id")).alias("authors")))
    out = frame.select("line").join(lists, on="line", how="left", maintain_order="left")["authors"].cast(dtype)
    where = flags.arg_true()
    if where.len():
        rows = frame.select("authors", "authors_parsed")[where]
        values = [snapshot._authors(r) for r in rows.iter_rows(named=True)]
        out = _scatter(out, where, pl.Series(values, dtype=dtype))
    return out.fill_null(pl.lit([], dtype))


def _rejects(frame: pl.DataFrame, capture: Capture, line_of) -> pl.DataFrame:
    """helpers.add_paper's two reasons, with the raw line as payload."""
    no_text = frame.filter(pl.col("title").is_null() & pl.col("abstract").is_null())["line"].to_list()
    no_id = frame.filter((pl.col("title").is_not_null() | pl.col("abstract").is_not_null())
                         & pl.col("arxiv_id").is_null())["line"].to_list()
    rows = [(i, f"missing_title_and_abstract: record {i} has neither a title nor an abstract") for i in no_text]
    rows += [(i, f"missing_arxiv_id: record {i} has no arXiv identifier") for i in no_id]
    rows.sort()
    table = {"stage": [], "source": [], "capture": [], "record_ref": [], "reason": [], "payload": [], "_line": []}
    for i, reason in rows:
        table["stage"].append("parse")
        table["source"].append(NAME)
        table["capture"].append(capture.capture)
        table["record_ref"].append(capture.ref(i))
        table["reason"].append(reason)
        table["payload"].append(line_of(i).decode("utf-8", "replace")[:PAYLOAD_LIMIT])
        table["_line"].append(i)
    return pl.DataFrame(table, schema={**_polars_schema("rejects"), "_line": pl.Int64})


def _topic_labels(papers: pl.DataFrame) -> pl.DataFrame:
    taxonomy = arxiv_taxonomy()
    rows = papers.select("record_ref", "_line", pl.col("topics").alias("topic")).explode("topic").drop_nulls("topic")
    labels = pl.DataFrame({"topic": list(taxonomy), "label": list(taxonomy.values())},
                          schema={"topic": pl.String, "label": pl.String})
    out = rows.join(labels, on="topic", how="left", maintain_order="left").select(
        "record_ref", "topic", "label", pl.lit(settings.TOPIC_SCHEME).alias("scheme"),
        pl.when(pl.col("topic").str.contains(".", literal=True))
        .then(pl.col("topic").str.split(".").list.first()).alias("parent"),
        pl.lit(None, pl.Float64).alias("score"), "_line")
    return _conform(out, "topic_labels")


def _conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Every column of the record schema, in its order and type (nulls where a snapshot has none)."""
    schema = _polars_schema(table)
    return frame.select(*[(pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
                          for c, t in schema.items()], "_line")


def to_arrow(frames: dict[str, pl.DataFrame]) -> dict[str, pa.Table]:
    """Frames as tables of exactly the record schema (for comparing with ParsedBatch.to_arrow())."""
    return {t: f.drop("_line", strict=False).to_arrow().cast(SCHEMAS[t]) for t, f in frames.items()}


__all__ = ["parse_chunk", "to_arrow", "JSON_SCHEMA", "PAPERS", "REJECTS", "TOPIC_LABELS"]
