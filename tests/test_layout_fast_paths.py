"""The page parsers' fast paths give exactly what the plain code they replace gives, on the
inputs where they could diverge: one css() query per field over the whole tree instead of per
card, text that skips split/join when already tidy, UTF-8 bytes handed to lexbor, the decode
kept for the parse after detection."""
from __future__ import annotations

import codecs
import importlib

import pytest
from selectolax.lexbor import LexborHTMLParser

from papertrail.pipelines.normalize import text
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import (abstract_list, aitopics, base, catalyzex, pages, registry,
                               scored_profile)
from papertrail.pipelines.sources.catalyzex import htmlform as cx_html
from tests.conftest import CAPTURED_AT, FIXTURES

PAGES = FIXTURES / "pages"
LAYOUTS = (abstract_list, aitopics, catalyzex, scored_profile)


def per_card(tree, card: str, fields: dict[str, str]) -> list:
    """The plain reading: ask every card for every field."""
    return [(node, {key: node.css(sel) for key, sel in fields.items()}) for node in tree.css(card)]


def ids(found: list) -> list:
    return [(card.mem_id, {key: [n.mem_id for n in nodes] for key, nodes in fields.items()})
            for card, fields in found]


FIELDS = {"title": ".t", "author": ".authors .a", "end": ".end"}
TRICKY = {
    # a card that is itself a title; a title outside every card, between cards and after them
    "card_matches_a_field": '<div class="c t" id="c1"><p class="end"></p></div><p class="t">out</p>'
                            '<div class="c"><p class="t">in</p></div><p class="t">after</p>',
    # the descendant combinator's ancestor sits outside the card: css() on the card still matches
    "ancestor_outside_the_card": '<div class="authors"><div class="c"><span class="a">A</span>'
                                 '</div></div><div class="c"><span class="a">B</span></div>',
    "two_titles_in_one_card": '<div class="c"><b class="t">1</b><i><b class="t">2</b></i></div>',
    "nested_cards": '<div class="c"><p class="t">outer</p><div class="c"><p class="t">inner</p>'
                    '<div class="authors"><a class="a">X</a></div></div><p class="end"></p></div>',
    "no_cards": '<p class="t">alone</p>',
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_cards_match_the_per_card_queries(name):
    tree = LexborHTMLParser(f"<html><body>{TRICKY[name]}</body></html>")
    assert ids(pages.cards(tree, "div.c", FIELDS)) == ids(per_card(tree, "div.c", FIELDS))


def test_cards_on_tricky_inputs_give_what_was_written():
    tree = LexborHTMLParser("<html><body>" + TRICKY["card_matches_a_field"] + "</body></html>")
    found = pages.cards(tree, "div.c", FIELDS)
    assert [[n.text() for n in f["title"]] for _, f in found] == [[""], ["in"]]
    assert [len(f["end"]) for _, f in found] == [1, 0]


def variants() -> dict[str, str]:
    """Each layout's HTML fixture, as saved and with its cards nested or made to match fields."""
    out = {}
    for module in LAYOUTS:
        page = (PAGES / f"{module.NAME}_page.html").read_text("utf-8")
        out[module.NAME] = page
        out[f"{module.NAME}-nested"] = page.replace("</div>\n</div>", "</div>", 1)
    out["catalyzex-card-is-title"] = out["catalyzex"].replace(
        'class="cx-paper-card"', 'class="cx-paper-card cx-paper-title"')
    out["catalyzex-cards-nested"] = out["catalyzex"].replace(
        '<div class="cx-paper-card">', '<div class="cx-paper-card"><div class="cx-paper-card">', 1)
    return out


@pytest.mark.parametrize("name", sorted(variants()))
def test_whole_parse_matches_the_per_card_queries(name, monkeypatch):
    page = variants()[name]
    capture = Capture(f"{name}.html", page.encode("utf-8"), CAPTURED_AT)
    fast = registry.parse_capture(capture)
    monkeypatch.setattr(pages, "cards", per_card)
    for module in LAYOUTS:
        monkeypatch.setattr(importlib.import_module(f"{module.__name__}.htmlform"), "cards",
                            per_card)
    slow = registry.parse_capture(Capture(f"{name}.html", page.encode("utf-8"), CAPTURED_AT))
    assert fast.format == slow.format
    assert (fast.papers, fast.profiles, fast.rejects) == (slow.papers, slow.profiles, slow.rejects)
    assert fast.papers or fast.rejects


STRINGS = ["", " ", "plain words", "  lead", "trail ", "two  spaces", "tab\there", "nl\nhere",
           "cr\rhere", "vt\x0bhere", "ff\x0chere", "fs\x1chere", "us\x1fhere", "bell\x07kept",
           "del\x7fkept", "x" * 200, "word " * 40 + "end",
           ("word " * 40 + "end").replace("d e", "d\x1ee"),
           ("a " * 100) + "\x1d", "Zoë  Martín", "Zo\u00eb\u00a0Mart\u00edn", "WÃ¼bben",
           "e\u0301", "\u2003em space", "long " * 50 + "\u00a0nbsp"]


@pytest.mark.parametrize("value", STRINGS)
def test_clean_and_squash_fast_paths_equal_split_join(value):
    assert text.clean(value) == text.squash(text.repair(value)) == (
        " ".join(text.repair(value).split()) or None)
    assert text.squash(value) == (" ".join(value.split()) or None)


def test_clean_of_none():
    assert text.clean(None) is None and text.squash(None) is None


def test_lexbor_gets_utf8_bytes_only_when_they_are_the_text():
    page = (PAGES / "catalyzex_page.html").read_text("utf-8")
    assert not page.isascii()
    expected = cx_html.read(page)
    seen = []
    real = cx_html.read

    def spy(text_, utf8=None):
        seen.append(utf8)
        return real(text_, utf8)

    for data, handed in [(page.encode("utf-8"), "bytes"),
                         (codecs.BOM_UTF8 + page.encode("utf-8"), None),
                         (page.encode("latin-1", errors="replace"), None)]:
        capture = Capture("p.html", data, CAPTURED_AT)
        decoded = base.decode(capture)
        seen.clear()
        form = type("HtmlForm", (), {"read": staticmethod(spy)})
        header, blocks, cut = pages.read_page(capture, decoded, form, None)
        assert (seen[0] is not None) == (handed == "bytes")
        if handed:
            assert seen[0] is data
            assert (header, [{k: v for k, v in b.items() if k != "raw"} for b in blocks], cut) == (
                expected[0], [{k: v for k, v in b.items() if k != "raw"} for b in expected[1]],
                expected[2])


def test_decode_is_kept_for_the_same_capture_only():
    first = Capture("a.html", "Zoë".encode("utf-8"), CAPTURED_AT)
    again = Capture("b.html", "Zoë".encode("latin-1"), CAPTURED_AT)
    assert base.decode(first) == "Zoë"
    assert base.decode(first) is base.decode(first)
    assert base.decode(again) == "Zoë"  # Latin-1 fallback, not the text remembered before
    with pytest.raises(base.EmptyCapture):
        base.decode(Capture("c.html", b"  ", CAPTURED_AT))
