"""The REST API and the dashboard's web server (FastAPI).

    >>> from flashpoint.api import create_app, run_server
    >>> app = create_app("flashpoint.duckdb", token="s3cret")   # an ASGI app
    >>> run_server("flashpoint.duckdb", port=8000)              # or `flashpoint serve`

Reads are thin wrappers over :class:`~flashpoint.store.Store` and
:mod:`flashpoint.analyze`; every list comes back as ``{total, limit, offset, items}``
with ``limit`` capped. The OpenAPI schema is at ``/openapi.json`` (the interactive
``/docs`` page is off: it loads its scripts from a CDN, which neither the offline
promise nor the Content-Security-Policy allows).

Concurrency: a DuckDB connection must not be used by two threads at once, so each
request reads through a :meth:`~flashpoint.store.Store.cursor` of its own (cursors
are cheap and DuckDB runs their queries in parallel, outside the GIL). Reads are
calls of :class:`~flashpoint.store.Store` methods: this module holds no SQL. Writes —
``POST /api/ingest``, the only one — run one at a time on a thread of their own, through
the store's own connection, behind a lock. Dyad reports, which read every event of
both sides, are computed in a small pool of their own, once per report however many
requests ask for it at the same time.

Caching: the server process holds the store file open for writing, so no other
process can change it, and a counter bumped by each write is the store's state.
Under that state the server keeps the answered ``GET /api/…`` requests (by path
and query string, answered again without routing or queries), the dyad reports, the
event counts of each filter and the sorted events of the filters being paged through
(:class:`EventPages`); a write makes them all stale at once.

Security: binds to 127.0.0.1 unless told otherwise (and then only answers to
loopback host names, against DNS rebinding); writes need ``Authorization: Bearer
<token>`` (compared in constant time; a server without a token refuses every
write); request bodies over ``max_body`` bytes are refused with 413 whether or not
they announce their length; every query is parameterised; every response carries a
Content-Security-Policy that allows scripts from the server itself only, with
``nosniff`` and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pyarrow as pa
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashpoint import analyze
from flashpoint.errors import BadInput
from flashpoint.store import (
    EVENT_COLUMNS,
    TABLES,
    EventFilter,
    Store,
    event_record,
    json_records,
    json_value,
    quote_from_row,
)

__all__ = ["create_app", "run_server", "server"]

WEB = Path(__file__).parent / "web"
OUTLINES = WEB / "outlines.json"
MAX_BODY = 1_000_000
MAX_PAGE = 500
MAX_OFFSET = 1_000_000_000  # keeps OFFSET inside DuckDB's integer range
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; "
    # plotly.js adds <style> rules at run time; scripts stay 'self' only
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

ORDERS = {"newest": "day DESC, global_id DESC", "oldest": "day, global_id"}


# --------------------------------------------------------------------------- response shapes

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` rows match, ``items`` holds rows ``offset`` on."""

    total: int
    limit: int
    offset: int
    items: list[T]


_COLUMN_TYPES: dict[str, Any] = {"VARCHAR": str, "DATE": date, "INTEGER": int, "BIGINT": int,
                                 "TINYINT": int, "DOUBLE": float, "BOOLEAN": bool}
_EVENT_TYPES = dict(TABLES["events"])
EVENT_ITEM_COLUMNS = (*EVENT_COLUMNS, "first_article_id")

# The event columns as the store declares them, so the schema follows the store.
EventItem = create_model(  # type: ignore[call-overload]
    "EventItem", __doc__="A canonical event: one row of the store's events table.",
    **{c: (_COLUMN_TYPES[_EVENT_TYPES[c]] | None, None) for c in EVENT_ITEM_COLUMNS})


class ReportItem(BaseModel):
    """One article's report of an event, with the sentence that states it."""

    event_id: str
    article_id: str
    outlet: str | None
    published: date | None
    url: str | None
    evidence_text: str
    evidence_start: int
    evidence_end: int


class EventDetail(EventItem):  # type: ignore[misc, valid-type]
    reports: list[ReportItem]


class ArticleItem(BaseModel):
    article_id: str
    id: str | None
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    num_reports: int | None
    duplicate_of: str | None


class ArticleDetail(BaseModel):
    """An article with its events and quotes.

    ``events[].evidence`` and ``quotes[]`` carry ``field`` (``"text"`` or
    ``"title"``) and ``start``/``end`` offsets into that field as returned here.
    """

    article_id: str
    id: str | None
    title: str
    text: str
    published: date | None
    outlet: str | None
    url: str | None
    dateline: str | None
    duplicate_of: str | None
    events: list[dict[str, Any]]
    quotes: list[dict[str, Any]]


