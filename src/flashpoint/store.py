"""The embedded store: articles, reports (per-article events with their evidence),
canonical events, actors and quotes in one DuckDB file.

    >>> from flashpoint import Store
    >>> store = Store("flashpoint.duckdb")          # or Store(":memory:")
    >>> store.events(dyad=("IND", "PAK"), root="19").head()

Tables:

- ``articles``: one row per distinct text, keyed by ``article_id`` (sha256 of the
  normalised text). A near copy (a wire story republished with small edits) is
  stored with ``duplicate_of`` set to the article it copies; its events are not
  extracted again.
- ``article_copies``: exact copies (same text) found under another name.
- ``lsh_bands``: MinHash band keys of every article, for finding near copies.
- ``reports``: the :class:`~flashpoint.model.Event` records of each article, keyed by
  ``event_id``, each pointing to its canonical event (``canonical_id``).
- ``events``: canonical events, one per happening (see :mod:`flashpoint.merge`),
  with ``num_reports``, ``num_articles``, ``num_sources``, ``first_seen`` and
  ``last_seen``; ``global_id`` numbers them in the order they were first seen.
- ``actors`` and ``quotes``: the actors and quotations of each article.

Writes are idempotent — every key is a content hash and rows are inserted with
``INSERT … ON CONFLICT DO NOTHING`` — and each batch is one transaction, so a run
killed at any moment leaves the store as it was after the last whole batch. SQL is
parameterised throughout; queries return pandas DataFrames.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from flashpoint.errors import FlashpointError
from flashpoint.merge import Merger, source_key
from flashpoint.model import Actor, ActorRef, Article, ArticleResult, Event, Quote, stable_id

__all__ = ["BatchItem", "EventFilter", "Store", "StoreError", "WriteSummary", "json_records",
           "json_value"]

SCHEMA_VERSION = "1"
DEFAULT_PATH = "flashpoint.duckdb"
# A page of events (``ORDER BY day DESC … LIMIT n OFFSET m``) is found on the sort
# keys first and only its n rows are then read in full ("late materialization") when
# n + m is at most this; DuckDB's default (50) leaves pages of 100 reading every
# column of every matching event, twice the time (benchmarks/README.md).
LATE_MATERIALIZATION_ROWS = 10_000

_ACTOR_PARTS = ("name", "text", "country", "sector", "org", "code")
_LOCATION_PARTS = (("name", "VARCHAR"), ("admin1", "VARCHAR"), ("country", "VARCHAR"),
                   ("lat", "DOUBLE"), ("lon", "DOUBLE"), ("geonames_id", "BIGINT"),
                   ("precision", "VARCHAR"))

_EVENT_CORE: list[tuple[str, str]] = [
    *((f"source_{p}", "VARCHAR") for p in _ACTOR_PARTS),
    *((f"target_{p}", "VARCHAR") for p in _ACTOR_PARTS),
    ("cameo", "VARCHAR"), ("cameo_root", "VARCHAR"), ("cameo_name", "VARCHAR"),
    ("plover_type", "VARCHAR"), ("plover_mode", "VARCHAR"),
    ("quad_class", "TINYINT"), ("goldstein", "DOUBLE"),
    ("date", "DATE"), ("date_precision", "VARCHAR"), ("date_text", "VARCHAR"),
    *((f"location_{p}", t) for p, t in _LOCATION_PARTS),
    ("killed", "INTEGER"), ("injured", "INTEGER"), ("negated", "BOOLEAN"),
    ("modality", "VARCHAR"), ("confidence", "DOUBLE"), ("evidence_text", "VARCHAR"),
    ("is_root", "BOOLEAN"),
]

TABLES: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("article_id", "VARCHAR"), ("akey", "BIGINT"), ("seq", "BIGINT"), ("id", "VARCHAR"),
        ("origin", "VARCHAR"), ("url", "VARCHAR"), ("outlet", "VARCHAR"), ("published", "DATE"),
        ("title", "VARCHAR"),
        ("text", "VARCHAR"), ("language", "VARCHAR"), ("dateline", "VARCHAR"),
        ("duplicate_of", "VARCHAR"), ("similarity", "DOUBLE"), ("num_reports", "INTEGER"),
        ("minhash", "BLOB"), ("ingested_at", "TIMESTAMP"),
    ],
    "article_copies": [
        ("origin", "VARCHAR"), ("article_id", "VARCHAR"), ("akey", "BIGINT"), ("id", "VARCHAR"),
        ("url", "VARCHAR"), ("outlet", "VARCHAR"), ("published", "DATE"),
        ("ingested_at", "TIMESTAMP"),
    ],
    "lsh_bands": [("band_key", "BIGINT"), ("article_id", "VARCHAR")],
    "reports": [
        ("event_id", "VARCHAR"), ("article_id", "VARCHAR"), ("ord", "INTEGER"),
        ("canonical_id", "VARCHAR"),
        ("evidence_start", "INTEGER"), ("evidence_end", "INTEGER"),
        *[c for c in _EVENT_CORE if c[0] not in ("is_root",)],
        ("attribution_name", "VARCHAR"), ("attribution_channel", "VARCHAR"),
        ("is_root", "BOOLEAN"),
    ],
    "events": [
        ("canonical_id", "VARCHAR"), ("global_id", "BIGINT"), ("merge_key", "BIGINT"),
        ("merge_day", "DATE"), ("day", "DATE"),
        *_EVENT_CORE,
        ("num_reports", "INTEGER"), ("num_articles", "INTEGER"), ("num_sources", "INTEGER"),
        ("source_keys", "VARCHAR"), ("first_seen", "DATE"), ("last_seen", "DATE"),
        ("first_article_id", "VARCHAR"), ("source_url", "VARCHAR"),
        ("date_added", "TIMESTAMP"),
    ],
    "actors": [
        ("actor_id", "VARCHAR"), ("article_id", "VARCHAR"), ("ord", "INTEGER"),
        ("name", "VARCHAR"), ("country", "VARCHAR"), ("sector", "VARCHAR"), ("org", "VARCHAR"),
        ("code", "VARCHAR"), ("role", "VARCHAR"), ("aliases", "VARCHAR[]"),
    ],
    "quotes": [
        ("quote_id", "VARCHAR"), ("article_id", "VARCHAR"), ("ord", "INTEGER"),
        *((f"speaker_{p}", "VARCHAR") for p in _ACTOR_PARTS),
        ("text", "VARCHAR"), ("start", "INTEGER"), ("end", "INTEGER"), ("direct", "BOOLEAN"),
        ("channel", "VARCHAR"),
    ],
}
_KEYS = {"articles": "article_id", "article_copies": "origin, article_id",
         "reports": "event_id", "events": "canonical_id", "actors": "actor_id",
         "quotes": "quote_id"}
_ARROW = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32(),
          "TINYINT": pa.int8(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
          "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BLOB": pa.binary(),
          "VARCHAR[]": pa.list_(pa.string())}

# The columns of a canonical event a query returns, in display order.
EVENT_COLUMNS = (
    "global_id", "canonical_id", "day", "date", "date_precision",
    "source_name", "source_code", "source_country", "target_name", "target_code",
    "target_country", "cameo", "cameo_root", "cameo_name", "plover_type", "plover_mode",
    "quad_class", "goldstein", "location_name", "location_admin1", "location_country",
    "location_lat", "location_lon", "location_precision", "killed", "injured", "negated",
    "modality", "num_reports", "num_articles", "num_sources", "first_seen", "last_seen",
    "evidence_text", "source_url",
)


# The orders of an event query (newest first, oldest first, ingest order).
EVENT_ORDERS = ("day DESC, global_id DESC", "day, global_id", "global_id")
ARTICLE_ORDERS = {"ingest": "seq", "newest": "published DESC NULLS LAST, seq DESC"}

# Actors named in articles (by code and name) and how many events each takes part in.
_ACTOR_SUMMARY = """
WITH mentions AS (
  SELECT code, name, any_value(country) AS country, any_value(sector) AS sector,
         count(DISTINCT article_id) AS articles
  FROM actors WHERE {where} GROUP BY code, name),
