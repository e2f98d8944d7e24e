"""The Dagster UI in a real browser: `papertrail ui` in its own process group on 127.0.0.1, after
a small `papertrail run` and a no-op rerun into a temporary instance, driven by headless Debian
Chromium through playwright: the stage groups, the table assets with their checks, the views
downstream of the tables, and the reports' charts still there after the no-op rerun.
Screenshots go to $PAPERTRAIL_ARTIFACTS (default: the test's tmp dir)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
LOCATION = "papertrail.pipelines.definitions"   # the code location `papertrail ui` loads
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists() and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
                       capture_output=True, timeout=900,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent and `apt-get install chromium` did not provide it")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ui(tmp_path):
    """A small run recorded in a fresh instance, then `papertrail ui` over it; yields its URL."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    captures = tmp_path / "captures"
    captures.mkdir()
    for name in ("catalyzex_page.html", "aitopics_page.txt", "scored_profile_page.html"):
        shutil.copyfile(FIXTURES / "pages" / name, captures / name)
    env = {"DAGSTER_HOME": str(home), "PAPERTRAIL_EPHEMERAL_DAGSTER": ""}
    for _ in range(2):  # the second run finds nothing new: a no-op rerun is what the UI shows last
        run = run_cli("run", "--captures", str(captures), "--db", str(tmp_path / "wh.duckdb"),
                      cwd=tmp_path, env=env)
        assert run.returncode == 0, run.stderr
    port = free_port()
    log = open(tmp_path / "ui.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "papertrail.pipelines.cli", "ui", "--port", str(port)],
                            env={**os.environ, **env, "PAPERTRAIL_DB": str(tmp_path / "wh.duckdb")},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"papertrail ui did not answer: {(tmp_path / 'ui.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        # `dagster dev` runs a webserver, a daemon and code servers: stop the whole group.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        log.close()


def test_asset_graph_checks_and_chart_metadata_in_chromium(chromium, ui, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    artifacts = Path(os.environ.get("PAPERTRAIL_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(90_000)
        expect.set_options(timeout=90_000)  # the code location loads after /server_info answers
        # A first-visit newsletter dialog may cover the page at any moment: dismiss it when it does.
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda skip: skip.click())
        try:
            # The stages as groups of the global graph, in order.
            page.goto(f"{ui}/asset-groups")
            groups = {"fetch": ("source_captures", "author_captures"), "landing": ("landed_captures",),
                      "parse": ("parsed_records",), "resolve": ("resolved_tables",),
                      "validate": ("validated_tables",),
                      "warehouse": ("core/papers", "core/authors", "audit/quarantine", "audit/runs"),
                      "analytics": ("analytics/topic_trends", "analytics/citation_counts"),
                      "reports": ("reports", "citation_weeks")}
            for group in groups:
                expect(page.get_by_text(group, exact=True).last).to_be_visible()
            page.screenshot(path=str(artifacts / "asset_graph.png"))
            # Each group's assets (its list view links every asset by key).
            for group, keys in groups.items():
                page.goto(f"{ui}/locations/{LOCATION}/asset-groups/{group}/list")
                for key in keys:
                    expect(page.locator(f'a[href="/assets/{key}"]').first).to_be_visible()
            # The warehouse group's graph: table assets with their checks' status, fed by the
            # validated staging.
            page.goto(f"{ui}/locations/{LOCATION}/asset-groups/warehouse")
            expect(page.get_by_text("7 / 7 Passed").first).to_be_visible()   # core/authorships
            page.screenshot(path=str(artifacts / "warehouse_group.png"))

            # A core table: its great-expectations suite as its checks, blocking, run and passed.
            page.goto(f"{ui}/assets/core/papers?view=checks")
            expect(page.get_by_text("Checks (4)", exact=True)).to_be_visible()
            for check in ("paper_id_not_null", "paper_id_unique", "year_in_range", "primary_topic_in_set"):
                expect(page.get_by_text(check, exact=True).first).to_be_visible()
            expect(page.get_by_text("This is a blocking asset check.", exact=False)).to_be_visible()
            page.screenshot(path=str(artifacts / "asset_checks.png"))

            # Its column schema with the descriptions from sql/columns.yaml, and its row count.
            page.goto(f"{ui}/assets/core/papers")
            expect(page.get_by_text("Stable id of the paper", exact=False).first).to_be_visible()
            expect(page.get_by_text("date_precision", exact=True).first).to_be_visible()
            expect(page.get_by_text("Row count", exact=False).first).to_be_visible()
            page.screenshot(path=str(artifacts / "table_columns.png"), full_page=True)

            # A view downstream of the tables it reads.
            page.goto(f"{ui}/assets/analytics/topic_trends?view=lineage&lineageScope=upstream")
            expect(page.get_by_text("warehouse", exact=True).first).to_be_visible()
            expect(page.get_by_text("papers", exact=True).first).to_be_visible()
            expect(page.get_by_text("4 / 4 Passed").first).to_be_visible()
            expect(page.get_by_text("topic_trends", exact=True).last).to_be_visible()
            page.screenshot(path=str(artifacts / "view_lineage.png"))

            # The reports after the no-op rerun: the charts are still on its latest materialisation.
            page.goto(f"{ui}/assets/reports")
            for label in ("chart_topic_trends", "topic_trends", "author_timeline", "html", "status"):
                expect(page.get_by_text(label, exact=True).first).to_be_visible()
            expect(page.get_by_text("unchanged", exact=True).first).to_be_visible()
            expect(page.get_by_text("At 06:00 AM UTC")).to_be_visible()  # the daily schedule
            page.screenshot(path=str(artifacts / "reports_metadata.png"), full_page=True)
            page.get_by_role("row").filter(has_text="chart_topic_trends") \
                .get_by_text("[Show Markdown]").click()
            chart = page.get_by_role("img", name="topic_trends")
            expect(chart).to_be_visible()
            assert chart.evaluate("img => img.naturalWidth") > 200  # a real PNG was decoded
            page.screenshot(path=str(artifacts / "reports_chart.png"))
        except Exception:
            page.screenshot(path=str(artifacts / "failure.png"))  # what the page showed instead
            raise
        finally:
            browser.close()
    for name in ("asset_graph.png", "warehouse_group.png", "asset_checks.png", "table_columns.png",
                 "view_lineage.png", "reports_metadata.png", "reports_chart.png"):
        assert (artifacts / name).stat().st_size > 10_000
        print(f"screenshot: {artifacts / name}")
