"""One implementation per rule: a rule the scalar and the vectorised paths both apply is written
once and read by both; the parsers' "unexpected shape" rule is one decorator."""
from __future__ import annotations

import re

import polars as pl
import pytest

from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.normalize import names, text
from papertrail.pipelines.sources import acl_anthology, cassette, dblp, google_scholar_profile, orcid
from papertrail.pipelines.sources.arxiv import bulk, helpers, settings
from papertrail.pipelines.sources.base import shape_checked


@pytest.mark.parametrize("module", [acl_anthology, cassette, dblp, google_scholar_profile, orcid])
def test_parsers_report_an_unexpected_shape_through_one_decorator(module):
    assert module.parse.__wrapped__ is module._parse


def test_shape_checked_names_the_format_and_lets_parse_errors_through():
    def broken(capture):
        return {}["title"]

    with pytest.raises(ParseError) as err:
        shape_checked("orcid_works")(broken)(None)
    assert (str(err.value), err.value.reason) == ("orcid_works: unexpected structure (KeyError: 'title')",
                                                  "malformed_content")

    def refused(capture):
        raise ParseError("said so", reason="mine")

    with pytest.raises(ParseError) as err:
        shape_checked("x")(refused)(None)
    assert (str(err.value), err.value.reason) == ("said so", "mine")


def test_snapshot_rules_are_written_once_for_both_parsers():
    assert settings.PAGES.pattern == rf"(?<!{settings.PAGES_NOT_AFTER}){settings.PAGES_NUMBER}"
    assert bulk._PAGES == r"(?i)(?:^|[^\d.,/-])" + settings.PAGES_NUMBER
    assert bulk._TRUNCATED == "(?i)" + settings.TRUNCATED
    comments = ["12 pages, 3 figures", "pp. 1-20 pages", "9+3 pages", "v2: 1.5 pages", None, "no length"]
    vectorised = pl.Series(comments).str.extract(bulk._PAGES, 1).cast(pl.Int32, strict=False).to_list()
    assert vectorised == [helpers.page_count(c) for c in comments] == [12, None, 9, None, None, None]
    authors = ["A. One, B. Two et al.", "A. One, B. Two", "A. One et al. )", "Etal Person"]
    assert pl.Series(authors).str.contains(bulk._TRUNCATED).to_list() == \
        [helpers.truncated(a) for a in authors] == [True, False, True, False]


def test_name_keys_fold_with_one_pattern():
    folded = pl.select(names._ascii_fold(pl.lit("O'Brien-Smith,  J."))).item()
    assert folded == text.fold("O'Brien-Smith,  J.") == "o brien smith j"
    assert re.sub(text.NON_WORD, " ", "a.b") == "a b"


def test_page_layouts_sniff_and_parse_through_the_shared_helpers():
    from papertrail.pipelines.sources import abstract_list, aitopics, catalyzex, pages, scored_profile

    for module in (catalyzex, aitopics, abstract_list):
        assert module.parse.__qualname__ == "layout_parser.<locals>.parse"
    for module in (catalyzex, aitopics, scored_profile):
        assert module.sniff("{\n" + "Collaborating Authors\n") is False      # never a JSON answer
    assert aitopics.sniff("Jane Doe\nCollaborating Authors\n") is True
    assert pages.sniff_layout('<!doctype html><meta name="generator" content="catalyzex">', catalyzex.settings)