roles AS (
  SELECT source_code AS code, source_name AS name FROM events
  UNION ALL SELECT target_code, target_name FROM events),
counts AS (SELECT code, name, count(*) AS events FROM roles GROUP BY code, name)
SELECT m.code, m.name, m.country, m.sector, m.articles, coalesce(c.events, 0) AS events
FROM mentions m LEFT JOIN counts c
  ON c.name = m.name AND c.code IS NOT DISTINCT FROM m.code"""

_QUOTE_LIST = ("SELECT q.quote_id, q.article_id, q.speaker_name, q.speaker_code, q.text, "
               "q.direct, q.channel, a.published, a.title "
               "FROM quotes q JOIN articles a USING (article_id)")


class StoreError(FlashpointError):
    """The store cannot be opened or written; the message names the file and the fix."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _arrow_table(table: str, rows: Sequence[dict[str, Any]]) -> pa.Table:
    columns = TABLES[table]
    schema = pa.schema([(name, _ARROW[kind]) for name, kind in columns])
    return pa.Table.from_pydict({name: [r.get(name) for r in rows] for name, _ in columns},
                                schema=schema)


def akey(article_id: str) -> int:
    """A 60-bit integer key of an article id (scanned much faster than the hex string)."""
    return int(article_id[:15], 16)


def _first(cursor: Any) -> Any:
    """The first row of a result, read to the end (DuckDB refuses new work on a
    connection while a result is half read)."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _like(text: str) -> str:
    """An ``ILIKE … ESCAPE '\\'`` pattern matching ``text`` anywhere, its own ``%`` and
    ``_`` taken literally (a search for "100%" is not a wildcard)."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def _where(terms: Sequence[tuple[str, Sequence[Any]]]) -> tuple[str, list[Any]]:
    """``(condition, parameters)`` pairs joined with AND (TRUE when there are none)."""
    sql = " AND ".join(term for term, _ in terms) or "TRUE"
    return sql, [p for _, params in terms for p in params]


def _page_sql(sql: str, params: list[Any], limit: int | None, offset: int
              ) -> tuple[str, list[Any]]:
    """``sql`` limited to one page when ``limit`` is given."""
    if not limit:
        return sql, params
    return sql + " LIMIT ? OFFSET ?", [*params, int(limit), int(offset)]


