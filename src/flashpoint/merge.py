"""Cross-article event merging: reports of one happening become one canonical event.

Each article yields *reports* (the :class:`~flashpoint.model.Event` records of the
extraction). Reports of the same happening — several outlets telling of the same
strike, the same phone call — are merged into one *canonical event*, the row an
analyst counts, which carries ``num_reports``, ``num_articles``, ``num_sources``,
first and last seen and, through its reports, all its evidence.

Two reports are of the same happening when they have

- the same source actor code and the same target actor code (``USAGOV`` → ``INDGOV``),
- the same CAMEO root (``19``) and the same negation flag,
- dates within a day of each other, compared at day precision: the event's date
  when the article states the day, else the article's publication date (a report
  of a call "on Thursday" and one that says only "spoke with" in the next day's
  paper are the same call),
- compatible places: no place on one side, or the same country and not two
  different cities or admin1 regions.

The rule is applied in ingest order. A report joins the existing canonical event
of its block whose anchor date (the date of the report that founded it) is
nearest to its own, within a day, and whose place is compatible; ties go to the
older event. Otherwise it founds a new canonical event. Candidates are found by
*blocking*: each canonical event is filed under one key per (source code,
target code, root, negation, anchor day), and a report looks up exactly the keys
of its own day and the days either side, so merging costs a constant number of
point lookups per report — never a comparison of all pairs. Given the same
reports in the same order, the result is always the same, however the reports
are split into batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flashpoint.model import stable_id

__all__ = ["Canonical", "Merger", "Place", "block_of", "merge_day", "merge_key",
           "places_compatible", "source_key"]

WINDOW_DAYS = 1
SEP = "\x1f"


@dataclass(frozen=True)
class Place:
    """The parts of a location that decide whether two reports can be one event."""

    name: str | None
    admin1: str | None
    country: str | None
    geonames_id: int | None = None
    precision: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any], prefix: str = "location_") -> Place | None:
        if not (row.get(prefix + "name") or row.get(prefix + "country")):
            return None
        return cls(row.get(prefix + "name"), row.get(prefix + "admin1"),
                   row.get(prefix + "country"), row.get(prefix + "geonames_id"),
                   row.get(prefix + "precision"))


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def places_compatible(a: Place | None, b: Place | None) -> bool:
    """Tell whether two places can be where one event happened.

    A missing place fits any place. Otherwise the countries must agree (when both
    are known), two different cities or two different admin1 regions do not fit,
    and a city fits its own region or country.
    """
    if a is None or b is None:
        return True
    if a.geonames_id and b.geonames_id and a.geonames_id == b.geonames_id:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.admin1 and b.admin1 and not _same(a.admin1, b.admin1):
        return False
    if a.precision == "city" and b.precision == "city" and not _same(a.name, b.name):
        return False
    return not (a.precision == b.precision and a.precision in ("admin1", "region")
                and not _same(a.name, b.name))


def block_of(row: dict[str, Any]) -> str:
    """The blocking key of a report: source code, target code, CAMEO root, negation."""
    return SEP.join((row.get("source_code") or "", row.get("target_code") or "",
                     row.get("cameo_root") or "", "1" if row.get("negated") else "0"))


def merge_day(event_date: date | None, precision: str | None,
              published: date | None) -> date | None:
    """The day a report is merged on: its own date at day precision, else publication."""
    if event_date is not None and precision == "day":
        return event_date
    return published


def merge_key(block: str, day: date | None, event_id: str = "") -> int:
    """A signed 63-bit key for (block, day); a report with no day gets a key of its own."""
    token = day.isoformat() if day is not None else "none" + SEP + event_id
    digest = hashlib.blake2b((block + SEP + token).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def neighbour_keys(block: str, day: date | None, event_id: str) -> list[int]:
    """The keys a report looks up: its own day and the days within the window."""
    if day is None:
        return [merge_key(block, None, event_id)]
    keys = []
    for d in range(-WINDOW_DAYS, WINDOW_DAYS + 1):
        try:
            keys.append(merge_key(block, day + timedelta(days=d)))
        except OverflowError:  # 0001-01-01 and 9999-12-31 have no neighbour
            continue
    return keys


def source_key(outlet: str | None, url: str | None, article_id: str) -> str:
    """What counts as one source: the outlet, else the URL's host, else the article."""
    if outlet and outlet.strip():
        return outlet.strip().casefold()
    if url and "://" in url:
        host = url.split("://", 1)[1].split("/", 1)[0].lower()
        if host:
            return host.removeprefix("www.")
    return "article:" + article_id


@dataclass
class Canonical:
    """One canonical event while a batch is being merged.

    ``row`` holds the stored columns (for an event founded in this batch, the
    founding report's fields plus the aggregates); ``new`` says it must be inserted
    rather than updated.
    """

    row: dict[str, Any]
    new: bool = False
    dirty: bool = False
    place: Place | None = None
    sources: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)

    @property
    def global_id(self) -> int:
        return int(self.row["global_id"])

    @property
    def day(self) -> date | None:
        return self.row.get("merge_day")