class ActorItem(BaseModel):
    """An actor as the articles name it: ``articles`` naming it, ``events`` it takes
    part in (as source or target)."""

    code: str | None
    name: str
    country: str | None
    sector: str | None
    articles: int
    events: int


class QuoteItem(BaseModel):
    """A quotation, its speaker, and the article (title, date) it comes from."""

    quote_id: str
    article_id: str
    speaker_name: str | None
    speaker_code: str | None
    text: str
    direct: bool
    channel: str | None
    published: date | None
    title: str | None


class DyadItems(BaseModel):
    """The busiest country pairs: ``analyze.top_dyads`` rows."""

    limit: int
    items: list[dict[str, Any]]


class DyadReportOut(BaseModel):
    """``DyadReport.to_dict()``: series rows, alerts, signals and mediators of a dyad.

    ``signals`` holds the latest ``analyze.MAX_SIGNALS`` de-escalation signals (in day
    order) and ``signals_total`` counts them all; the series' ``deescalation`` column
    counts them per day."""

    model_config = ConfigDict(extra="allow")

    a: str
    b: str
    since: str | None
    until: str | None
    directed: bool
    config: dict[str, Any]
    totals: dict[str, Any]
    series: list[dict[str, Any]]
    weekly: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    signals_total: int
    mediators: list[dict[str, Any]]


class NetworkOut(BaseModel):
    """``analyze.network``: actors as nodes, who acted on whom as edges."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


class IngestRequest(BaseModel):
    """An article to ingest (``text``), or a page or feed to fetch (``url`` alone)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article body.")
    title: str = ""
    published: date | None = Field(None, description="Publication date, YYYY-MM-DD.")
    url: str | None = Field(None, max_length=2000,
                            description="The article's URL; alone, a page or feed to fetch.")
    outlet: str | None = Field(None, max_length=200)
    id: str | None = Field(None, max_length=200, description="Your name for the article.")

    @model_validator(mode="after")
    def _text_or_url(self) -> IngestRequest:
        if self.text is None and self.url is None:
            raise ValueError('give "text" (an article) or "url" (a page or feed to fetch)')
        if self.url is not None:
            parts = urlparse(self.url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"url {self.url[:80]!r} is not an http(s) URL")
        return self


class IngestOut(BaseModel):
    """The pipeline's summary, and the ids of the new articles, events and reports."""

    summary: dict[str, Any]
    articles: list[str]
    events: list[str]
    reports: list[str]


# --------------------------------------------------------------------------- state


ReportKey = tuple[int, str, str, date | None, date | None, bool]
PageKey = tuple[int, EventFilter, str]  # store state, filter, order


class EventPages:
    """The events of the filters being paged through, kept sorted in memory.

    A DuckDB page query reads every matching event to find the page (about 10 ms on
    100,000 events). When a second page of the same filter and order is asked for (a
    table being paged, a map after its table), every matching event is read once,
    sorted, as an Arrow table, and that page and the next ones are slices of it (a
    quarter of the cost). Only filters of at most ``max_rows`` events are kept, the
    least recently used go first past ``max_bytes``, and the key holds the store's
    state, so a write makes them stale with the other caches. Thread-safe.
    """

    def __init__(self, *, max_rows: int = 20_000, max_bytes: int = 64_000_000) -> None:
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.size = 0
        self.tables: OrderedDict[PageKey, pa.Table] = OrderedDict()
        self.asked: set[PageKey] = set()  # asked for once: the next page builds the table
        self.building: set[PageKey] = set()
        self._lock = threading.Lock()

    def rows(self, store: Store, key: PageKey, total: int, limit: int, offset: int
             ) -> list[dict[str, Any]]:
        """One page of the events of ``key`` = (state, filter, order) matching ``total``
        events, as :meth:`Store.event_rows` returns it."""
        _, flt, order = key
        with self._lock:
            table = self.tables.get(key)
            if table is not None:
                self.tables.move_to_end(key)
            build = (table is None and key in self.asked and key not in self.building
                     and total <= self.max_rows)
            if build:
                self.building.add(key)
            elif len(self.asked) > 10_000:
                self.asked.clear()
            self.asked.add(key)
        if build:
            try:
                table = store.event_table(flt, order=order, columns=EVENT_ITEM_COLUMNS)
                self._keep(key, table)
            finally:
                with self._lock:
                    self.building.discard(key)
        if table is None:  # a first page, a big filter, or a table being built
            return store.event_rows(flt, limit=limit, offset=offset, order=order,
                                    columns=EVENT_ITEM_COLUMNS)
        return table.slice(offset, limit).to_pylist()  # type: ignore[no-any-return]

    def _keep(self, key: PageKey, table: pa.Table) -> None:
        with self._lock:
            self.tables[key] = table
            self.size += table.nbytes
            while self.size > self.max_bytes and len(self.tables) > 1:
                _, dropped = self.tables.popitem(last=False)
                self.size -= dropped.nbytes


