"""Security end to end: where the fetcher may go, what XML may do, how much a body may weigh,
that hostile names stay data through to SQL, and that API keys never leave the process."""
import asyncio
import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest
from dagster import DagsterInstance
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from papertrail.assets.resources import PapertrailResource
from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.http import Fetcher
from papertrail.pipelines.sources.arxiv.paging import arxiv_page_info
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.arxiv import atom, oai

from .helpers import rows, run_cli

WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
FIXTURES = Path(__file__).parent / "fixtures"


def fetch(server, path: str, **kwargs):
    async def go():
        async with Fetcher(allowed_hosts=[f"127.0.0.1:{server.port}"], trust_env=False,
                           max_attempts=1, **kwargs) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{server.port}{path}")
    return asyncio.run(go())


@pytest.fixture
def server(loopback_server):
    return loopback_server


@pytest.mark.parametrize("location, error", [
    ("http://evil.example/steal", "redirect_refused: host evil.example is not in allowed_hosts"),
    ("http://169.254.169.254/latest/meta-data/",
     "redirect_refused: 169.254.169.254 is a link-local address"),
    ("http://127.0.0.1:9/admin", "redirect_refused: 127.0.0.1 is a loopback address"),
    ("http://[::1]/", "redirect_refused: ::1 is a loopback address"),
    ("http://10.0.0.8/", "redirect_refused: 10.0.0.8 is a private address"),
    ("file:///etc/passwd", "redirect_refused: scheme 'file' is not allowed (file:///etc/passwd)"),
])
def test_redirects_out_of_the_allow_list_are_refused(server, location, error):
    server.expect_request("/page").respond_with_data("", status=302, headers={"Location": location})
    result = fetch(server, "/page")
    assert (result.error, result.content, result.status) == (error, None, 302)
    assert [r.path for r, _ in server.log] == ["/page"]  # nothing else was requested


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001</id>
<title>&lol4;</title></entry></feed>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001</id>
<title>&xxe;</title></entry></feed>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, EXTERNAL,
                                 BILLION_LAUGHS.replace(b"<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                                                        b"<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">")
                                 .replace(b"</feed>", b"</OAI-PMH>")],
                         ids=["entity-expansion", "external-entity", "oai-entity-expansion"])
def test_xml_entities_are_refused_by_every_xml_parser(doc):
    for module in (atom, oai):
        with pytest.raises(ParseError) as err:
            module.parse(Capture(capture="x.xml", content=doc, captured_at=WHEN))
        assert "Entities" in str(err.value) or "DTD" in str(err.value) or "entit" in str(err.value).lower()
    with pytest.raises(Exception) as err:
        arxiv_page_info(doc)
    assert type(err.value).__module__.startswith("defusedxml")


def test_gzip_bomb_and_oversize_bodies_stop_at_the_cap(server):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)  # 64 MiB inflated, ~65 KB on the wire
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    server.expect_request("/big").respond_with_data(b"x" * (2 * 1024 * 1024))
    server.expect_request("/chunked").respond_with_response(__import__("werkzeug").Response(
        iter([b"y" * 65536] * 40)))  # 2.5 MiB without a Content-Length
    cap = 1024 * 1024
    for path in ("/bomb", "/big", "/chunked"):
        result = fetch(server, path, max_body_bytes=cap)
        assert (result.error, result.content) == (
            f"body_exceeds_cap: response is larger than {cap} bytes", None), path
    assert fetch(server, "/big", max_body_bytes=3 * cap).bytes == 2 * cap


HOSTILE = "O'Brien; DROP TABLE core.papers; --"
TITLE = "Robert'); DROP TABLE core.authors;-- \"quoted\" title"


def test_hostile_names_round_trip_as_data_through_parse_publish_and_sql(tmp_path):
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "feed.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>ArXiv Query: search_query=all:security</title>
  <entry><id>http://arxiv.org/abs/2401.01234v1</id><title>{TITLE.replace('"', '&quot;')}</title>
    <summary>Quotes and semicolons are data.</summary><published>2024-01-05T00:00:00Z</published>
    <category term="cs.CR"/><author><name>{HOSTILE}</name></author>
    <author><name>Ada Example</name></author></entry>
