"""No author-page layout claims any real API sample (arXiv Atom/OAI/.abs, snapshot JSON Lines,
OpenAlex, S2, Crossref, Scholar) — the heads are read once and offered to every layout."""
from __future__ import annotations

from pathlib import Path

from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import abstract_list, aitopics, catalyzex, scored_profile
from papertrail.pipelines.sources.base import HEAD_CHARS, decode
from tests.conftest import CAPTURED_AT

LAYOUTS = (abstract_list, aitopics, catalyzex, scored_profile)


def test_no_layout_claims_a_real_api_sample(realdata_dir: Path):
    heads = 0
    accepted = []
    for path in sorted(p for p in realdata_dir.rglob("*") if p.is_file()):
        try:
            head = decode(Capture(str(path), path.read_bytes()[:16384], CAPTURED_AT))[:HEAD_CHARS]
        except ParseError:  # empty or binary files are no page of any layout
            continue
        heads += 1
        accepted += [(layout.NAME, path.name) for layout in LAYOUTS if layout.sniff(head)]
    assert heads > 1300
    assert accepted == []