@dataclass(frozen=True)
class DyadAnswer:
    """A dyad report as ``/api/dyad`` sends it (JSON with daily or weekly ``series``)
    and its alerts for ``/api/alerts``."""

    daily: bytes
    weekly: bytes
    alerts: list[dict[str, Any]]

    @classmethod
    def of(cls, report: analyze.DyadReport) -> DyadAnswer:
        data = report.to_dict()
        return cls(daily=_encode(data), weekly=_encode({**data, "series": data["weekly"]}),
                   alerts=data["alerts"])


class _Reports:
    """Dyad reports, computed in a small pool of their own and kept per store state.

    A cold report reads every event of both sides and takes a fraction of a second
    to seconds, so it runs apart from the request threads: a burst of dyad requests
    never leaves the event pages waiting for a free thread. Requests for a report
    being computed wait for that computation (none starts twice). The bookkeeping
    runs on the event loop only, so it needs no lock. What is kept is the encoded
    answer, not the DataFrames: a few MB for the busiest dyad of a large store.
    """

    def __init__(self, store: Store, *, workers: int = 2, size: int = 64) -> None:
        self.store = store
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=workers,
                                       thread_name_prefix="flashpoint-analysis")
        self.done: OrderedDict[ReportKey, DyadAnswer] = OrderedDict()
        self.running: dict[ReportKey, asyncio.Future[DyadAnswer]] = {}

    async def get(self, key: ReportKey) -> DyadAnswer:
        """The report of ``key`` = (store state, a, b, since, until, directed).

        Raises:
            HTTPException: 422 when analyze refuses the arguments.
        """
        if key in self.done:
            self.done.move_to_end(key)
            return self.done[key]
        future = self.running.get(key)
        if future is None:
            future = asyncio.get_running_loop().run_in_executor(self.pool, self._compute, key)
            self.running[key] = future
            future.add_done_callback(lambda f: self._finish(key, f))
        try:
            return await asyncio.shield(future)
        except ValueError as err:
            raise HTTPException(422, str(err)) from None

    async def run(self, fn: Callable[[Store], Any]) -> Any:
        """Run ``fn(store)`` on its own cursor in the analysis pool."""
        def call() -> Any:
            reader = self.store.cursor()
            try:
                return fn(reader)
            finally:
                reader.close()

        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, call)
        except ValueError as err:
            raise HTTPException(422, str(err)) from None

    def _compute(self, key: ReportKey) -> DyadAnswer:
        _, a, b, since, until, directed = key
        reader = self.store.cursor()
        try:
            return DyadAnswer.of(analyze.dyad_report(reader, a, b, since=since, until=until,
                                                     directed=directed))
        finally:
            reader.close()

    def _finish(self, key: ReportKey, future: asyncio.Future[DyadAnswer]) -> None:
        self.running.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self.done[key] = future.result()
        while len(self.done) > self.size:
            self.done.popitem(last=False)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class ServerState:
    """What every request shares: the store, the write token and lock, the reports."""

    store: Store
    token: str | None
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    version: int = 0  # bumped by every write: the store's state, for the caches
    reports: _Reports = field(init=False)
    writer: ThreadPoolExecutor = field(init=False)
    counts: dict[tuple[int, EventFilter], int] = field(default_factory=dict)
    pages: EventPages = field(default_factory=EventPages)

    def __post_init__(self) -> None:
        self.reports = _Reports(self.store)
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flashpoint-writer")

    def close(self) -> None:
        """Stop the analysis and writer threads, then close the store."""
        self.reports.close()
        self.writer.shutdown(wait=True, cancel_futures=True)
        self.store.close()

    def report(self, a: str, b: str, since: date | None, until: date | None,
               directed: bool = False) -> Awaitable[DyadAnswer]:
        """The answer of a dyad's report (shared: do not modify its alerts)."""
        return self.reports.get((self.version, a.upper(), b.upper(), since, until, directed))

    def count_events(self, store: Store, flt: EventFilter) -> int:
        """How many events match ``flt``, counted once per filter and store state (every
        page of a filter needs the total)."""
        key = (self.version, flt)
        if key not in self.counts:
            if len(self.counts) > 10_000:
                self.counts.clear()
            self.counts[key] = store.count_events(flt)
        return self.counts[key]


