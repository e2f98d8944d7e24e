"""papertrail.yaml loading: the shipped example, defaults, and one-line errors naming key and file."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from papertrail.pipelines.config import HostLimit, load_config
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.http import Fetcher

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "papertrail.example.yaml"
ENV = {"OPENALEX_API_KEY": "oa-test-key-123"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "papertrail.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_loads_with_real_hosts_and_documented_defaults():
    config = load_config(EXAMPLE, ENV)
    assert {n: s.base_url for n, s in config.sources.items() if s.base_url} == {
        "arxiv": "https://export.arxiv.org/api/query",
        "openalex": "https://api.openalex.org",
        "semantic_scholar": "https://api.semanticscholar.org/graph/v1",
        "crossref": "https://api.crossref.org",
        "dblp": "https://dblp.org",
        "orcid": "https://pub.orcid.org/v3.0",
    }
    assert config.sources["openalex"].api_key == "oa-test-key-123"
    assert config.sources["semantic_scholar"].api_key is None  # optional key, unset
    assert "oa-test-key-123" not in repr(config)
    assert config.user_agent == "papertrail/0.1 (+https://github.com/papertrail; mailto:you@example.org)"
    assert config.host_limits()["export.arxiv.org"] == HostLimit(0.333, 1, 1)
    assert config.http.state_dir == REPO / ".papertrail/http"
    author = config.authors[0]
    assert (author.name, author.ids["arxiv"], author.ids["openalex"], author.ids["crossref"].orcid) == (
        "Mike Lewis", "au:lewis_m", "A5012345678", "0000-0002-1825-0097")
    assert list(author.ids) == ["arxiv", "openalex", "semantic_scholar", "crossref", "author_pages",
                                "dblp", "orcid"]
    assert "www.catalyzex.com" in config.allowed_hosts()


def test_example_documents_every_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in ("connect_timeout", "read_timeout", "max_attempts", "retry_budget", "backoff_initial",
                "backoff_max", "retry_after_cap", "max_body_bytes", "max_redirects",
                "max_concurrency", "allowed_hosts", "state_dir", "default_host", "hosts",
                "requests_per_second", "max_connections", "burst", "api_key_env", "page_size",
                "max_results", "empty_page_retries", "fields", "respect_robots", "max_pages",
                "mailto", "author_pages", "orcid", "semantic_scholar", "crossref"):
        assert f"{key}:" in text, key


def test_missing_api_key_names_the_variable():
    with pytest.raises(ConfigError) as err:
        load_config(EXAMPLE, {})
    assert str(err.value) == (
        "OpenAlex needs an API key: set the environment variable OPENALEX_API_KEY "
        "(named by sources.openalex.api_key_env in papertrail.example.yaml)")


def test_openalex_needs_api_key_env_even_without_a_section(tmp_path):
    path = write(tmp_path, "authors:\n  - name: A\n    openalex: A1\n")
    with pytest.raises(ConfigError, match=r"sources\.openalex\.api_key_env: OpenAlex needs an API key"):
        load_config(path, {})


def test_arxiv_only_config_needs_no_key(tmp_path):
    config = load_config(write(tmp_path, "authors:\n  - name: A\n    arxiv: 'au:a_b'\n"), {})
    assert list(config.sources) == ["arxiv"]
    assert config.sources["arxiv"].base_url == "https://export.arxiv.org/api/query"
    assert config.host_limits()["export.arxiv.org"] == HostLimit(1 / 3, 1, 1)


@pytest.mark.parametrize("text, message", [
    ("http:\n  read_timout: 5\n",
     "http.read_timout: unknown key (known keys here: "),
    ("http:\n  read_timeout: soon\n",
     "http.read_timeout: expected int or float, got str 'soon'"),
    ("http:\n  max_attempts: 0\n", "http.max_attempts: must be >= 1, got 0"),
    ("http:\n  hosts:\n    a.org: {requests_per_second: 0}\n",
     "http.hosts.a.org.requests_per_second: must be > 0, got 0"),
    ("sources:\n  arxiv: {page_size: 5000}\n",
     "sources.arxiv.page_size: arXiv allows at most 2000, got 5000"),
    ("sources:\n  pubmed: {}\n", "sources.pubmed: unknown source (known: arxiv, openalex, "),
    ("sources:\n  crossref: {base_url: 'ftp://x.org'}\n",
     "sources.crossref.base_url: expected an http(s) URL, got 'ftp://x.org'"),
    ("sources:\n  openalex: {api_key: abc, api_key_env: K}\n",
     "sources.openalex.api_key: API keys never go in the config file"),
    ("authors:\n  - orcid: '0000'\n", "authors[0].name: required key is missing"),
    ("authors:\n  - name: A\n    arxv: x\n", "authors[0].arxv: unknown key"),
    ("authors: {name: A}\n", "authors: expected list, got dict"),
    ("http:\n  max_redirects: true\n", "http.max_redirects: expected int, got bool True"),
    ("- just\n- a list\n", "(top level): expected a mapping, got list"),
    ("mailto: a@b.org\nsoruces: {}\n",
     "soruces: unknown key (known keys here: arxiv_oai, authors, http, mailto, sources)"),
    ("http:\n  allowed_hosts: [1]\n", "http.allowed_hosts[0]: expected str, got int 1"),
    ("http:\n  connect_timeout: -1\n", "http.connect_timeout: must be >= 0, got -1"),
    ("http:\n  default_host: {burst: 0}\n", "http.default_host.burst: must be >= 1, got 0"),
    ("http:\n  hosts:\n    a.org: {rps: 1}\n",
     "http.hosts.a.org.rps: unknown key (known keys here: burst, max_connections, "
     "requests_per_second)"),
    ("sources:\n  arxiv: {max_results: 40000}\n",
     "sources.arxiv.max_results: arXiv serves at most 30000 results per query, got 40000"),
    ("sources:\n  author_pages: {base_url: 'https://x.org'}\n",
     "sources.author_pages.base_url: unknown key (known keys here: enabled, max_pages, "
     "respect_robots)"),
    ("authors:\n  - name: A\n    author_pages: ['ftp://x.org/a']\n",
     "authors[0].author_pages[0]: expected an http(s) URL, got 'ftp://x.org/a'"),
    ("authors:\n  - name: A\n    crossref: [x]\n",
     "authors[0].crossref: expected str or dict, got list ['x']"),
    ("authors:\n  - name: A\n    crossref: {querry: x}\n",
     "authors[0].crossref.querry: unknown key (known keys here: orcid, query)"),
    ("authors:\n  - name: A\n    semantic_scholar: true\n",
     "authors[0].semantic_scholar: expected str or int, got bool True"),
])
def test_bad_values_name_the_key_path_and_file(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, {"K": "x"})
    assert str(err.value).startswith(f"{path}: {message}"), str(err.value)


def test_nulls_mean_defaults_and_ids_may_be_numbers(tmp_path):
    config = load_config(write(tmp_path, "mailto:\nhttp:\nsources:\n  crossref:\nauthors:\n"
                                         "  - name: A\n    semantic_scholar: 35084211\n"
                                         "    crossref: {query: A, orcid: ~}\n"), {})
    assert (config.mailto, config.http.max_attempts) == (None, 5)
    assert list(config.sources) == ["semantic_scholar", "crossref"]
    assert config.sources["crossref"].page_size == 1000
    author = config.authors[0]
    assert (author.ids["semantic_scholar"], author.ids["crossref"].query, author.ids["crossref"].orcid) == (
        "35084211", "A", None)


def test_invalid_yaml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"papertrail.yaml: not valid YAML at line 3"):
        load_config(write(tmp_path, "http:\n  a: [1,\n"), {})
    with pytest.raises(ConfigError, match=r"papertrail.yaml: not valid YAML: month must be in 1..12"):
        load_config(write(tmp_path, "arxiv_oai: {from: 2024-13-01}\n"), {})
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "absent.yaml", {})


def test_loopback_base_url_must_be_explicitly_allowed(tmp_path):
    text = "sources:\n  crossref: {base_url: 'http://127.0.0.1:8080'}\n"
    with pytest.raises(ConfigError, match="127.0.0.1:8080 is a loopback address: list it in "
                                          r"http.allowed_hosts"):
        load_config(write(tmp_path, text), {})
    config = load_config(write(tmp_path, text + "http:\n  allowed_hosts: ['127.0.0.1']\n"), {})
    assert "127.0.0.1:8080" in config.allowed_hosts()


def test_fetcher_from_config_takes_limits_hosts_and_secrets(tmp_path):
    config = load_config(EXAMPLE, ENV)
    fetcher = Fetcher.from_config(config, state_dir=tmp_path)
    assert fetcher.host_limits["export.arxiv.org"] == HostLimit(0.333, 1, 1)
    assert fetcher.allowed_hosts >= {"api.openalex.org", "api.crossref.org", "export.arxiv.org"}
    assert fetcher.redact("x?api_key=oa-test-key-123&y=oa-test-key-123") == "x?api_key=***&y=***"
    assert fetcher.retry_after_cap == 60 and fetcher.max_body_bytes == 52428800
    asyncio.run(fetcher.aclose())
