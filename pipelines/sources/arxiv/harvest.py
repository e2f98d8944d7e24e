"""arXiv OAI-PMH harvest: ListRecords (metadataPrefix=arXiv, the config's set/from/until) through
the Fetcher, following resumptionToken until it comes back empty.

Each page is landed the moment it arrives (then its fetch-log row, then the token for the next
page is saved in the workspace state), so memory holds one page however long the list is, and a
harvest stopped at any point (killed, a host outage, `max_pages`) resumes at the page after the
last one landed. At worst, a kill between landing a page and saving its token fetches that one
page again: its records are the same papers, and resolution merges them.

Pages then go through the same parse -> resolve -> validate -> publish stages as any capture:
the OAI parser streams each page, and deleted records (header status="deleted") become
quarantine rows naming the identifier. OAI errors are answered with HTTP 200 and an <error>:
noRecordsMatch is an empty, complete harvest; badResumptionToken (arXiv's tokens expire) drops
the stored token, so the next run starts the harvest over, and stops this one with
OaiHarvestError; any other code (badArgument for a bad set or date, ...) stops it as well.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ...config import Config
from ...errors import ConfigError, PapertrailError
from ...http import Fetcher, FetchResult
from ...io import atomic_write_bytes
from ...stages.fetch_log import HttpCapture, append_fetch_log, quarantine_row, validator_dir
from ...stages.landing import LandingResult, keep_rejects, land, landing_lock
from ...workspace import Workspace
from .paging import OaiListRecordsPlan
from .settings import OaiHarvestConfig

log = logging.getLogger("pipelines.sources.arxiv.harvest")
STATE_FILE = "arxiv_oai_harvest.json"


class OaiHarvestError(PapertrailError):
    """The OAI-PMH endpoint answered a harvest request with an <error> (other than noRecordsMatch)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class HarvestState:
    """What survives between runs, in <data dir>/state/arxiv_oai_harvest.json."""

    harvest: dict  # the request that defines the list: base_url, metadataPrefix, set, from, until
    token: str | None = None  # ask with this next; None with complete=False: not started
    complete: bool = False
    pages: int = 0  # counted over the whole harvest, across the runs that resumed it
    records: int = 0
    deleted: int = 0
    complete_list_size: int | None = None
    cursor: int | None = None
    response_date: str | None = None
    updated_at: str | None = None


@dataclass
class HarvestResult:
    requests: int = 0
    landed: LandingResult = field(default_factory=LandingResult)
    failed: list[dict] = field(default_factory=list)  # quarantine rows of failed fetches
    tokens: list[str | None] = field(default_factory=list)  # what each request carried, in order
    resumed_from: str | None = None
    state: HarvestState | None = None

    @property
    def complete(self) -> bool:
        return bool(self.state and self.state.complete)


def state_path(ws: Workspace) -> Path:
    return ws.state_dir / STATE_FILE


def read_harvest_state(ws: Workspace) -> HarvestState | None:
    path = state_path(ws)
    if not path.exists():
        return None
    return HarvestState(**json.loads(path.read_text(encoding="utf-8")))


def _save(ws: Workspace, state: HarvestState) -> None:
    state.updated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write_bytes(state_path(ws), json.dumps(asdict(state), indent=1).encode())


def harvest_key(h: OaiHarvestConfig) -> dict:
    return {"base_url": h.base_url, "metadataPrefix": "arXiv", "set": h.set, "from": h.from_,
            "until": h.until}


def harvest(ws: Workspace, config: Config, run_id: str | None = None, *,
            max_pages: int | None = None, **fetcher_overrides) -> HarvestResult:
    """Harvest `config.arxiv_oai` into the landing zone, resuming a stored unfinished harvest of
    the same list. `max_pages` (default: the config's) bounds this run's pages."""
    h = config.arxiv_oai
    if h is None:
        raise ConfigError(f"{config.path}: arxiv_oai: section is missing: an OAI-PMH harvest "
                          "needs at least `from` (and optionally base_url, set, until)")
    ws.ensure()
    key = harvest_key(h)
    state = read_harvest_state(ws)
    if state is None or state.harvest != key or state.complete or not state.token:
        if state is not None and state.harvest != key and not state.complete and state.token:
            log.info("arxiv_oai: the configured list changed; the unfinished harvest of %s is "
                     "dropped and a new one starts", state.harvest)
        state = HarvestState(harvest=key)
    plan = OaiListRecordsPlan(h.base_url, set=h.set, from_=h.from_, until=h.until,
                              resume_token=state.token, max_pages=max_pages or h.max_pages)
    result = HarvestResult(resumed_from=state.token, state=state)
    if state.token:
        log.info("arxiv_oai: resuming the harvest after page %d at token %s", state.pages, state.token)
    asyncio.run(_run(ws, config, plan, state, result, run_id, fetcher_overrides))
    result.tokens = plan.asked
    if plan.error_code and plan.error_code != "notXml":
        raise OaiHarvestError(_error_message(plan, result), plan.error_code)
    if not state.complete:
        log.warning("arxiv_oai: harvest not complete (%s); the next run resumes at token %s",
                    plan.error or "page limit reached", state.token)
    return result


def _error_message(plan: OaiListRecordsPlan, result: HarvestResult) -> str:
    asked = plan.asked[-1]
    where = f"resumptionToken {asked!r}" if asked else "the first ListRecords request"
    note = ""
    if plan.error_code == "badResumptionToken":
        note = " (the token has expired or was never issued; it is dropped, and the next run " \
               "starts the harvest over from its first page)"
    return f"arXiv OAI-PMH harvest of {plan.base_url}: {where} answered {plan.error}{note}"


async def _run(ws: Workspace, config: Config, plan: OaiListRecordsPlan, state: HarvestState,
               result: HarvestResult, run_id: str | None, overrides: dict) -> None:
    async with Fetcher.from_config(config, validator_dir(ws), **overrides) as fetcher:
        steps = plan.steps()
        request = next(steps, None)
        while request is not None:
            page = await fetcher.fetch(request)
            try:
                request = steps.send(page)  # the plan reads the token before the page is landed
            except StopIteration:
                request = None
            _land_page(ws, page, run_id, result)
            _advance(state, plan, page)
            _save(ws, state)  # after landing: a stored token never points past unlanded pages


def _land_page(ws: Workspace, page: FetchResult, run_id: str | None, result: HarvestResult) -> None:
    result.requests += 1
    with landing_lock(ws):  # other fetch steps may be writing the manifest too
        if page.error is not None:
            row = quarantine_row(page)
            result.failed.append(row)
            keep_rejects(ws, [row])
        elif page.content is not None:
            landed = land(ws, [HttpCapture(capture=page.url, content=page.content,
                                           captured_at=page.fetched_at, sha256=page.sha256 or "",
                                           meta={"status": page.status, "headers": page.headers})],
                          kind="http")
            result.landed.observed += landed.observed
            result.landed.new += landed.new
        append_fetch_log(ws, [page], run_id)


def _advance(state: HarvestState, plan: OaiListRecordsPlan, page: FetchResult) -> None:
    if plan.error_code == "badResumptionToken":
        state.token, state.complete = None, False
        return
    if page.error is not None or plan.error_code:
        return  # the token stays that of the failed page: the next run asks for it again
    info = plan.pages[-1]
    state.pages += 1
    state.records += info.records
    state.deleted += info.deleted
    state.token, state.complete = plan.next_token, plan.complete
    state.complete_list_size = info.complete_list_size or state.complete_list_size
    state.cursor, state.response_date = info.cursor, info.response_date