async def _state(request: Request) -> ServerState:
    return request.app.state.flashpoint  # type: ignore[no-any-return]


async def _reader(request: Request) -> AsyncIterator[Store]:
    """The store on a cursor of its own, for one request (closed after it).

    Async (it does not block): FastAPI runs it on the event loop instead of handing
    it to a worker thread.
    """
    reader = (await _state(request)).store.cursor()
    try:
        yield reader
    finally:
        reader.close()


StateDep = Annotated[ServerState, Depends(_state)]
ReaderDep = Annotated[Store, Depends(_reader)]


async def _write_token(request: Request) -> None:
    """Refuse a write unless it carries the server's token (401 otherwise)."""
    token = (await _state(request)).token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if not token:
        raise HTTPException(401, "writes are disabled: the server was started without a token",
                            headers={"WWW-Authenticate": "Bearer"})
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             token.encode()):
        raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})


WriteToken = Depends(_write_token)


# --------------------------------------------------------------------------- parameters

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Rows per page (≤ {MAX_PAGE}).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Since = Annotated[date | None, Query(description="First day, YYYY-MM-DD (inclusive).")]
Until = Annotated[date | None, Query(description="Last day, YYYY-MM-DD (inclusive).")]
SIDE = r"[A-Za-z0-9]{2,20}"
Side = Annotated[str, Query(pattern=f"^{SIDE}$", description="A country (IND) or actor code.")]
OptionalSide = Annotated[str | None, Query(pattern=f"^{SIDE}$",
                                           description="A country (IND) or actor code.")]
Dyad = Annotated[str | None, Query(
    pattern=f"^{SIDE}[,:]{SIDE}$", description="Two countries or actor codes: IND,PAK.")]


def _pair(dyad: str | None) -> tuple[str, str] | None:
    if not dyad:
        return None
    a, b = re.split("[,:]", dyad.upper())
    return a, b


async def event_filter(
    actor: Annotated[str | None, Query(
        max_length=100, description="Actor code prefix (USAGOV, IND) or part of a name.")
    ] = None,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$",
                                         description="ISO3 country on either side.")] = None,
    dyad: Dyad = None,
    directed: Annotated[bool, Query(description="With dyad: first to second only.")] = False,
    code: Annotated[str | None, Query(pattern=r"^\d{2,4}$",
                                      description="CAMEO code prefix, e.g. 19 or 0256.")] = None,
    root: Annotated[str | None, Query(pattern=r"^\d{1,2}$",
                                      description="Two-digit CAMEO root.")] = None,
    quad_class: Annotated[int | None, Query(
        ge=1, le=4, description="1 verbal coop., 2 material coop., 3 verbal conflict, "
        "4 material conflict.")] = None,
    since: Since = None,
    until: Until = None,
    place: Annotated[str | None, Query(
        max_length=100, description="Part of a place or admin1 name, or an ISO3 country.")
    ] = None,
    negated: Annotated[bool | None, Query(
        description="true: only negated events; false: only asserted ones.")] = None,
    min_articles: Annotated[int | None, Query(
        ge=1, le=1_000_000, description="Only events reported by at least this many articles.")
    ] = None,
    located: Annotated[bool | None, Query(
        description="true: only events with coordinates (the map's); false: only events "
        "without.")] = None,
) -> EventFilter:
    """The filters of ``flashpoint events``, as query parameters."""
    return EventFilter(actor=actor, country=country, dyad=_pair(dyad), directed=directed,
                       code=code, root=root, quad_class=quad_class, since=since, until=until,
                       place=place, negated=negated, min_articles=min_articles,
                       located=located)


FilterDep = Annotated[EventFilter, Depends(event_filter)]


# --------------------------------------------------------------------------- conversions


def _json_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of plain Python values (``Store.event_rows``) as JSON-ready dicts."""
    return [{k: json_value(v) for k, v in row.items()} for row in rows]


def _encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode()


def _json(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type="application/json")


def _plain(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with NaN/NA as None but dates kept as dates (for the store's record builders)."""
    return [{k: (None if not isinstance(v, (list, np.ndarray)) and pd.isna(v) else v)
             for k, v in rec.items()} for rec in df.to_dict("records")]


