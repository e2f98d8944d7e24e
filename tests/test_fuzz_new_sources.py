"""Fuzzing the author-page, dblp, ORCID and cassette parsers with mutations of the real samples
in ../shared/realdata (read at run time, never copied into the repository): every parse raises
nothing but ParseError, and the registry never raises. Same mutations as test_fuzz_parsers."""
from __future__ import annotations

import importlib
from functools import lru_cache

import pytest
from hypothesis import given, strategies as st

from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.sources.registry import parse_capture
from tests.conftest import SHARED
from tests.test_fuzz_parsers import MARKUP, SEED_CAP, capture

MODULES = ("papertrail.pipelines.sources.google_scholar_profile", "papertrail.pipelines.sources.acl_anthology",
           "papertrail.pipelines.sources.dblp", "papertrail.pipelines.sources.orcid", "papertrail.pipelines.sources.cassette",
           "papertrail.pipelines.sources.html_page")
FOLDERS = ("author_pages", "dblp", "orcid")


@lru_cache(maxsize=1)
def real_documents() -> tuple[bytes, ...]:
    docs = []
    for sub in FOLDERS:
        for path in sorted((SHARED / "realdata" / sub).rglob("*")):
            if path.is_file() and path.suffix not in (".md", ".tsv"):
                data = path.read_bytes()
                docs.append(data[:SEED_CAP])
                if len(data) > SEED_CAP:  # the Scholar profile table sits ~46 KB in
                    docs.append(data[len(data) // 3: len(data) // 3 + SEED_CAP])
    return tuple(docs)


@st.composite
def mutated(draw) -> bytes:
    doc = bytearray(draw(st.sampled_from(real_documents())))
    for _ in range(draw(st.integers(1, 4))):
        n = len(doc)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 2000)))
        op = draw(st.sampled_from(["truncate", "delete", "repeat", "markup", "random"]))
        if op == "truncate":
            del doc[i:]
        elif op == "delete":
            del doc[i:j]
        elif op == "repeat":
            doc[i:i] = doc[i:j] * draw(st.integers(1, 3))
        elif op == "markup":
            doc[i:j] = draw(st.sampled_from(MARKUP))
        else:
            doc[i:i] = draw(st.binary(max_size=40))
    return bytes(doc)


@pytest.fixture(autouse=True)
def _needs_samples(realdata_dir):
    return realdata_dir


@pytest.mark.parametrize("name", MODULES)
@given(content=mutated())
def test_parser_raises_only_parse_errors(name, content):
    module = importlib.import_module(name)
    try:
        module.parse(capture(content)).to_arrow()
    except ParseError:
        pass


@given(content=mutated())
def test_registry_never_raises(content):
    parse_capture(capture(content)).to_arrow()