@dataclass(frozen=True)
class EventFilter:
    """Filters of an event query; every one is optional and they combine with AND.

    Attributes:
        actor: an actor code prefix (``"USAGOV"``, ``"IND"``) or part of an actor's
            name (``"Rubio"``), on either side.
        country: an ISO3 country code on either side (``"PAK"``).
        dyad: two countries or actor codes; events between them, either direction
            unless ``directed``.
        directed: with ``dyad``, only events from the first to the second.
        code: a CAMEO code prefix (``"19"``, ``"195"``, ``"0256"``).
        root: a two-digit CAMEO root.
        quad_class: 1 verbal cooperation … 4 material conflict.
        since, until: event days (inclusive), ``YYYY-MM-DD``.
        place: part of the place name or admin1 region, or an ISO3 country.
        negated: True for only negated events, False for only asserted ones.
        min_articles: only events reported by at least this many articles.
        located: True for only events with coordinates (``location_lat`` and
            ``location_lon``, the ones a map can show), False for only those without.
    """

    actor: str | None = None
    country: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    code: str | None = None
    root: str | None = None
    quad_class: int | None = None
    since: str | date | None = None
    until: str | date | None = None
    place: str | None = None
    negated: bool | None = None
    min_articles: int | None = None
    located: bool | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters."""
        terms: list[str] = []
        params: list[Any] = []
        if self.actor:
            terms.append("(starts_with(source_code, ?) OR starts_with(target_code, ?) "
                         "OR source_name ILIKE ? ESCAPE '\\' "
                         "OR target_name ILIKE ? ESCAPE '\\')")
            like = _like(self.actor)
            params += [self.actor.upper(), self.actor.upper(), like, like]
        if self.country:
            terms.append("(source_country = ? OR target_country = ?)")
            params += [self.country.upper()] * 2
        if self.dyad:
            a, b = (x.upper() for x in self.dyad)
            col_a = "source_country" if len(a) <= 3 else "source_code"
            col_b = "target_country" if len(b) <= 3 else "target_code"
            rev_a = "target_country" if len(a) <= 3 else "target_code"
            rev_b = "source_country" if len(b) <= 3 else "source_code"
            if self.directed:
                terms.append(f"({col_a} = ? AND {col_b} = ?)")
                params += [a, b]
            else:
                terms.append(f"(({col_a} = ? AND {col_b} = ?) OR ({rev_b} = ? AND {rev_a} = ?))")
                params += [a, b, b, a]
        if self.code:
            terms.append("starts_with(cameo, ?)")
            params.append(self.code)
        if self.root:
            terms.append("cameo_root = ?")
            params.append(self.root.zfill(2))
        if self.quad_class is not None:
            terms.append("quad_class = ?")
            params.append(int(self.quad_class))
        if self.since:
            terms.append("day >= ?")
            params.append(_day(self.since))
        if self.until:
            terms.append("day <= ?")
            params.append(_day(self.until))
        if self.place:
            terms.append("(location_name ILIKE ? ESCAPE '\\' "
                         "OR location_admin1 ILIKE ? ESCAPE '\\' OR location_country = ?)")
            params += [_like(self.place), _like(self.place), self.place.upper()]
        if self.negated is not None:
            terms.append("negated = ?")
            params.append(bool(self.negated))
        if self.min_articles:
            terms.append("num_articles >= ?")
            params.append(int(self.min_articles))
        if self.located is True:
            terms.append("(location_lat IS NOT NULL AND location_lon IS NOT NULL)")
        elif self.located is False:
            terms.append("(location_lat IS NULL OR location_lon IS NULL)")
        return (" AND ".join(terms) or "TRUE"), params


@dataclass
class BatchItem:
    """One input of a batch, as the pipeline decided to store it.

    ``kind`` is ``"new"`` (a new article, with its extraction ``result``),
    ``"near"`` (a near copy of ``duplicate_of``, stored without extraction) or
    ``"copy"`` (an exact copy of a stored article found under another origin).
    """

    origin: str
    article: Article
    kind: str
    article_id: str = ""
    result: ArticleResult | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    signature: np.ndarray | None = None
    band_keys: Sequence[int] = ()

    def __post_init__(self) -> None:
        if not self.article_id:
            self.article_id = self.article.article_id


@dataclass
class WriteSummary:
    articles: int = 0
    copies: int = 0
    reports: int = 0
    new_events: int = 0
    merged_reports: int = 0
    events: list[str] = field(default_factory=list)


class Store:
    """A Flashpoint store in one DuckDB file (or in memory with ``":memory:"``).

    Args:
        path: the database file, created when missing; ``":memory:"`` for a
            throw-away store.
        read_only: open for queries only (several readers may share a file).

    Raises:
        StoreError: the file is held by another process, or is not a Flashpoint store.

    Threads: a Store answers one call at a time (a lock serialises the calls on its
    DuckDB connection, which must not serve two threads at once). For reads in
    parallel, give each thread its own :meth:`cursor`.
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as err:
            message = str(err)
            if "lock" in message.lower():
                raise StoreError(f"{self.path}: in use by another process; wait for it to "
                                 "finish or use another --db") from None
            raise StoreError(f"{self.path}: cannot be opened ({message.splitlines()[0]})"
                             ) from None
        except duckdb.Error as err:
            raise StoreError(f"{self.path}: not a DuckDB database "
                             f"({str(err).splitlines()[0]})") from None
        self._tune()
        if not read_only:
            self._create()
        else:
            self._check_version()

    # ------------------------------------------------------------------ schema

    def _tune(self) -> None:
        """Database settings for the queries of this module (shared by every cursor)."""
        with suppress(duckdb.CatalogException):  # DuckDB before 1.3 has no such setting
            self.con.execute("SET GLOBAL late_materialization_max_rows = "
                             f"{LATE_MATERIALIZATION_ROWS}")

    def _create(self) -> None:
        with self._lock:
            self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, "
                             "value VARCHAR)")
            for table, columns in TABLES.items():
                cols = ", ".join(f"{_quote(n)} {t}" for n, t in columns)
                key = f", PRIMARY KEY ({_KEYS[table]})" if table in _KEYS else ""
                self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols}{key})")
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?) "
                             "ON CONFLICT DO NOTHING", [SCHEMA_VERSION])
            self._check_version()

    def _check_version(self) -> None:
        try:
            row = _first(self.con.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"))
        except duckdb.CatalogException:
            raise StoreError(f"{self.path}: not a Flashpoint store (no meta table)") from None
        if row is None or row[0] != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {row[0] if row else '?'} is not "
                             f"{SCHEMA_VERSION}; re-ingest into a new file")

    def cursor(self) -> Store:
        """A read-only Store on a new DuckDB cursor of this store's database.

        A cursor is a connection of its own to the same open database: queries on
        different cursors run in parallel (DuckDB releases the GIL while it works),
        each sees the data committed when its query starts, and a write batch in
        progress on this store is invisible to them until it commits. Give every
        thread (a web request, a worker) its own cursor and close it when done;
        closing it leaves this store open. This method may be called from any thread,
        even while this store is busy writing.

        Returns:
            A Store for queries only: ``write_batch`` refuses.
        """
        reader = object.__new__(Store)
        reader.path = self.path
        reader.read_only = True
        reader._lock = threading.RLock()
        reader.con = self.con.cursor()
        return reader

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    # ------------------------------------------------------------------ lookups

    def _ids_table(self, name: str, column: str, values: Iterable[Any], kind: pa.DataType
                   ) -> None:
        self.con.register(name, pa.table({column: pa.array(list(values), type=kind)}))

    def known_articles(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored articles among these ids: ``{article_id: {origin, duplicate_of, origins}}``
        (``origins``: every name it was stored or copied under)."""
        ids = set(article_ids)
        if not ids:
            return {}
        keys = sorted({akey(a) for a in ids})
        with self._lock:
            rows = self.con.execute(
                "SELECT article_id, origin, duplicate_of FROM articles "
                "WHERE akey IN (SELECT unnest(?::BIGINT[]))", [keys]).fetchall()
            copies = self.con.execute(
                "SELECT article_id, origin FROM article_copies "
                "WHERE akey IN (SELECT unnest(?::BIGINT[]))", [keys]).fetchall()
        out = {a: {"origin": o, "duplicate_of": d, "origins": {o}} for a, o, d in rows
               if a in ids}
        for article_id, origin in copies:
            if article_id in out:
                out[article_id]["origins"].add(origin)
        return out

    def band_candidates(self, keys: Iterable[int]) -> list[tuple[int, str, str | None, int,
                                                                  bytes]]:
        """Stored articles sharing any of these LSH band keys.

        Returns:
            ``(band_key, article_id, duplicate_of, seq, minhash)`` tuples.
        """
        keys = list(set(keys))
        if not keys:
            return []
        with self._lock:
            hits = self.con.execute(
                "SELECT band_key, article_id FROM lsh_bands "
                "WHERE band_key IN (SELECT unnest(?::BIGINT[]))", [keys]).fetchall()
            if not hits:
                return []
            ids = {a for _, a in hits}
            rows = self.con.execute(
                "SELECT article_id, duplicate_of, seq, minhash FROM articles "
                "WHERE akey IN (SELECT unnest(?::BIGINT[]))",
                [sorted({akey(a) for a in ids})]).fetchall()
        found = {r[0]: r for r in rows if r[0] in ids}
        return [(key, aid, *found[aid][1:]) for key, aid in hits if aid in found]

    # The columns merging reads and updates: no names, codes or evidence.
    _MERGE_COLUMNS = ("canonical_id", "global_id", "merge_key", "merge_day",
                      *(f"location_{p}" for p, _ in _LOCATION_PARTS), "num_reports",
                      "num_articles", "num_sources", "source_keys", "first_seen", "last_seen",
                      "killed", "injured", "confidence")

    def _canonicals(self, keys: list[int]) -> list[dict[str, Any]]:
        cols = ", ".join(_quote(c) for c in self._MERGE_COLUMNS)
        cursor = self.con.execute(
            f"SELECT {cols} FROM events WHERE merge_key IN (SELECT unnest(?::BIGINT[]))", [keys])
        return [dict(zip(self._MERGE_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    # ------------------------------------------------------------------ writes

    def write_batch(self, items: Sequence[BatchItem], *, screened: bool = False
                    ) -> WriteSummary:
        """Store one batch in one transaction: articles, copies, reports, actors,
        quotes, and the canonical events the reports merge into.

        Items are stored in order; nothing of the batch is kept if any part fails.
        Items already stored are skipped, so writing a batch twice adds nothing;
        ``screened=True`` says the caller (the ingest pipeline, the only writer of
        this store) has just checked that, and saves the lookup.

        Raises:
            StoreError: the write failed (the batch was rolled back).
        """
        summary = WriteSummary()
        if self.read_only:
            raise StoreError(f"{self.path}: opened for reading only; open it with "
                             "Store(path) to write")
        if not items:
            return summary
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        with self._lock:
            self.con.begin()
            try:
                self._write(items, now, summary, screened)
                self.con.commit()
            except BaseException as err:
                self.con.rollback()
                if isinstance(err, duckdb.Error):
                    raise StoreError(f"{self.path}: batch not stored "
                                     f"({str(err).splitlines()[0]})") from err
                raise
        return summary

    def _write(self, items: Sequence[BatchItem], now: datetime, summary: WriteSummary,
               screened: bool) -> None:
        seq = _first(self.con.execute("SELECT coalesce(max(seq), 0) FROM articles"))[0]
        known = {} if screened else self.known_articles(item.article_id for item in items)
        articles, copies, bands, reports, actors, quotes = [], [], [], [], [], []
        for item in items:
            art = item.article
            stored = known.get(item.article_id)
            if stored is not None and (item.kind != "copy" or item.origin in stored["origins"]):
                continue  # already stored: writing a batch twice adds nothing
            if item.kind == "copy":
                if stored is not None:
                    stored["origins"].add(item.origin)
                copies.append({"origin": item.origin, "article_id": item.article_id,
                               "akey": akey(item.article_id), "id": art.id, "url": art.url,
                               "outlet": art.outlet, "published": _day(art.published),
                               "ingested_at": now})
                continue
            seq += 1
            known[item.article_id] = {"origin": item.origin, "duplicate_of": item.duplicate_of,
                                      "origins": {item.origin}}
            result = item.result if item.kind == "new" else None
            articles.append({
                "article_id": item.article_id, "akey": akey(item.article_id), "seq": seq,
                "id": art.id, "origin": item.origin,
                "url": art.url, "outlet": art.outlet, "published": _day(art.published),
                "title": art.title, "text": art.text, "language": art.language,
                "dateline": art.dateline, "duplicate_of": item.duplicate_of,
                "similarity": item.similarity,
                "num_reports": len(result.events) if result else None,
                "minhash": item.signature.tobytes() if item.signature is not None else None,
                "ingested_at": now,
            })
            bands += [{"band_key": k, "article_id": item.article_id} for k in item.band_keys]
            if result is None:
                continue
            published = _day(art.published)
            seen = published or now.date()
            skey = source_key(art.outlet, art.url, item.article_id)
            lead_end = _lead_end(art)
            done: set[str] = set()
            for ord_, event in enumerate(result.events):
                if event.event_id in done:
                    continue
                done.add(event.event_id)
                row = report_row(event, ord_, lead_end)
                row.update(published=published, seen=seen, source_key=skey, url=art.url)
                reports.append(row)
            actors += [actor_row(a, item.article_id, i) for i, a in enumerate(result.actors)]
            quotes += [quote_row(q, i) for i, q in enumerate(result.quotes)]

        if reports:
            first = _first(self.con.execute(
                "SELECT coalesce(max(global_id), 0) + 1 FROM events"))[0]
            merger = Merger(self._canonicals, first, now)
            merger.assign(reports)
            new = [c.row for c in merger.touched.values() if c.new]
            changed = [c.row for c in merger.touched.values() if not c.new]
            summary.new_events = len(new)
            summary.merged_reports = len(reports) - len(new)
            summary.events = list(merger.touched)
            self._insert("events", new)
            self._update_events(changed)
        self._insert("articles", articles)
        self._insert("article_copies", copies)
        self._insert("lsh_bands", bands)
        self._insert("reports", reports)
        self._insert("actors", actors)
        self._insert("quotes", quotes)
        summary.articles, summary.copies, summary.reports = len(articles), len(copies), len(
            reports)

    def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        arrow = _arrow_table(table, rows)
        name = f"_fp_new_{table}"
        self.con.register(name, arrow)
        try:
            conflict = " ON CONFLICT DO NOTHING" if table in _KEYS else ""
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}{conflict}")
        finally:
            self.con.unregister(name)

    _AGGREGATES = ("num_reports", "num_articles", "num_sources", "source_keys", "first_seen",
                   "last_seen", "killed", "injured", "confidence",
                   *(f"location_{p}" for p, _ in _LOCATION_PARTS))

    def _update_events(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        full = _arrow_table("events", rows)
        arrow = full.select(["global_id", *self._AGGREGATES])
        self.con.register("_fp_upd_events", arrow)
        try:
            sets = ", ".join(f"{_quote(c)} = u.{_quote(c)}" for c in self._AGGREGATES)
            self.con.execute(f"UPDATE events SET {sets} FROM _fp_upd_events u "
                             "WHERE events.global_id = u.global_id")
        finally:
            self.con.unregister("_fp_upd_events")

    # ------------------------------------------------------------------ queries

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a read-only SQL query with parameters and return a DataFrame."""
        with self._lock:
            return self.con.execute(sql, list(params or [])).df()

    def _dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """The rows of a query as dicts of plain Python values (no DataFrame)."""
        with self._lock:
            cursor = self.con.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _count(self, sql: str, params: Sequence[Any]) -> int:
        with self._lock:
            return int(_first(self.con.execute(f"SELECT count(*) FROM ({sql})",
                                               list(params)))[0])

    @staticmethod
    def _event_sql(filter: EventFilter | None, filters: dict[str, Any], order: str,
                   columns: Sequence[str]) -> tuple[str, list[Any]]:
        where, params = (filter or EventFilter(**filters)).where()
        if order not in EVENT_ORDERS:
            raise ValueError(f"order {order!r} is not one of {', '.join(EVENT_ORDERS)}")
        cols = ", ".join(_quote(c) for c in columns if c in dict(TABLES["events"]))
        return f"SELECT {cols} FROM events WHERE {where} ORDER BY {order}", params

    def events(self, filter: EventFilter | None = None, *, limit: int | None = None,
               offset: int = 0, order: str = "day DESC, global_id DESC",
               columns: Sequence[str] = EVENT_COLUMNS, **filters: Any) -> pd.DataFrame:
        """Canonical events (the rows an analyst counts), newest first.

        Args:
            filter: an :class:`EventFilter`; or give its fields as keyword arguments
                (``store.events(dyad=("IND", "PAK"), root="19")``).
            limit, offset: one page of results.
            order: ``"day DESC, global_id DESC"`` or ``"day, global_id"``.
            columns: the columns to return.

        Returns:
            A DataFrame with one row per canonical event.
        """
        sql, params = self._event_sql(filter, filters, order, columns)
        return self.query(*_page_sql(sql, params, limit, offset))

    def event_rows(self, filter: EventFilter | None = None, *, limit: int | None = None,
                   offset: int = 0, order: str = "day DESC, global_id DESC",
                   columns: Sequence[str] = EVENT_COLUMNS, **filters: Any
                   ) -> list[dict[str, Any]]:
        """The rows of :meth:`events` as dicts of Python values (dates as
        :class:`datetime.date`, NULL as None), without a DataFrame: a page of events
        for a web request costs half as much this way."""
        sql, params = self._event_sql(filter, filters, order, columns)
        return self._dicts(*_page_sql(sql, params, limit, offset))

    def event_table(self, filter: EventFilter | None = None, *,
                    order: str = "day DESC, global_id DESC",
                    columns: Sequence[str] = EVENT_COLUMNS, **filters: Any) -> pa.Table:
        """Every event :meth:`events` would return, as one Arrow table: for a caller that
        pages through it by itself (``table.slice(offset, limit)``) instead of asking
        DuckDB for each page."""
        sql, params = self._event_sql(filter, filters, order, columns)
        with self._lock:
            return pa.table(self.con.sql(sql, params=params).arrow())

    def event(self, canonical_id: str, *, columns: Sequence[str] = EVENT_COLUMNS
              ) -> dict[str, Any] | None:
        """One canonical event as a dict (as :meth:`event_rows`), or None."""
        cols = ", ".join(_quote(c) for c in columns if c in dict(TABLES["events"]))
        rows = self._dicts(f"SELECT {cols} FROM events WHERE canonical_id = ?", [canonical_id])
        return rows[0] if rows else None

    def count_events(self, filter: EventFilter | None = None, **filters: Any) -> int:
        """How many canonical events match (the filters of :meth:`events`)."""
        where, params = (filter or EventFilter(**filters)).where()
        return self._count(f"SELECT 1 FROM events WHERE {where}", params)

    def reports(self, canonical_id: str | None = None, *, article_id: str | None = None
                ) -> pd.DataFrame:
        """Per-article reports with their evidence, and the article each comes from."""
        terms, params = [], []
        if canonical_id:
            terms.append("r.canonical_id = ?")
            params.append(canonical_id)
        if article_id:
            terms.append("r.article_id = ?")
            params.append(article_id)
        where = " AND ".join(terms) or "TRUE"
        return self.query(
            "SELECT r.*, a.outlet, a.url, a.published, a.title AS article_title, a.origin "
            f"FROM reports r JOIN articles a USING (article_id) WHERE {where} "
            "ORDER BY a.seq, r.ord", params)

    def evidence(self, canonical_id: str) -> pd.DataFrame:
        """Every report of one canonical event: outlet, date, sentence and offsets."""
        return self.reports(canonical_id)[
            ["event_id", "article_id", "outlet", "published", "url", "evidence_text",
             "evidence_start", "evidence_end", "cameo", "date", "killed"]]

    @staticmethod
    def _article_where(duplicates: bool, q: str | None, outlet: str | None,
                       since: str | date | None, until: str | date | None
                       ) -> tuple[str, list[Any]]:
        terms: list[tuple[str, Sequence[Any]]] = []
        if not duplicates:
            terms.append(("duplicate_of IS NULL", []))
        if q:
            terms.append(("(title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')",
                          [_like(q)] * 2))
        if outlet:
            terms.append(("lower(outlet) = lower(?)", [outlet]))
        if since:
            terms.append(("published >= ?", [_day(since)]))
        if until:
            terms.append(("published <= ?", [_day(until)]))
        return _where(terms)

    def articles(self, *, duplicates: bool = True, q: str | None = None,
                 outlet: str | None = None, since: str | date | None = None,
                 until: str | date | None = None, order: str = "ingest",
                 limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Stored articles (without their text); every filter is optional.

        Args:
            duplicates: False leaves near copies out.
            q: words in the title or text (case-insensitive; ``%`` and ``_`` are
                taken literally).
            outlet: the outlet's name (case-insensitive).
            since, until: publication days (inclusive), ``YYYY-MM-DD``.
            order: ``"ingest"`` (the order they were stored) or ``"newest"``
                (latest publication first, undated articles last).
            limit, offset: one page of results (default: all).

        Returns:
            ``article_id``, ``seq``, ``id``, ``origin``, ``url``, ``outlet``,
            ``published``, ``title``, ``duplicate_of``, ``similarity``,
            ``num_reports``, ``ingested_at``.
        """
        if order not in ARTICLE_ORDERS:
            raise ValueError(f"order {order!r} is not one of {', '.join(ARTICLE_ORDERS)}")
        where, params = self._article_where(duplicates, q, outlet, since, until)
        sql = ("SELECT article_id, seq, id, origin, url, outlet, published, title, "
               "duplicate_of, similarity, num_reports, ingested_at FROM articles "
               f"WHERE {where} ORDER BY {ARTICLE_ORDERS[order]}")
        return self.query(*_page_sql(sql, params, limit, offset))

    def count_articles(self, *, duplicates: bool = True, q: str | None = None,
                       outlet: str | None = None, since: str | date | None = None,
                       until: str | date | None = None) -> int:
        """How many articles :meth:`articles` lists with these filters."""
        where, params = self._article_where(duplicates, q, outlet, since, until)
        return self._count(f"SELECT 1 FROM articles WHERE {where}", params)

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            row = _first(self.con.execute(
                "SELECT text, title, published, url, outlet, id, language, dateline "
                "FROM articles WHERE article_id = ?", [article_id]))
        if row is None:
            return None
        text, title, published, url, outlet, id_, language, dateline = row
        return Article(text=text, title=title or "",
                       published=published.isoformat() if published else None, url=url,
                       outlet=outlet, id=id_, language=language, dateline=dateline)

    def article_row(self, article_id: str) -> dict[str, Any] | None:
        """The stored fields of one article, its text and ``duplicate_of`` included (as
        Python values), or None."""
        rows = self._dicts("SELECT article_id, id, title, text, published, outlet, url, "
                           "dateline, duplicate_of FROM articles WHERE article_id = ?",
                           [article_id])
        return rows[0] if rows else None

    def actors(self) -> pd.DataFrame:
        """Every actor of every article, as extracted (one row per article and actor)."""
        return self.query("SELECT * FROM actors ORDER BY article_id, ord")

    @staticmethod
    def _actor_where(q: str | None, country: str | None) -> tuple[str, list[Any]]:
        terms: list[tuple[str, Sequence[Any]]] = []
        if q:
            terms.append(("(name ILIKE ? ESCAPE '\\' OR starts_with(code, ?))",
                          [_like(q), q.upper()]))
        if country:
            terms.append(("country = ?", [country.upper()]))
        return _where(terms)

    def actor_summary(self, *, q: str | None = None, country: str | None = None,
                      limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Actors as the articles name them, one row per code and name, busiest first.

        Args:
            q: part of the name (case-insensitive), or an actor code prefix.
            country: the actor's ISO3 country.
            limit, offset: one page of results (default: all).

        Returns:
            ``code``, ``name``, ``country``, ``sector``, ``articles`` (articles naming
            it), ``events`` (canonical events with that code and name as source or
            target); by events, then articles, then name and code.
        """
        where, params = self._actor_where(q, country)
        sql = _ACTOR_SUMMARY.format(where=where)
        return self.query(*_page_sql(
            f"{sql} ORDER BY events DESC, articles DESC, name, code NULLS FIRST", params,
            limit, offset))

    def count_actors(self, *, q: str | None = None, country: str | None = None) -> int:
        """How many rows :meth:`actor_summary` lists with these filters."""
        where, params = self._actor_where(q, country)
        return self._count(f"SELECT DISTINCT code, name FROM actors WHERE {where}", params)

    def quotes(self, article_id: str | None = None) -> pd.DataFrame:
        """The quotes of one article (or of every article), in text order."""
        if article_id is None:
            return self.query("SELECT * FROM quotes ORDER BY article_id, ord")
        return self.query("SELECT * FROM quotes WHERE article_id = ? ORDER BY ord",
                          [article_id])

    @staticmethod
    def _quote_where(speaker: str | None, q: str | None, article_id: str | None
                     ) -> tuple[str, list[Any]]:
        terms: list[tuple[str, Sequence[Any]]] = []
        if speaker:
            terms.append(("(q.speaker_name ILIKE ? ESCAPE '\\' "
                          "OR starts_with(q.speaker_code, ?))", [_like(speaker),
                                                                  speaker.upper()]))
        if q:
            terms.append(("q.text ILIKE ? ESCAPE '\\'", [_like(q)]))
        if article_id:
            terms.append(("q.article_id = ?", [article_id]))
        return _where(terms)

    def quote_list(self, *, speaker: str | None = None, q: str | None = None,
                   article_id: str | None = None, limit: int | None = None,
                   offset: int = 0) -> pd.DataFrame:
        """Quotations with their speaker and the article they come from, newest article
        first (then in text order).

        Args:
            speaker: part of the speaker's name (case-insensitive), or a code prefix.
            q: words in the quotation.
            article_id: the quotes of one article.
            limit, offset: one page of results (default: all).

        Returns:
            ``quote_id``, ``article_id``, ``speaker_name``, ``speaker_code``, ``text``,
            ``direct``, ``channel``, and the article's ``published`` and ``title``.
        """
        where, params = self._quote_where(speaker, q, article_id)
        return self.query(*_page_sql(
            f"{_QUOTE_LIST} WHERE {where} ORDER BY a.published DESC NULLS LAST, a.seq DESC, "
            "q.ord", params, limit, offset))

    def count_quotes(self, *, speaker: str | None = None, q: str | None = None,
                     article_id: str | None = None) -> int:
        """How many quotations :meth:`quote_list` lists with these filters."""
        where, params = self._quote_where(speaker, q, article_id)
        return self._count(f"{_QUOTE_LIST} WHERE {where}", params)

    def result(self, article_id: str) -> ArticleResult | None:
        """The stored extraction of one article, as the records it was stored from."""
        with self._lock:
            art = _first(self.con.execute("SELECT id FROM articles WHERE article_id = ?",
                                   [article_id]))
            if art is None:
                return None
            reports = self.con.execute("SELECT * FROM reports WHERE article_id = ? "
                                       "ORDER BY ord", [article_id]).df()
            actors = self.con.execute("SELECT * FROM actors WHERE article_id = ? ORDER BY ord",
                                      [article_id]).df()
            quotes = self.con.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY ord",
                                      [article_id]).df()
        return ArticleResult(
            id=art[0], article_id=article_id,
            actors=[actor_from_row(r) for r in _records(actors)],
            events=[event_from_row(r) for r in _records(reports)],
            quotes=[quote_from_row(r) for r in _records(quotes)])

    def dyad_series(self, a: str, b: str, *, since: str | date | None = None,
                    until: str | date | None = None, directed: bool = False,
                    include_negated: bool = False) -> pd.DataFrame:
        """Daily series of the events between two countries (or actor codes).

        Returns:
            One row per day with events: ``day``, ``events``, ``articles`` (sum of
            ``num_articles``), ``goldstein_sum``, ``goldstein_mean``, and the count
            of each quad class (``q1`` … ``q4``). Negated events are left out.
        """
        flt = EventFilter(dyad=(a, b), directed=directed, since=since, until=until,
                          negated=None if include_negated else False)
        where, params = flt.where()
        return self.query(
            "SELECT day, count(*) AS events, sum(num_articles) AS articles, "
            "sum(goldstein) AS goldstein_sum, avg(goldstein) AS goldstein_mean, "
            "count(*) FILTER (WHERE quad_class = 1) AS q1, "
            "count(*) FILTER (WHERE quad_class = 2) AS q2, "
            "count(*) FILTER (WHERE quad_class = 3) AS q3, "
            "count(*) FILTER (WHERE quad_class = 4) AS q4 "
            f"FROM events WHERE {where} AND day IS NOT NULL GROUP BY day ORDER BY day", params)

    def counts(self) -> dict[str, int]:
        """Row counts: articles (and how many are near copies), copies, reports,
        events, actors, quotes."""
        with self._lock:
            row = self.con.execute(
                "SELECT (SELECT count(*) FROM articles), "
                "(SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL), "
                "(SELECT count(*) FROM article_copies), (SELECT count(*) FROM reports), "
                "(SELECT count(*) FROM events), (SELECT count(*) FROM actors), "
                "(SELECT count(*) FROM quotes), (SELECT count(*) FROM lsh_bands)").fetchall()[0]
        names = ("articles", "near_duplicates", "exact_copies", "reports", "events", "actors",
                 "quotes", "lsh_bands")
        return dict(zip(names, (int(x) for x in row), strict=True))


# ---------------------------------------------------------------------- rows <-> records


def _lead_end(article: Article) -> int:
    """Offset (in ``full_text``) where the lead paragraph ends."""
    body = article.text.lstrip("\n")
    first = body.split("\n", 1)[0]
    start = article.full_text.find(first) if first else 0
    return max(start, 0) + len(first)


def _actor_cols(prefix: str, ref: Any) -> dict[str, Any]:
    if ref is None:
        return {f"{prefix}_{p}": None for p in _ACTOR_PARTS}
    data = ref.to_dict()
    return {f"{prefix}_{p}": data.get(p) for p in _ACTOR_PARTS}


def report_row(event: Event, ord_: int, lead_end: int | None = None) -> dict[str, Any]:
    """The stored columns of one report (an :class:`Event` record)."""
    loc = event.location
    row: dict[str, Any] = {
        "event_id": event.event_id, "article_id": event.article_id, "ord": ord_,
        "evidence_text": event.evidence.text, "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end,
        **_actor_cols("source", event.source), **_actor_cols("target", event.target),
        "cameo": event.cameo, "cameo_root": event.cameo_root, "cameo_name": event.cameo_name,
        "plover_type": event.plover.type if event.plover else None,
        "plover_mode": event.plover.mode if event.plover else None,
        "quad_class": event.quad_class, "goldstein": event.goldstein,
        "date": _day(event.date), "date_precision": event.date_precision,
        "date_text": event.date_text,
        **{f"location_{p}": getattr(loc, p) if loc else None for p, _ in _LOCATION_PARTS},
        "killed": event.killed, "injured": event.injured, "negated": event.negated,
        "modality": event.modality,
        "attribution_name": event.attribution.name if event.attribution else None,
        "attribution_channel": event.attribution.channel if event.attribution else None,
        "confidence": event.confidence,
        "is_root": lead_end is not None and event.evidence.start < lead_end,
    }
    return row


def actor_row(actor: Actor, article_id: str, ord_: int) -> dict[str, Any]:
    code = actor.ref("").code
    return {"actor_id": stable_id(article_id, actor.name, actor.country, actor.sector,
                                  actor.org),
            "article_id": article_id, "ord": ord_, "name": actor.name,
            "country": actor.country, "sector": actor.sector, "org": actor.org, "code": code,
            "role": actor.role, "aliases": list(actor.aliases)}


def quote_row(quote: Quote, ord_: int) -> dict[str, Any]:
    return {"quote_id": quote.quote_id, "article_id": quote.article_id, "ord": ord_,
            **_actor_cols("speaker", quote.speaker), "text": quote.text,
            "start": quote.start, "end": quote.end, "direct": quote.direct,
            "channel": quote.channel}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict("records"):
        out.append({k: _plain(v) for k, v in rec.items()})
    return out


def _plain(value: Any) -> Any:
    """A DataFrame cell as a plain Python value (NaN/NaT/NA → None)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def json_value(value: Any) -> Any:
    """A DataFrame cell as a JSON value: dates as ISO days, NaN/NaT/NA and infinities
    as None. (Called for every cell of a report: the common kinds are tested first.)"""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    value = _plain(value)
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a DataFrame as JSON-ready dicts (see :func:`json_value`)."""
    return [{k: json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _actor_ref(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if row.get(f"{prefix}_name") is None:
        return None
    return {p: row.get(f"{prefix}_{p}") for p in _ACTOR_PARTS}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def event_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored report row as the record of the contract (``Event.to_dict()``)."""
    loc = None
    if row.get("location_name") is not None:
        loc = {p: row.get(f"location_{p}") for p, _ in _LOCATION_PARTS}
        if loc["geonames_id"] is not None:
            loc["geonames_id"] = int(loc["geonames_id"])
    attribution = None
    if row.get("attribution_name") is not None:
        attribution = {"name": row["attribution_name"], "channel": row["attribution_channel"]}
    return {
        "event_id": row["event_id"], "article_id": row["article_id"],
        "evidence": {"text": row["evidence_text"], "start": int(row["evidence_start"]),
                     "end": int(row["evidence_end"])},
        "source": _actor_ref(row, "source"), "target": _actor_ref(row, "target"),
        "cameo": row["cameo"], "cameo_root": row["cameo_root"], "cameo_name": row["cameo_name"],
        "plover": {"type": row.get("plover_type"), "mode": row.get("plover_mode")},
        "quad_class": int(row["quad_class"]), "goldstein": float(row["goldstein"]),
        "date": _iso(row.get("date")), "date_precision": row["date_precision"],
        "date_text": row.get("date_text"), "location": loc,
        "killed": None if row.get("killed") is None else int(row["killed"]),
        "injured": None if row.get("injured") is None else int(row["injured"]),
        "negated": bool(row["negated"]), "modality": row["modality"],
        "attribution": attribution, "confidence": float(row["confidence"]),
    }


def event_from_row(row: dict[str, Any]) -> Event:
    return Event.from_dict(event_record(row))


def actor_from_row(row: dict[str, Any]) -> Actor:
    return Actor(name=row["name"], country=row["country"], sector=row["sector"], org=row["org"],
                 aliases=list(row.get("aliases") or []), role=row.get("role"))


def quote_from_row(row: dict[str, Any]) -> Quote:
    speaker = _actor_ref(row, "speaker")
    return Quote(quote_id=row["quote_id"], article_id=row["article_id"],
                 speaker=ActorRef.from_dict(speaker) if speaker else None, text=row["text"],
                 start=int(row["start"]), end=int(row["end"]),
                 direct=bool(row["direct"]), channel=row.get("channel"))