def _page(total: int, rows: pd.DataFrame, limit: int, offset: int,
          columns: Sequence[str]) -> dict[str, Any]:
    """A list endpoint's answer: ``rows`` (the page, cut to ``columns``) of ``total``."""
    return {"total": total, "limit": limit, "offset": offset,
            "items": json_records(rows[list(columns)])}


def _not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} {key!r} in this store")


# --------------------------------------------------------------------------- articles

articles = APIRouter(prefix="/api/articles", tags=["articles"])

@articles.get("", response_model=Page[ArticleItem])
def list_articles(store: ReaderDep,
                  q: Annotated[str | None, Query(max_length=200,
                                                 description="Words in the title or text.")
                               ] = None,
                  outlet: Annotated[str | None, Query(max_length=200)] = None,
                  since: Since = None, until: Until = None, limit: Limit = 50,
                  offset: Offset = 0) -> dict[str, Any]:
    """Stored articles (without their text), newest first."""
    filters = {"q": q, "outlet": outlet, "since": since, "until": until}
    rows = store.articles(**filters, order="newest", limit=limit, offset=offset)
    return _page(store.count_articles(**filters), rows, limit, offset,
                 ArticleItem.model_fields)


def _relocate(start: int, end: int, title_len: int) -> dict[str, Any]:
    """Offsets into ``title + "\\n" + text`` as offsets into the field they fall in."""
    if start >= title_len:
        return {"field": "text", "start": start - title_len, "end": end - title_len}
    return {"field": "title", "start": start, "end": min(end, title_len - 1)}


@articles.get("/{article_id}", response_model=ArticleDetail,
              responses={404: {"description": "No such article."}})
def get_article(store: ReaderDep,
                article_id: Annotated[str, PathParam(pattern="^[0-9a-f]{16,64}$")]
                ) -> dict[str, Any]:
    """One article with its text, events and quotes (offsets into ``text``, or into
    ``title`` where ``field`` says so)."""
    found = store.article_row(article_id)
    if found is None:
        raise _not_found("article", article_id)
    out = {k: json_value(v) for k, v in found.items()}
    out["title"] = out["title"] or ""
    title_len = len(out["title"]) + 1 if out["title"] else 0
    events = []
    for row in _plain(store.reports(article_id=article_id)):
        record = event_record(row)
        record["canonical_id"] = row["canonical_id"]
        record["evidence"].update(_relocate(record["evidence"]["start"],
                                            record["evidence"]["end"], title_len))
        events.append(record)
    quotes = []
    for row in _plain(store.quotes(article_id)):
        quote = quote_from_row(row)
        record = quote.to_dict()
        record.update(_relocate(quote.start, quote.end, title_len))
        quotes.append(record)
    return {**out, "events": events, "quotes": quotes}


# --------------------------------------------------------------------------- events

events = APIRouter(prefix="/api/events", tags=["events"])


@events.get("", response_model=Page[EventItem])  # type: ignore[valid-type]
def list_events(store: ReaderDep, state: StateDep, flt: FilterDep, limit: Limit = 50,
                offset: Offset = 0,
                order: Annotated[Literal["newest", "oldest"], Query()] = "newest"
                ) -> Response:
    """Canonical events (one per happening) with the filters of ``flashpoint events``."""
    total = state.count_events(store, flt)
    rows = state.pages.rows(store, (state.version, flt, ORDERS[order]), total, limit, offset)
    return _json(_encode({"total": total, "limit": limit, "offset": offset,
                          "items": _json_rows(rows)}))


@events.get("/{canonical_id}", response_model=EventDetail,
            responses={404: {"description": "No such event."}})
def get_event(store: ReaderDep,
              canonical_id: Annotated[str, PathParam(pattern="^[0-9a-f]{8,64}$")]
              ) -> dict[str, Any]:
    """One canonical event and every article's report of it."""
    found = store.event(canonical_id, columns=EVENT_ITEM_COLUMNS)
    if found is None:
        raise _not_found("event", canonical_id)
    reports = store.evidence(canonical_id)
    return {**_json_rows([found])[0],
            "reports": json_records(reports[list(ReportItem.model_fields)])}


# --------------------------------------------------------------------------- actors, quotes

people = APIRouter(prefix="/api", tags=["actors"])