# Columns of a canonical event taken from its founding report.
REPORT_FIELDS = (
    "source_name", "source_text", "source_country", "source_sector", "source_org",
    "source_code", "target_name", "target_text", "target_country", "target_sector",
    "target_org", "target_code", "cameo", "cameo_root", "cameo_name", "plover_type",
    "plover_mode", "quad_class", "goldstein", "date", "date_precision", "date_text",
    "location_name", "location_admin1", "location_country", "location_lat",
    "location_lon", "location_geonames_id", "location_precision", "negated", "modality",
    "evidence_text", "is_root",
)
_LOCATION_FIELDS = tuple(f for f in REPORT_FIELDS if f.startswith("location_"))


class Merger:
    """Assigns the reports of one batch to canonical events, in order.

    Args:
        fetch: returns the stored canonical events filed under any of the given
            merge keys, as dicts of their columns.
        next_global_id: the next free sequential id (GDELT's GLOBALEVENTID).
        now: the time the batch is added (DATEADDED).
    """

    def __init__(self, fetch: Callable[[list[int]], list[dict[str, Any]]],
                 next_global_id: int, now: Any) -> None:
        self._fetch = fetch
        self._next = next_global_id
        self._now = now
        self._by_key: dict[int, list[Canonical]] = {}
        self.touched: dict[str, Canonical] = {}

    def assign(self, reports: Iterable[dict[str, Any]]) -> None:
        """Set ``canonical_id`` on every report, founding or updating canonical events.

        Each report dict carries the report columns plus ``published`` (its
        article's publication date), ``seen`` (the day it was seen) and
        ``source_key`` (see :func:`source_key`).
        """
        reports = list(reports)
        prepared = []
        keys: set[int] = set()
        for report in reports:
            block = block_of(report)
            day = merge_day(report.get("date"), report.get("date_precision"),
                            report.get("published"))
            wanted = neighbour_keys(block, day, report["event_id"])
            keys.update(wanted)
            prepared.append((report, block, day))
        for row in self._fetch(sorted(keys)) if keys else []:
            canonical = Canonical(row=dict(row), place=Place.of(row),
                                  sources=set(filter(None, (row.get("source_keys") or "")
                                                     .split(SEP))))
            self._by_key.setdefault(int(row["merge_key"]), []).append(canonical)
        for report, block, day in prepared:
            self._assign_one(report, block, day)

    def _assign_one(self, report: dict[str, Any], block: str, day: date | None) -> None:
        place = Place.of(report)
        best: tuple[int, int, Canonical] | None = None
        if day is not None:
            for key in neighbour_keys(block, day, report["event_id"]):
                for canonical in self._by_key.get(key, ()):
                    if not places_compatible(place, canonical.place):
                        continue
                    distance = abs((canonical.day - day).days)
                    rank = (distance, canonical.global_id, canonical)
                    if best is None or rank[:2] < best[:2]:
                        best = rank
        canonical = best[2] if best else self._found(report, block, day)
        self._add(canonical, report, place)

    def _found(self, report: dict[str, Any], block: str, day: date | None) -> Canonical:
        key = merge_key(block, day, report["event_id"])
        row = {f: report.get(f) for f in REPORT_FIELDS}
        row.update(
            canonical_id=stable_id("event", report["event_id"]),
            global_id=self._next, merge_key=key, merge_day=day,
            day=report.get("date") or day,
            num_reports=0, num_articles=0, num_sources=0, source_keys="",
            first_seen=None, last_seen=None, killed=None, injured=None, confidence=None,
            first_article_id=report["article_id"], source_url=report.get("url"),
            date_added=self._now,
        )
        self._next += 1
        canonical = Canonical(row=row, new=True, place=Place.of(report))
        self._by_key.setdefault(key, []).append(canonical)
        return canonical

    def _add(self, canonical: Canonical, report: dict[str, Any], place: Place | None) -> None:
        row = canonical.row
        report["canonical_id"] = row["canonical_id"]
        row["num_reports"] = int(row["num_reports"] or 0) + 1
        if report["article_id"] not in canonical.articles:
            canonical.articles.add(report["article_id"])
            row["num_articles"] = int(row["num_articles"] or 0) + 1
        canonical.sources.add(report["source_key"])
        row["num_sources"] = len(canonical.sources)
        row["source_keys"] = SEP.join(sorted(canonical.sources))
        seen = report.get("seen")
        if seen is not None:
            row["first_seen"] = min(filter(None, (row["first_seen"], seen)))
            row["last_seen"] = max(filter(None, (row["last_seen"], seen)))
        for name in ("killed", "injured", "confidence"):
            value = report.get(name)
            if value is not None and (row[name] is None or value > row[name]):
                row[name] = value
        if canonical.place is None and place is not None:
            for name in _LOCATION_FIELDS:
                row[name] = report.get(name)
            canonical.place = place
        canonical.dirty = True
        self.touched[row["canonical_id"]] = canonical
