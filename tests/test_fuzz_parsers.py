"""Property-based fuzzing of every parser and normaliser (hypothesis).

Inputs are random bytes and text, and mutations of real documents (the fixtures in
tests/fixtures/ and pages rendered by the demo corpus): truncation, deleted or repeated slices,
inserted junk, swapped markup characters. Every parser module's parse() must raise nothing but
ParseError subclasses, registry.parse_capture must never raise, normalisers never on any text.

Examples per property: HYPOTHESIS_PROFILE=ci (default here, 40) or bench/fuzz.py (10,000).
"""
import importlib
import os
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.normalize import dates, ids, names, text, topics
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.registry import FORMAT_MODULES, parse_capture

FIXTURES = Path(__file__).parent / "fixtures"
WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SEED_CAP = 24_000  # bytes of each seed document kept: mutations stay fast, structure survives

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("bench", max_examples=10_000, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@lru_cache(maxsize=1)
def seed_documents() -> tuple[bytes, ...]:
    docs = [p.read_bytes() for p in sorted(FIXTURES.rglob("*")) if p.is_file()]
    from papertrail.pipelines.demo.corpus import write_demo_captures
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        root = write_demo_captures(Path(tmp))
        docs += [p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()]
    return tuple(d[:SEED_CAP] for d in docs)


MARKUP = [b"<", b">", b"&", b'"', b"{", b"}", b"[", b"]", b",", b":", b"\n", b"\x00", b"\xff",
          b"<!ENTITY x 'y'>", b"&x;", b"</entry>", b"null", b"-1", b"9" * 30, "é".encode(),
          "\u202e".encode(), b"\r\n", b"\\", b"'"]


@st.composite
def mutated(draw) -> bytes:
    doc = bytearray(draw(st.sampled_from(seed_documents())))
    for _ in range(draw(st.integers(1, 4))):
        n = len(doc)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 2000)))
        op = draw(st.sampled_from(["truncate", "delete", "insert", "repeat", "markup", "random"]))
        if op == "truncate":
            del doc[i:]
        elif op == "delete":
            del doc[i:j]
        elif op == "insert":
            doc[i:i] = draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
        elif op == "repeat":
            doc[i:i] = doc[i:j] * draw(st.integers(1, 3))
        elif op == "markup":
            doc[i:j] = draw(st.sampled_from(MARKUP))
        else:
            doc[i:i] = draw(st.binary(max_size=40))
    return bytes(doc)


documents = st.one_of(mutated(), st.binary(max_size=2000),
                      st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")))


def capture(content: bytes) -> Capture:
    return Capture(capture="fuzz://input", content=content, captured_at=WHEN)


def check_parser(module_name: str, content: bytes) -> None:
    module = importlib.import_module(module_name)
    try:
        module.parse(capture(content))
    except ParseError:
        pass  # a typed, reasoned refusal is the right answer to garbage


def check_registry(content: bytes) -> None:
    batch = parse_capture(capture(content))
    assert batch.papers or batch.profiles or batch.rejects or batch.counts_by_year or \
        batch.topic_labels or batch.format is not None


def check_normalisers(s: str) -> None:
    for fn in (text.squash, text.repair, text.detex, text.clean, text.fold, ids.arxiv_id, ids.doi,
               names.display_name, names.name_key, names.name_parts, names.is_bare_name,
               names.is_initials_form, topics.is_known, topics.arxiv_code, dates.iso_date):
        fn(s)
    try:  # documented: ValueError naming the text when it is not a page date
        dates.page_date(s, date(2026, 11, 23))
    except ValueError:
        pass
    dates.date_parts([[s, s, s]])


@pytest.mark.parametrize("module_name", FORMAT_MODULES)
def test_parser_raises_only_parse_errors(module_name):
    given(documents)(lambda content: check_parser(module_name, content))()


@given(documents)
def test_registry_never_raises(content):
    check_registry(content)


@given(st.text(max_size=300))
@example("2200000000")  # found by bench/fuzz.py: date_parts overflowed C int (fixed)
@example("Feb 30")  # found by hypothesis: page_date stepped back through the years forever (fixed)
def test_normalisers_never_raise(s):
    check_normalisers(s)


@given(st.sampled_from(["Feb", "Jan", "Apr", "Sep"]), st.integers(0, 99))
def test_page_date_impossible_days_are_value_errors(month, day):
    try:
        dates.page_date(f"{month} {day}", date(2026, 11, 23))
    except ValueError as err:
        assert repr(f"{month} {day}") in str(err) or "day" in str(err)
