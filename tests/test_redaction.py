"""Secrets never reach audit.quarantine.payload or logged tracebacks: a failed fetch's body is
redacted like its URL, and `log.exception(...)` tracebacks are redacted by the same filter."""
from __future__ import annotations

import asyncio
import logging

from werkzeug import Response

from papertrail.pipelines.config import load_config
from papertrail.pipelines.http import Fetcher
from papertrail.pipelines.http.result import RedactingFilter, Redactor
from papertrail.pipelines.stages.fetch import fetch_config
from papertrail.pipelines.workspace import Workspace

KEY = "ptk-SECRET-93c1d5e7a9b2"


def test_a_failed_fetch_whose_body_echoes_the_key_is_quarantined_redacted(tmp_path, loopback_server):
    def echo(request):  # an error page that shows the request, key and all
        return Response(f"<html>bad request: {request.url} (your key {KEY} is rate limited)</html>",
                        status=200, content_type="text/html")

    loopback_server.expect_request("/works").respond_with_handler(echo)
    config_file = tmp_path / "papertrail.yaml"
    config_file.write_text(
        "http: {allowed_hosts: ['127.0.0.1'], max_attempts: 1}\n"
        f"sources: {{openalex: {{base_url: '{loopback_server.url_for('')}', api_key_env: PT_KEY}}}}\n"
        "authors: [{name: Ada Example, openalex: A5000000001}]\n")
    config = load_config(config_file, environ={"PT_KEY": KEY})
    result = fetch_config(Workspace.for_db(tmp_path / "w.duckdb"), config, "run-1")
    [failed] = result.failed
    assert failed["stage"] == "fetch" and failed["reason"].startswith("unexpected_content_type")
    assert KEY not in failed["payload"] and KEY not in failed["capture"]
    assert "api_key=***" in failed["payload"] and "your key *** is rate limited" in failed["payload"]
    assert [r.args.get("api_key") for r, _ in loopback_server.log] == [KEY]  # the key was sent


def test_logged_tracebacks_are_redacted(loopback_server, caplog):
    async def go():
        async with Fetcher(allowed_hosts=["127.0.0.1"], trust_env=False, max_attempts=1,
                           secrets=[KEY]) as fetcher:
            async def broken(*_args):
                raise RuntimeError(f"boom fetching http://127.0.0.1/x?api_key={KEY} (key {KEY})")
            fetcher._fetch = broken
            return await fetcher.fetch(f"http://127.0.0.1:{loopback_server.port}/x?api_key={KEY}")

    caplog.set_level(logging.DEBUG)
    result = asyncio.run(go())
    assert result.error.startswith("internal_error: RuntimeError") and KEY not in result.error
    [record] = [r for r in caplog.records if r.name == "pipelines.http"]
    assert "Traceback" in caplog.text and "RuntimeError: boom fetching" in caplog.text
    assert KEY not in caplog.text and "api_key=***" in caplog.text
    assert record.exc_info is None and KEY not in record.exc_text


def test_the_filter_redacts_messages_tracebacks_and_stacks_of_any_logger():
    log = logging.getLogger("pipelines.test_redaction")
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    log.addHandler(handler)
    log.addFilter(RedactingFilter(Redactor([KEY])))
    try:
        try:
            raise ValueError(f"https://api.example/works?api_key={KEY}")
        except ValueError:
            log.exception("failed %s", f"token={KEY}", stack_info=True)
    finally:
        log.removeHandler(handler)
    [text] = records
    assert KEY not in text and "failed token=***" in text and "ValueError: https://api.example/works?api_key=***" in text
