"""arXiv OAI-PMH harvest over real HTTP on 127.0.0.1 (the demo server, pytest-httpserver for the
503): tokens followed in order, exact counts, resume from the stored token, Retry-After honoured,
OAI errors, deleted records kept, and the streaming parser equal to a whole-tree read."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.config import Config, load_config, parse_config
from papertrail.pipelines.demo.server import (DEMO_KEY, DEMO_KEY_ENV, OAI_DELETED, DemoServer, DemoSite,
                                   _oai_token, demo_config_yaml)
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.sources.arxiv.paging import oai_page_info
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.arxiv import helpers as h
from papertrail.pipelines.sources.arxiv import oai
from papertrail.pipelines.sources.arxiv.harvest import (OaiHarvestError, harvest, read_harvest_state,
                                             state_path)
from papertrail.pipelines.stages.fetch import read_fetch_log
from papertrail.pipelines.stages.landing import read_land_rejects, read_manifest
from papertrail.pipelines.stages.parse import parse_pending, read_parsed
from papertrail.pipelines.workspace import Workspace

from .helpers import rows, run_cli

NOW = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
FAST = {"backoff_initial": 0.01, "jitter": 0}  # fetcher overrides: retries without real waits
TOK25, TOK50 = _oai_token(25, "2019-01-01", "", ""), _oai_token(50, "2019-01-01", "", "")


def config_for(tmp_path: Path, base_url: str, **section) -> Config:
    port = base_url.rsplit(":", 1)[1].split("/")[0]
    data = {"http": {"allowed_hosts": ["127.0.0.1"], "max_attempts": 3,
                     "hosts": {f"127.0.0.1:{port}": {"requests_per_second": 1000, "burst": 100}}},
            "arxiv_oai": {"base_url": base_url, "from": "2019-01-01", **section}}
    path = tmp_path / "papertrail.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_config(path)


def asked_tokens(ws: Workspace) -> list[str | None]:
    """The resumptionToken of every request in the fetch log, in order (None: a first request)."""
    return [parse_qs(urlsplit(u).query).get("resumptionToken", [None])[0]
            for u in read_fetch_log(ws)["url"].to_list()]


@pytest.fixture(scope="module")
def demo():
    with DemoServer(port=None) as srv:
        yield srv


def test_three_page_harvest_lands_every_page_and_parses_exact_counts(tmp_path, demo):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    result = harvest(ws, config_for(tmp_path, f"{demo.base_url}/arxiv/oai"), "run-1")
    assert result.tokens == [None, TOK25, TOK50] == asked_tokens(ws)
    assert (result.requests, result.landed.observed, len(result.landed.new), result.failed) == (3, 3, 3, [])
    state = read_harvest_state(ws)
    assert (state.complete, state.token, state.pages, state.records, state.deleted,
            state.complete_list_size, state.cursor) == (True, None, 3, 57, 1, 57, 50)
    assert read_manifest(ws)["kind"].to_list() == ["http"] * 3
    parsed = parse_pending(ws)
    assert parsed.parsed == 3
    papers = read_parsed(ws, "papers")
    assert (papers.height, papers["arxiv_id"].n_unique(), papers["source"].unique().to_list()) == (
        56, 56, ["arxiv_oai"])
    # The deleted record is kept as a quarantine row naming it, not dropped.
    rejects = read_parsed(ws, "rejects")
    assert rejects.select("source", "reason").rows() == [
        ("arxiv_oai", f"deleted_record: oai:arXiv.org:{OAI_DELETED[0]} was deleted upstream "
                      f"(datestamp {OAI_DELETED[1]})")]
    # A second complete harvest starts over, and the same bytes land nothing new.
    again = harvest(ws, config_for(tmp_path, f"{demo.base_url}/arxiv/oai"), "run-2")
    assert (again.tokens, again.landed.new, again.resumed_from) == ([None, TOK25, TOK50], [], None)


class FlakySite(DemoSite):
    """Answers 500 to the page at `fail_token` while `failures` last (the harvest dies there)."""

    def __init__(self, fail_token: str, failures: int):
        super().__init__()
        self.fail_token, self.failures = fail_token, failures

    def oai(self, q):
        if q.get("resumptionToken") == self.fail_token and self.failures > 0:
            self.failures -= 1
            return 500, "text/plain", b"backend restarting"
        return super().oai(q)


def test_interrupted_harvest_resumes_at_the_last_landed_token(tmp_path):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    with DemoServer(FlakySite(TOK50, failures=3), port=None) as srv:
        config = config_for(tmp_path, f"{srv.base_url}/arxiv/oai")
        first = harvest(ws, config, "run-1", **FAST)
        # Page 3 failed 3 times (max_attempts): pages 1-2 are landed, the token of page 3 kept.
        assert (first.tokens, first.landed.observed, first.complete) == ([None, TOK25, TOK50], 2, False)
        assert [r["reason"] for r in first.failed] == ["http_error: HTTP 500 after 3 attempts"]
        state = read_harvest_state(ws)
        assert (state.token, state.pages, state.records, state.complete) == (TOK50, 2, 50, False)
        second = harvest(ws, config, "run-2", **FAST)
    assert (second.resumed_from, second.tokens, second.landed.observed) == (TOK50, [TOK50], 1)
    state = read_harvest_state(ws)
    assert (state.complete, state.pages, state.records, state.deleted) == (True, 3, 57, 1)
    assert asked_tokens(ws) == [None, TOK25, TOK50, TOK50]
    assert read_land_rejects(ws)["reason"].to_list() == ["http_error: HTTP 500 after 3 attempts"]
    parse_pending(ws)
    assert read_parsed(ws, "papers").height == 56


def test_page_limit_stops_and_the_next_run_continues(tmp_path, demo):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    config = config_for(tmp_path, f"{demo.base_url}/arxiv/oai", max_pages=2)
    assert harvest(ws, config, "r1").tokens == [None, TOK25]
    assert read_harvest_state(ws).token == TOK50
    assert harvest(ws, config, "r2").tokens == [TOK50]
    # Another list (a different `from`) does not resume this one's token.
    other = config_for(tmp_path, f"{demo.base_url}/arxiv/oai", **{"from": "2026-01-01"})
    assert harvest(ws, other, "r3").tokens == [None]


def test_503_retry_after_is_honoured(tmp_path):
    site = DemoSite(oai_page_size=40)  # 2 pages
    seen: list[tuple[float, str, int]] = []

    def answer(request):
        q = dict(request.args)
        if "resumptionToken" in q and not any(s == 503 for _, _, s in seen):
            seen.append((time.monotonic(), q["resumptionToken"], 503))  # arXiv's flow control
            return Response("Retry after 2 seconds", status=503, headers={"Retry-After": "2"})
        status, ctype, body = site.route("/arxiv/oai", q)
        seen.append((time.monotonic(), q.get("resumptionToken"), status))
        return Response(body, status=status, content_type=ctype)

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/oai").respond_with_handler(answer)
    server.start()
    try:
        ws = Workspace.for_db(tmp_path / "w.duckdb")
        result = harvest(ws, config_for(tmp_path, server.url_for("/oai")), "r1", **FAST)
    finally:
        server.clear()
        server.stop()
    tok40 = _oai_token(40, "2019-01-01", "", "")
    assert [(t, s) for _, t, s in seen] == [(None, 200), (tok40, 503), (tok40, 200)]
    assert seen[2][0] - seen[1][0] >= 2.0  # the server's 2 s, not the 0.01 s backoff
    assert (result.complete, result.failed, read_harvest_state(ws).records) == (True, [], 57)
    assert read_fetch_log(ws)["attempts"].to_list() == [1, 2]


def test_bad_resumption_token_is_a_specific_error_and_the_next_run_starts_over(tmp_path, demo):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    config = config_for(tmp_path, f"{demo.base_url}/arxiv/oai")
    ws.ensure()
    key = {"base_url": f"{demo.base_url}/arxiv/oai", "metadataPrefix": "arXiv", "set": None,
           "from": "2019-01-01", "until": None}
    state_path(ws).write_text(json.dumps({"harvest": key, "token": "expired-123", "pages": 4}))
    with pytest.raises(OaiHarvestError) as err:
        harvest(ws, config, "r1")
    assert err.value.code == "badResumptionToken"
    assert str(err.value) == (
        f"arXiv OAI-PMH harvest of {demo.base_url}/arxiv/oai: resumptionToken 'expired-123' "
        "answered badResumptionToken: Unknown or expired resumptionToken 'expired-123' (the token "
        "has expired or was never issued; it is dropped, and the next run starts the harvest over "
        "from its first page)")
    assert read_harvest_state(ws).token is None
    parse_pending(ws)  # the error page itself is landed and quarantined with the OAI message
    assert read_parsed(ws, "rejects")["reason"].to_list() == [
        "api_error_payload: OAI-PMH error: badResumptionToken: Unknown or expired resumptionToken "
        "'expired-123'"]
    assert harvest(ws, config, "r2").tokens == [None, TOK25, TOK50]


def test_no_records_match_is_empty_and_complete_a_404_is_a_failed_fetch(tmp_path, demo):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    url = f"{demo.base_url}/arxiv/oai"
    empty = harvest(ws, config_for(tmp_path, url, set="math"), "r1")
    assert (empty.tokens, empty.complete, read_harvest_state(ws).records) == ([None], True, 0)
    parse_pending(ws)
    assert (read_parsed(ws, "papers").height, read_parsed(ws, "rejects").height) == (0, 0)
    only_stat = harvest(ws, config_for(tmp_path, url, set="stat"), "r2")
    assert (only_stat.complete, read_harvest_state(ws).records) == (True, 8)
    # A wrong base_url is an HTTP failure, not an OAI answer: quarantined, the harvest unfinished.
    lost = harvest(ws, config_for(tmp_path, url.replace("/oai", "/oai-typo")), "r3")
    assert ([r["reason"] for r in lost.failed], lost.complete) == (["http_error: HTTP 404 after 1 attempt"], False)
    assert read_harvest_state(ws).token is None  # nothing to resume: the next run starts afresh


def test_config_section_errors_name_the_key(tmp_path):
    base = {"http": {"allowed_hosts": ["127.0.0.1"]}}
    def load(section):
        return parse_config({**base, "arxiv_oai": section}, tmp_path / "p.yaml")
    with pytest.raises(ConfigError, match=r"p\.yaml: arxiv_oai\.from: required key is missing: the "
                       r"first datestamp to harvest \(YYYY-MM-DD\); without it the harvest is "
                       r"the whole arXiv archive"):
        load({"set": "cs"})
    with pytest.raises(ConfigError, match=r"arxiv_oai\.until: expected a date YYYY-MM-DD"):
        load({"from": "2024-01-01", "until": "last week"})
    with pytest.raises(ConfigError, match=r"arxiv_oai\.until: is before from"):
        load({"from": "2024-01-01", "until": "2023-12-31"})
    with pytest.raises(ConfigError, match=r"arxiv_oai\.sets: unknown key"):
        load({"from": "2024-01-01", "sets": "cs"})
    config = parse_config(yaml.safe_load("arxiv_oai: {from: 2024-01-01, set: cs}"), tmp_path / "p.yaml")
    assert (config.arxiv_oai.base_url, config.arxiv_oai.from_, config.arxiv_oai.set) == (
        "https://oaipmh.arxiv.org/oai", "2024-01-01", "cs")
    assert config.host_limits()["oaipmh.arxiv.org"].requests_per_second == pytest.approx(1 / 3)
    assert "oaipmh.arxiv.org" in config.allowed_hosts()
    path = tmp_path / "demo.yaml"
    path.write_text(demo_config_yaml(DemoSite(), "http://127.0.0.1:47291", oai=True), encoding="utf-8")
    demo_harvest = load_config(path, {DEMO_KEY_ENV: DEMO_KEY}).arxiv_oai
    assert (demo_harvest.base_url, demo_harvest.from_) == ("http://127.0.0.1:47291/arxiv/oai", "2019-01-01")


def _tree_parse(capture: Capture) -> list[dict]:
    """The parser as it was before streaming: the whole tree, every <arXiv> element in order."""
    root = h.parse_xml(capture.content.decode("utf-8"), capture)
    batch = oai.ParsedBatch(format=oai.NAME)
    for index, el in enumerate(e for e in root.iter() if h.local(e.tag) == "arXiv"):
        oai._record(batch, capture, index, el)
    return batch.papers


@pytest.mark.parametrize("stream_from", [0, oai.STREAM_CHARS], ids=["streamed", "as-configured"])
def test_streaming_parse_equals_the_whole_tree_on_real_and_big_pages(realdata_dir, monkeypatch,
                                                                    stream_from):
    monkeypatch.setattr(oai, "STREAM_CHARS", stream_from)
    files = sorted((realdata_dir / "arxiv_oai").rglob("*.xml"))
    captures = [Capture(capture=str(f), content=f.read_bytes(), captured_at=NOW) for f in files
                if oai.sniff(f.read_text("utf-8")[:8192])]
    site = DemoSite(oai_page_size=1000)  # every record on one page
    _, _, body = site.route("/arxiv/oai", {"verb": "ListRecords", "metadataPrefix": "arXiv"})
    captures.append(Capture(capture="demo", content=body, captured_at=NOW))
    total = 0
    for capture in captures:
        batch = oai.parse(capture)
        assert batch.papers == _tree_parse(capture), capture.capture
        assert [r["reason"].split(":")[0] for r in batch.rejects] == (
            ["deleted_record"] if capture.capture == "demo" else [])
        total += len(batch.papers)
    assert (len(captures), total) == (19 + 1, 34 + 56)
    info = oai_page_info(body)
    assert (info.records, info.deleted, info.token, info.response_date) == (
        57, 1, None, "2026-06-01T00:00:00Z")


def test_papertrail_run_harvests_oai_through_every_stage(tmp_path, demo):
    config = config_for(tmp_path, f"{demo.base_url}/arxiv/oai").path
    done = run_cli("run", "--config", str(config), "--db", str(tmp_path / "w.duckdb"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    db = tmp_path / "w.duckdb"
    assert rows(db, "SELECT count(*), count(DISTINCT capture) FROM core.sightings") == [(56, 3)]
    assert rows(db, "SELECT count(*) FROM core.papers") == [(56,)]  # 56 distinct arXiv ids
    assert rows(db, "SELECT stage, source, reason FROM audit.quarantine") == [
        ("parse", "arxiv_oai", f"deleted_record: oai:arXiv.org:{OAI_DELETED[0]} was deleted "
                               f"upstream (datestamp {OAI_DELETED[1]})")]
