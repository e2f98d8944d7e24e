"""Every fetch source's folder owns its defaults, pace, section of papertrail.yaml, paging and the
priority of its record formats (OpenAlex was the model): config, the fetch plans, the fetch
partitions and resolution read them from there, so a new source is its folder plus one registry
line."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from papertrail.assets.partitions import SOURCE_ORDER, pool_for
from papertrail.pipelines.config import SECTIONS, SOURCES, HostLimit, parse_config
from papertrail.pipelines.resolve.settings import SOURCE_PRIORITY
from papertrail.pipelines.sources import registry
from papertrail.pipelines.sources.arxiv.paging import ArxivQueryPlan
from papertrail.pipelines.sources.author_pages.paging import AuthorPagePlan
from papertrail.pipelines.sources.crossref.paging import CrossrefWorksPlan
from papertrail.pipelines.sources.dblp.paging import DblpPersonPlan
from papertrail.pipelines.sources.fetch_plans import plans_for_config
from papertrail.pipelines.sources.openalex import paging, settings
from papertrail.pipelines.sources.orcid.paging import OrcidPlan
from papertrail.pipelines.sources.semanticscholar.paging import S2AuthorPapersPlan

REPO = Path(__file__).resolve().parents[1]


def test_every_fetch_source_is_declared_in_its_folder():
    table = {name: (s.label, s.base_url, s.page_size, s.max_page_size, s.host_limit, s.api_key_required, s.cites)
             for name, s in SOURCES.items()}
    assert table == {
        "arxiv": ("arXiv", "https://export.arxiv.org/api/query", 2000, 2000, HostLimit(1 / 3, 1), False, False),
        "openalex": ("OpenAlex", "https://api.openalex.org", 200, 200, HostLimit(10, 4), True, True),
        "semantic_scholar": ("Semantic Scholar", "https://api.semanticscholar.org/graph/v1", 1000, 1000,
                             HostLimit(1, 1), False, True),
        "crossref": ("Crossref", "https://api.crossref.org", 1000, 1000, HostLimit(5, 3), False, True),
        "author_pages": ("Author pages", "", 0, 0, HostLimit(0.5, 1), False, False),
        "dblp": ("dblp", "https://dblp.org", 0, 0, HostLimit(0.5, 1), False, False),
        "orcid": ("ORCID", "https://pub.orcid.org/v3.0", 0, 0, HostLimit(8, 2), False, False),
    }
    for name, settings_module in registry.fetch_source_settings().items():
        folder = settings_module.__name__.rsplit(".", 1)[0]
        assert SOURCES[name] is settings_module.FETCH_SOURCE
        assert SECTIONS[name] is settings_module.Section and SECTIONS[name].SOURCE is SOURCES[name]
        assert registry.fetch_source_paging(name).__name__ == folder + ".paging"
    assert SOURCES["openalex"] is settings.FETCH_SOURCE


def test_record_format_priorities_come_from_the_folders():
    assert SOURCE_PRIORITY == registry.format_priority() == {
        "arxiv_atom": 10, "arxiv_oai": 11, "arxiv_abs": 12, "arxiv_snapshot": 13, "crossref": 20,
        "dblp": 25, "openalex": 30, "orcid": 35, "semanticscholar": 40, "acl_anthology": 45,
        "catalyzex": 50, "scored_profile": 60, "aitopics": 70, "google_scholar": 80,
        "google_scholar_profile": 80, "abstract_list": 90}
    assert settings.PRIORITY == {"openalex": 30}
    # every record format a parser names has its rank (cassettes carry the recorded body's format)
    names = {m.NAME for m in registry.parsers()} - {"cassette"}
    assert names <= set(registry.format_priority()) | {"dblp", "orcid"}


def test_each_author_entry_becomes_its_folders_plans():
    config = parse_config({
        "mailto": "me@example.org",
        "sources": {"openalex": {"api_key_env": "K", "page_size": 50}, "arxiv": {"max_results": 100},
                    "author_pages": {"max_pages": 3, "respect_robots": False}, "dblp": None},
        "authors": [{"name": "A", "openalex": "https://orcid.org/0000-0002-1825-0097", "arxiv": "au:a",
                     "semantic_scholar": 42, "crossref": {"query": "A", "orcid": "0000-0002-1825-0097"},
                     "author_pages": ["https://example.org/a"], "dblp": "https://dblp.org/pid/1/2.html",
                     "orcid": "https://orcid.org/0000-0002-1825-0097"}]}, Path("p.yaml"), {"K": "key"})
    plans = plans_for_config(config)
    assert [type(p) for p in plans] == [ArxivQueryPlan, paging.OpenAlexWorksPlan, S2AuthorPapersPlan,
                                        CrossrefWorksPlan, AuthorPagePlan, DblpPersonPlan, OrcidPlan]
    assert [p.name for p in plans] == list(SOURCES)
    arxiv, openalex, s2, crossref, page, dblp, orcid = plans
    assert (arxiv.base_url, arxiv.query, arxiv.page_size, arxiv.max_results) == (
        "https://export.arxiv.org/api/query", "au:a", 2000, 100)
    assert (openalex.url, openalex.filter, openalex.per_page, openalex.api_key, openalex.mailto) == (
        "https://api.openalex.org/works", "author.orcid:0000-0002-1825-0097", 50, "key", "me@example.org")
    assert (s2.url, s2.page_size) == ("https://api.semanticscholar.org/graph/v1/author/42/papers", 1000)
    assert s2.fields == "title,externalIds,year,publicationDate,authors,citationCount,venue"
    assert (crossref.url, crossref.params) == ("https://api.crossref.org/works", {
        "rows": 1000, "filter": "orcid:0000-0002-1825-0097", "query.author": "A", "mailto": "me@example.org"})
    assert (page.url, page.max_pages, page.robots, page.conditional) == ("https://example.org/a", 3, False, True)
    assert (dblp.url, dblp.robots) == ("https://dblp.org/pid/1/2.xml", True)
    assert (orcid.base, orcid.orcid) == ("https://pub.orcid.org/v3.0", "0000-0002-1825-0097")


def test_every_fetch_source_has_a_fetch_partition_in_its_hosts_pool():
    assert SOURCE_ORDER == ("arxiv", "author_pages", "dblp", "orcid", "openalex", "semantic_scholar", "crossref")
    assert [pool_for(s) for s in SOURCE_ORDER] == [
        "host_export_arxiv_org", "host_author_pages", "host_dblp_org", "host_pub_orcid_org",
        "host_api_openalex_org", "host_api_semanticscholar_org", "host_api_crossref_org"]


# Modules that must not know any particular fetch source: they read the registry.
GENERIC = ("pipelines/http/paging.py", "pipelines/http/client.py", "pipelines/sources/fetch_plans.py",
           "assets/partitions.py")
SOURCE_WORDS = re.compile(r"\b(arxiv|openalex|semantic_?scholar|s2|crossref|dblp|orcid)\b", re.IGNORECASE)


def _code(path: Path) -> str:
    """The file without comments and docstrings (they may name examples)."""
    text = re.sub(r'"""(?:.|\n)*?"""', "", path.read_text(encoding="utf-8"))
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def test_generic_modules_name_no_fetch_source():
    for name in GENERIC:
        assert not SOURCE_WORDS.findall(_code(REPO / name)), name
    # config.py and the fetch stage name one: arXiv's OAI-PMH harvest, the top-level `arxiv_oai`
    # section (its model, pace and harvest live in sources/arxiv/)
    for name in ("pipelines/config.py", "pipelines/stages/fetch.py"):
        lines = [line for line in _code(REPO / name).splitlines() if SOURCE_WORDS.search(line)]
        assert lines and all(re.search(r"oai|harvest|ARXIV_HOST_LIMIT", line, re.I) for line in lines), lines


NEW_SOURCE = textwrap.dedent('''
    import sys, types
    from pathlib import Path
    from typing import ClassVar
    import papertrail.pipelines.sources as sources
    from papertrail.pipelines.sources.spec import HostLimit, PagedSection, SourceDefaults

    # sources/pubmed/: settings.py and paging.py, the way a new folder would hold them
    pkg = types.ModuleType("papertrail.pipelines.sources.pubmed"); pkg.__path__ = []
    settings = types.ModuleType("papertrail.pipelines.sources.pubmed.settings")
    settings.FETCH_SOURCE = SourceDefaults("pubmed", "PubMed", "https://eutils.example/api", 100, 500,
                                           HostLimit(3, 1), cites=True)
    class Section(PagedSection):
        SOURCE: ClassVar[SourceDefaults] = settings.FETCH_SOURCE
        retmode: str = "json"
    settings.Section = Section
    paging = types.ModuleType("papertrail.pipelines.sources.pubmed.paging")
    sys.modules.update({m.__name__: m for m in (pkg, settings, paging)})

    # ... and its one registry line
    from papertrail.pipelines.sources import registry
    registry.FETCH_SOURCES += ("pubmed",)

    from papertrail.pipelines.http.paging import Plan
    class PubmedPlan(Plan):
        name = "pubmed"
        def __init__(self, term, source):
            self.term, self.source = term, source
    paging.plans = lambda value, source, config: [PubmedPlan(value, source)]

    from papertrail.pipelines.config import parse_config
    from papertrail.pipelines.sources.fetch_plans import plans_for_config
    from papertrail.assets.partitions import SOURCE_ORDER, CITATION_SOURCES, pool_for
    config = parse_config({"sources": {"pubmed": {"page_size": 200, "retmode": "xml"}},
                           "authors": [{"name": "A", "pubmed": "lewis m[au]"}]}, Path("p.yaml"), {})
    [plan] = plans_for_config(config)
    s = plan.source
    print(plan.term, s.base_url, s.page_size, dict(s.options), config.host_limits()["eutils.example"])
    print(SOURCE_ORDER[-1], CITATION_SOURCES[-1], pool_for("pubmed"))
    try:
        parse_config({"sources": {"pubmed": {"page_size": 900}}}, Path("p.yaml"), {})
    except Exception as err:
        print(err)
''')


def test_a_new_fetch_source_is_its_folder_and_one_registry_line():
    done = subprocess.run([sys.executable, "-c", NEW_SOURCE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "lewis m[au] https://eutils.example/api 200 {'retmode': 'xml'} "
        "HostLimit(requests_per_second=3, max_connections=1, burst=1)",
        "pubmed pubmed host_eutils_example",
        "p.yaml: sources.pubmed.page_size: PubMed allows at most 500, got 900"]