@people.get("/actors", response_model=Page[ActorItem])
def list_actors(store: ReaderDep,
                q: Annotated[str | None, Query(max_length=100,
                                               description="Part of a name, or a code prefix.")
                             ] = None,
                country: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$")] = None,
                limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Actors named in the articles, by the number of events they take part in."""
    rows = store.actor_summary(q=q, country=country, limit=limit, offset=offset)
    return _page(store.count_actors(q=q, country=country), rows, limit, offset,
                 ActorItem.model_fields)


@people.get("/quotes", response_model=Page[QuoteItem], tags=["quotes"])
def list_quotes(store: ReaderDep,
                speaker: Annotated[str | None, Query(
                    max_length=100, description="Part of the speaker's name, or a code prefix.")
                ] = None,
                q: Annotated[str | None, Query(max_length=200,
                                               description="Words in the quotation.")] = None,
                article_id: Annotated[str | None, Query(pattern="^[0-9a-f]{16,64}$")] = None,
                limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Quotations with their speakers, newest article first."""
    filters = {"speaker": speaker, "q": q, "article_id": article_id}
    rows = store.quote_list(**filters, limit=limit, offset=offset)
    return _page(store.count_quotes(**filters), rows, limit, offset, QuoteItem.model_fields)


# --------------------------------------------------------------------------- analysis

analysis = APIRouter(prefix="/api", tags=["dyads"])


@analysis.get("/dyads", response_model=DyadItems)
def list_dyads(store: ReaderDep, limit: Annotated[int, Query(ge=1, le=100)] = 20,
               since: Since = None, until: Until = None) -> dict[str, Any]:
    """The country pairs with the most events (the dashboard's dyad picker)."""
    try:
        found = analyze.top_dyads(store, limit=limit, since=since, until=until)
    except ValueError as err:
        raise HTTPException(422, str(err)) from None
    return {"limit": limit, "items": json_records(found)}


@analysis.get("/dyad", response_model=DyadReportOut)
async def get_dyad(state: StateDep, a: Side, b: Side, since: Since = None, until: Until = None,
                   directed: Annotated[bool, Query(description="Only events from a to b.")
                                       ] = False,
                   freq: Annotated[Literal["D", "W"], Query(
                       description="Rows of `series`: D per day, W per ISO week.")] = "D"
                   ) -> Response:
    """A dyad's daily (or weekly) series, escalation alerts, de-escalation signals and
    mediators: ``DyadReport.to_dict()``."""
    answer = await state.report(a, b, since, until, directed)
    return _json(answer.weekly if freq == "W" else answer.daily)


@analysis.get("/alerts", response_model=Page[dict[str, Any]])
async def list_alerts(state: StateDep, a: OptionalSide = None, b: OptionalSide = None,
                      since: Since = None, until: Until = None,
                      dyads: Annotated[int, Query(
                          ge=1, le=50, description="Without a and b: how many top dyads to "
                          "scan.")] = 10,
                      limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Escalation and de-escalation alerts of one dyad, or of the top dyads, newest first."""
    if (a is None) != (b is None):
        missing = "b" if b is None else "a"
        raise HTTPException(422, f"query parameter {missing!r}: give both a and b, or neither")
    if a and b:
        pairs = [(a.upper(), b.upper())]
    else:
        top = await state.reports.run(
            lambda store: analyze.top_dyads(store, limit=dyads, since=since, until=until))
        pairs = list(zip(top["a"], top["b"], strict=True))
    items = []
    for x, y in pairs:
        answer = await state.report(x, y, since, until)
        items += [{"a": x, "b": y, **row} for row in answer.alerts]
    items.sort(key=lambda r: str(r.get("period")), reverse=True)
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset:offset + limit]}


@analysis.get("/network", response_model=NetworkOut)
def get_network(store: ReaderDep, dyad: Dyad = None, since: Since = None,
                until: Until = None, limit: Annotated[int, Query(
                    ge=1, le=200, description="Most active actors to keep.")] = 40
                ) -> dict[str, Any]:
    """The actor network: actors as nodes, event counts between them as edges."""
    try:
        return analyze.network(store, dyad=_pair(dyad), since=since, until=until, limit=limit)
    except ValueError as err:
        raise HTTPException(422, str(err)) from None


# --------------------------------------------------------------------------- ingest

writes = APIRouter(prefix="/api", tags=["ingest"])


def _inputs(body: IngestRequest) -> list[Any]:
    """What the pipeline is to read: the article itself, or the URL to fetch.

    Raises:
        HTTPException: 422 for a text the pipeline would refuse (empty, binary, too
            large, not English), with the reason.
    """
    from flashpoint.ingest import check_text
    from flashpoint.ingest.sources import Input
    from flashpoint.model import Article

    if body.text is None:
        return [body.url]
    article = Article(text=body.text, title=body.title,
                      published=body.published.isoformat() if body.published else None,
                      url=body.url, outlet=body.outlet, id=body.id)
    try:
        check_text(article.full_text, "text")
    except BadInput as err:
        raise HTTPException(422, str(err)) from None
    return [Input(f"api:{body.id or article.article_id[:16]}", article)]


def _ingest(state: ServerState, inputs: list[Any], published: str | None
            ) -> tuple[dict[str, Any], bool]:
    """Run the pipeline on ``inputs`` (on the writer thread, under the write lock) and
    return the answer and whether anything new was stored."""
    from flashpoint.pipeline import Outcome, ingest

    outcomes: list[Outcome] = []
    with state.write_lock:
        try:
            report = ingest(inputs, db=state.store, progress=outcomes.append,
                            published=published)
        finally:  # a failed run may still have committed its earlier batches
            state.version += 1
    if report.skipped and not (report.ingested or report.exists or report.duplicates):
        raise HTTPException(422, "; ".join(f"{o.origin}: {o.detail}" for o in report.skipped))
    ids = [o.article_id for o in outcomes if o.status == "ingested" and o.article_id]
    reader = state.store.cursor()
    try:
        rows = [r for i in ids for r in json_records(reader.reports(article_id=i))]
    finally:
        reader.close()
    answer = IngestOut(summary=report.to_dict(), articles=ids,
                       events=list(dict.fromkeys(r["canonical_id"] for r in rows)),
                       reports=[r["event_id"] for r in rows])
    return answer.model_dump(), bool(ids)


@writes.post("/ingest", response_model=IngestOut, status_code=201,
             dependencies=[WriteToken],
             responses={200: {"description": "Nothing new: the article is already stored."},
                        401: {"description": "Missing or wrong token."},
                        413: {"description": "Body too large."}})
async def ingest_article(body: IngestRequest, state: StateDep) -> JSONResponse:
    """Ingest one article (``text``) or the article(s) behind a URL or feed (``url``)
    through the same pipeline as ``flashpoint ingest``; 201 with the new event ids.

    Writes run one at a time on a thread of their own, so requests waiting to write
    never hold the threads that serve reads.
    """
    published = body.published.isoformat() if body.published else None
    answer, created = await asyncio.get_running_loop().run_in_executor(
        state.writer, _ingest, state, _inputs(body), published)
    return JSONResponse(answer, status_code=201 if created else 200)


# --------------------------------------------------------------------------- dashboard

dashboard = APIRouter(tags=["dashboard"])


def _file(path: Path, what: str, media_type: str | None = None) -> FileResponse:
    if not path.is_file():
        raise HTTPException(404, f"{what} is missing from this installation ({path.name})")
    return FileResponse(path, media_type=media_type)


@dashboard.get("/", include_in_schema=False)
def index() -> FileResponse:
    return _file(WEB / "index.html", "the dashboard", "text/html")


@dashboard.get("/static/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """plotly.js as shipped inside the plotly package: no CDN."""
    import plotly

    return _file(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                 "plotly.js", "text/javascript")


@dashboard.get("/api/outlines", tags=["dashboard"])
def outlines() -> FileResponse:
    """Country outlines for the dashboard's map (GeoJSON-like JSON, packaged)."""
    return _file(OUTLINES, "the country outlines file", "application/json")


# --------------------------------------------------------------------------- middleware


def _headers(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope["headers"] if k.lower() == name), None)


async def _json_error(scope: Scope, receive: Receive, send: Send, status: int,
                      detail: str) -> None:
    await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413: by Content-Length when
    one is sent, and by counting the bytes received otherwise (a chunked body)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _headers(scope, b"content-length")
        if length is not None:
            if not length.isdigit():
                await _json_error(scope, receive, send, 400,
                                  "Content-Length is not a number")
                return
            if int(length) > self.max_body:
                await _json_error(scope, receive, send, 413,
                                  f"request body of {int(length)} bytes is over the limit "
                                  f"of {self.max_body} bytes")
                return
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                await _json_error(scope, receive, send, 413,
                                  f"request body is over the limit of {self.max_body} bytes")
                return
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def receive_again() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, receive_again, send)


