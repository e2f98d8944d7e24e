"""Request plans: which URL to ask for next, decided from the previous response.

This is the fetch sources' common ground: `Plan`, and running plans through the Fetcher. Each
fetch source's own plans live in its folder (`sources/<folder>/paging.py`).

A plan's `steps()` is a generator that yields a Request and receives the FetchResult back, so
paging logic reads top to bottom. Plans parse only what paging needs (a total, a cursor, a next
link) and never the records themselves: that is the parsers' job, run later on the landed bytes.
A failed or unparseable page ends its plan; the result is still yielded so it can be quarantined.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Generator, Iterable

from .client import Fetcher
from .result import FetchResult, Request

log = logging.getLogger("pipelines.http.paging")

Steps = Generator[Request, FetchResult, None]


class Plan:
    name = "plan"

    def steps(self) -> Steps:  # pragma: no cover - abstract
        raise NotImplementedError
        yield


def usable(result: FetchResult) -> bool:
    """A response a plan can page on: no error, new content."""
    return result.error is None and not result.unchanged and result.content is not None


def json_body(result: FetchResult) -> dict | None:
    """The response's JSON object, or None when it is not one."""
    try:
        data = json.loads(result.content)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


async def run_plan(plan: Plan, fetcher: Fetcher) -> AsyncIterator[FetchResult]:
    steps = plan.steps()
    try:
        request = next(steps)
    except StopIteration:
        return
    while True:
        result = await fetcher.fetch(request)
        yield result
        try:
            request = steps.send(result)
        except StopIteration:
            return


async def fetch_all(plans: Iterable[Plan], fetcher: Fetcher,
                    on_plan_done: Callable[[Plan], None] | None = None) -> AsyncIterator[FetchResult]:
    """Run plans concurrently (each one sequential, as paging must be) and yield results as they
    arrive. Politeness is the fetcher's job: per-host pacing holds however many plans share a host.
    `on_plan_done(plan)` is called as each plan ends (progress: plans are what is known up front)."""
    queue: asyncio.Queue = asyncio.Queue()
    done = object()

    async def drive(plan: Plan) -> None:
        try:
            async for result in run_plan(plan, fetcher):
                await queue.put(result)
        except Exception:  # a paging bug ends that plan, not the run
            log.exception("plan %s failed", plan.name)
        finally:
            if on_plan_done is not None:
                on_plan_done(plan)
            await queue.put(done)

    tasks = [asyncio.create_task(drive(p)) for p in plans]
    remaining = len(tasks)
    try:
        while remaining:
            item = await queue.get()
            if item is done:
                remaining -= 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