</feed>""", encoding="utf-8")
    db = tmp_path / "wh.duckdb"
    run = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run_cli("sql", "--db", str(db), "--format", "json",
                  "SELECT p.title, a.display_name FROM core.papers p JOIN core.authorships s "
                  "USING (paper_id) JOIN core.authors a USING (author_id) ORDER BY s.position",
                  cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert [(r["title"], r["display_name"]) for r in got] == [(TITLE, HOSTILE), (TITLE, "Ada Example")]
    assert rows(db, "SELECT count(*) FROM core.papers")[0][0] == 1
    assert rows(db, "SELECT count(*) FROM core.authors")[0][0] == 2


FAKE_KEY = "ptk-FAKE-0f1e2d3c4b5a69788796a5b4"


def test_api_keys_never_reach_logs_run_metadata_landing_or_warehouse(tmp_path, httpserver,
                                                                    monkeypatch, capfd, caplog):
    works = json.loads((FIXTURES / "apis" / "openalex_edge_works.json").read_text())
    works["meta"]["next_cursor"] = None
    httpserver.expect_request("/works").respond_with_json(works)
    config = tmp_path / "papertrail.yaml"
    config.write_text(
        "http: {allowed_hosts: ['127.0.0.1', 'localhost'], max_attempts: 1}\n"
        f"sources: {{openalex: {{base_url: '{httpserver.url_for('')}', api_key_env: PT_TEST_KEY}}}}\n"
        "authors: [{name: Ada Example, openalex: A5000000001}]\n")
    monkeypatch.setenv("PT_TEST_KEY", FAKE_KEY)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    caplog.set_level("DEBUG")
    db = tmp_path / "wh.duckdb"
    resource = PapertrailResource(db_path=str(db), config_path=str(config))
    from papertrail.pipelines.definitions import defs
    instance = DagsterInstance.get()
    fetched = defs.resolve_job_def("fetch_sources").execute_in_process(
        instance=instance, resources={"papertrail": resource},
        tags={ASSET_PARTITION_RANGE_START_TAG: "openalex", ASSET_PARTITION_RANGE_END_TAG: "openalex"},
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}})
    assert fetched.success
    sent = [r for r, _ in httpserver.log]
    assert [r.args.get("api_key") for r in sent] == [FAKE_KEY]  # it was really used
    published = defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, resources={"papertrail": resource},
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}})
    assert published.success
    assert rows(db, "SELECT count(*) FROM core.papers")[0][0] >= 1

    key = FAKE_KEY.encode()
    leaks = []
    for path in [*tmp_path.rglob("*")]:
        if not path.is_file() or path == config:
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        elif path.suffix == ".zst":  # landed blobs
            data = pa.CompressedInputStream(pa.BufferReader(data), "zstd").read()
        if key in data:
            leaks.append(str(path.relative_to(tmp_path)))
    assert leaks == []
    events = [e.message or "" for run in (fetched, published)
              for e in instance.all_logs(run.run_id)]
    assert events and not any(FAKE_KEY in m for m in events)
    metadata = [json.dumps(str(e.dagster_event)) for run in (fetched, published)
                for e in instance.all_logs(run.run_id) if e.dagster_event]
    assert metadata and not any(FAKE_KEY in m for m in metadata)
    # The test server's own access log (werkzeug, the "remote host") does see the key; ours never.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert len(ours) > 50 and not any(FAKE_KEY in m for m in ours)
    out, err = capfd.readouterr()
    console = [line for line in (out + err).splitlines() if ' HTTP/1.1" ' not in line]
    assert console and not any(FAKE_KEY in line for line in console)
    manifest = rows(db, "SELECT capture FROM core.sightings")
    assert manifest and all(FAKE_KEY not in c for (c,) in manifest)
    assert any("api_key=***" in c for (c,) in manifest)  # redacted, not dropped