class ResponseCache:
    """Answers a repeated ``GET /api/…`` from memory while the store is unchanged.

    The key is the store's state (``ServerState.version``, read when the request
    arrives), the path and the raw query string; only 200 responses are kept, so
    only requests that passed validation. A hit skips routing and parameter
    parsing altogether. Least recently used bodies go first once they weigh more
    than ``max_bytes``. Runs on the event loop: no lock needed.
    """

    def __init__(self, app: ASGIApp, state: ServerState, max_bytes: int = 64_000_000) -> None:
        self.app = app
        self.state = state
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict[tuple[int, str, bytes], tuple[list[Any], bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET"
                or not scope["path"].startswith("/api/") or scope["path"] == "/api/outlines"):
            await self.app(scope, receive, send)
            return
        key = (self.state.version, scope["path"], scope["query_string"])
        if key in self.items:
            self.items.move_to_end(key)
            headers, body = self.items[key]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if start.get("status") == 200:
            self._keep(key, list(start.get("headers", [])), b"".join(chunks))

    def _keep(self, key: tuple[int, str, bytes], headers: list[Any], body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        self.items[key] = (headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, dropped) = self.items.popitem(last=False)
            self.size -= len(dropped)


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _input_name(loc: Sequence[Any]) -> str:
    """``("query", "quad_class")`` as "query parameter 'quad_class'"."""
    kind, *rest = [str(p) for p in loc] or ["request"]
    name = ".".join(rest)
    if kind in ("query", "path", "header"):
        return f"{kind} parameter {name!r}"
    return f"{kind} field {name!r}" if name else kind


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with a one-line ``detail`` naming each bad input (and the full ``errors``)."""
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors():
        where = _input_name(err.get("loc", ()))
        given = err.get("input")
        shown = f" (got {str(given)[:60]!r})" if isinstance(given, (str, int, float)) else ""
        parts.append(f"{where}: {err.get('msg')}{shown}")
    return JSONResponse({"detail": "; ".join(parts),
                         "errors": [{k: err.get(k) for k in ("loc", "msg", "type")}
                                    for err in exc.errors()]}, status_code=422)


# --------------------------------------------------------------------------- app and server


def _operation_id(route: APIRoute) -> str:
    """Stable operation ids (``events-list_events``) for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(db: str | Path, *, token: str | None = None, max_body: int = MAX_BODY,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The REST API and dashboard over one store.

    Args:
        db: the store file (opened for reading and writing, created when missing).
        token: the bearer token writes need; None refuses every write.
        max_body: largest request body accepted, in bytes.
        allowed_hosts: Host header values to answer (None: any).

    Returns:
        A FastAPI app; its lifespan closes the store.
    """
    store = Store(db)
    state = ServerState(store=store, token=token or None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(title="Flashpoint", version="0.1.0", lifespan=lifespan,
                  summary="Coded news events (CAMEO) between actors, with their evidence.",
                  docs_url=None, redoc_url=None,
                  generate_unique_id_function=_operation_id)
    app.state.flashpoint = state
    for router in (articles, events, people, analysis, writes, dashboard):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB, check_dir=False), name="static")
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(ResponseCache, state=state)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders)
    return app


def server(db: str | Path, *, host: str = "127.0.0.1", port: int = 8000,
           token: str | None = None, max_body: int = MAX_BODY, log_level: str = "warning"
           ) -> Any:
    """A configured ``uvicorn.Server`` (not started): ``server(...).run()`` blocks.

    A server bound to a loopback address answers only to loopback host names, so a
    web page cannot reach it through a DNS name rebound to 127.0.0.1.
    """
    import uvicorn

    hosts = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else None
    app = create_app(db, token=token, max_body=max_body, allowed_hosts=hosts)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            server_header=False)
    return uvicorn.Server(config)


def run_server(db: str | Path, *, host: str = "127.0.0.1", port: int = 8000,
               token: str | None = None, open_browser: bool = False) -> None:
    """Serve the API and dashboard until interrupted (Ctrl-C).

    Args:
        db: the store file.
        host: the address to bind; 127.0.0.1 keeps the server to this machine.
        port: the TCP port.
        token: the write token; default ``$FLASHPOINT_TOKEN``, else a new one is
            generated and printed.
        open_browser: open the dashboard in the default browser once started.
    """
    token = token or os.environ.get("FLASHPOINT_TOKEN")
    if not token:
        token = secrets.token_urlsafe(24)
        print(f"write token (POST /api/ingest, 'Authorization: Bearer …'): {token}", flush=True)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"Flashpoint serving {db} at {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, [url]).start()
    server(db, host=host, port=port, token=token).run()
