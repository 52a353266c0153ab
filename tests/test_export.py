"""Exports: GDELT 2.0 event files, PLOVER JSONL, ACLED-style CSV, native records."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from builders import article, item
from flashpoint import ontology
from flashpoint.export import ACLED_COLUMNS, GDELT_COLUMNS, export
from flashpoint.store import EventFilter, Store

REFERENCE = (Path(__file__).resolve().parents[2] / "shared" / "reference"
             / "gdelt2_event_columns.csv")
BODY = "Officials said the situation along the frontier remained tense on Friday."


@pytest.fixture(scope="module")
def store():
    store = Store(":memory:")
    store.write_batch([
        item(article(f"1 {BODY}", title="Strike", id="a", outlet="Wire",
                     url="https://example.org/a"), [
            ("USAGOV", "041", "INDGOV"),
            ("IGOUN", "0256", "PAKGOV"),
            ("INDMIL", "195", "PAK", {"date": "2025-05-07", "place": "Muzaffarabad",
                                      "killed": 26}),
            ("UAF", "180", "INDCVL", {"date": "2025-04-22", "place": "Pahalgam",
                                      "killed": 26}),
            ("PAKOPP", "141", "PAKGOV", {"place": "Lahore"}),
            ("PAK", "112", "IND", {"negated": True}),
            ("USAGOV", "010", "IND"),
            ("PAKMIL", "194", "INDCVL", {"place": "India", "precision": "month",
                                         "date": "2025-05-01"}),
            ("USAGOV", "051", None, {"place": "Texas"}),
        ]),
        item(article(f"2 {BODY}", id="b", outlet="Daily"), [
            ("INDMIL", "195", "PAK", {"date": "2025-05-07", "killed": 31}),
        ]),
    ])
    return store


def _gdelt_lines(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [line.split("\t") for line in text.rstrip("\n").split("\n")]


def test_export_gdelt_rows_have_61_fields_in_gdelt_order(store, tmp_path):
    out = tmp_path / "20250509.export.CSV"
    n = export(store, "gdelt", out)
    rows = _gdelt_lines(out)
    assert n == len(rows) == 8  # the negated event is left out
    assert all(len(r) == 61 for r in rows)
    assert len(GDELT_COLUMNS) == 61 and len(set(GDELT_COLUMNS)) == 61
    assert not rows[0][0].startswith("GLOBALEVENTID")  # no header


@pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/reference")
def test_export_gdelt_columns_match_the_codebook():
    with REFERENCE.open(encoding="utf-8") as fh:
        names = [row["tableId"] for row in csv.DictReader(fh)]
    assert tuple(names) == GDELT_COLUMNS


def test_export_gdelt_codes_keep_zeros_and_agree_with_goldstein_and_quad(store, tmp_path):
    out = tmp_path / "g.CSV"
    export(store, "gdelt", out)
    rows = [dict(zip(GDELT_COLUMNS, r, strict=True)) for r in _gdelt_lines(out)]
    codes = {r["EventCode"] for r in rows}
    assert {"041", "0256", "010", "051"} <= codes
    for r in rows:
        described = ontology.describe(r["EventCode"])
        assert r["EventBaseCode"] == r["EventCode"][:3]
        assert r["EventRootCode"] == r["EventCode"][:2] == described.root
        assert int(r["QuadClass"]) == described.quad_class
        assert float(r["GoldsteinScale"]) == described.goldstein


def test_export_gdelt_reads_with_pandas_as_gdelt_tooling_does(store, tmp_path):
    out = tmp_path / "g.CSV"
    export(store, "gdelt", out)
    df = pd.read_csv(out, sep="\t", header=None, names=list(GDELT_COLUMNS),
                     dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str,
                            "SQLDATE": str})
    strike = df[df["EventCode"] == "195"].iloc[0]
    assert strike["SQLDATE"] == "20250507" and strike["Year"] == 2025
    assert strike["MonthYear"] == 202505
    assert strike["FractionDate"] == pytest.approx(2025 + (5 * 30 + 7) / 365, abs=1e-4)
    assert strike["Actor1Code"] == "INDMIL" and strike["Actor1CountryCode"] == "IND"
    assert strike["Actor1Type1Code"] == "MIL" and strike["Actor2Code"] == "PAK"
    assert (strike["NumArticles"], strike["NumSources"], strike["NumMentions"]) == (2, 2, 2)
    assert strike["ActionGeo_Type"] == 4 and strike["ActionGeo_CountryCode"] == "PK"
    assert strike["ActionGeo_FullName"] == "Muzaffarabad, Azad Kashmir, Pakistan"
    assert strike["SOURCEURL"] == "https://example.org/a"
    assert len(str(strike["DATEADDED"])) == 14
    un = df[df["EventCode"] == "0256"].iloc[0]
    assert un["Actor1Code"] == "IGOUNO" and un["Actor1KnownGroupCode"] == "UNO"
    assert pd.isna(un["Actor1CountryCode"]) and pd.isna(un["AvgTone"])
    texas = df[df["EventCode"] == "051"].iloc[0]
    assert texas["ActionGeo_Type"] == 2 and texas["ActionGeo_ADM1Code"] == "USTX"
    assert pd.isna(texas["Actor2Code"])
    country = df[df["EventCode"] == "194"].iloc[0]
    assert country["ActionGeo_Type"] == 1 and country["ActionGeo_FeatureID"] == "IN"


def test_export_gdelt_include_negated(store, tmp_path):
    out = tmp_path / "g.CSV"
    assert export(store, "gdelt", out, include_negated=True) == 9


def test_export_plover_jsonl_fields(store, tmp_path):
    out = tmp_path / "p.jsonl"
    n = export(store, "plover", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(records) == 7  # no root-01 statement, no negated event
    assert all(r["event"] for r in records)
    phone = next(r for r in records if r["cameo"] == "041")
    assert (phone["event"], phone["mode"]) == ("CONSULT", "phone")
    assert phone["source"]["code"] == "USAGOV" and phone["target"]["country"] == "IND"
    assert set(phone) >= {"id", "date", "event", "mode", "context", "source", "target",
                          "location", "text"}
    strike = next(r for r in records if r["cameo"] == "195")
    assert strike["event"] == "ASSAULT" and strike["num_articles"] == 2
    assert strike["location"]["name"] == "Muzaffarabad" and strike["fatalities"] == 31


def test_export_acled_violent_and_protest_events(store, tmp_path):
    out = tmp_path / "a.csv"
    n = export(store, "acled", out)
    with out.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == ACLED_COLUMNS
        rows = {r["event_type"] + "/" + r["sub_event_type"]: r for r in reader}
    assert n == 4
    assert set(rows) == {"Explosions/Remote violence/Air/drone strike",
                         "Violence against civilians/Attack",
                         "Protests/Peaceful protest",
                         "Explosions/Remote violence/Shelling/artillery/missile attack"}
    strike = rows["Explosions/Remote violence/Air/drone strike"]
    assert strike["actor1"] == "Military Forces of India" and strike["inter1"] == "8"
    assert strike["actor2"] == "Military Forces of Pakistan" and strike["inter2"] == "1"
    assert strike["interaction"] == "18" and strike["fatalities"] == "31"
    assert strike["geo_precision"] == "1" and strike["time_precision"] == "1"
    assert strike["country"] == "Pakistan" and strike["iso"] == "586"
    attack = rows["Violence against civilians/Attack"]
    assert attack["inter1"] == "3" and attack["inter2"] == "7"
    assert attack["civilian_targeting"] == "Civilian targeting"
    protest = rows["Protests/Peaceful protest"]
    assert protest["actor1"] == "Protesters (Pakistan)" and protest["inter1"] == "6"
    assert protest["disorder_type"] == "Demonstrations" and protest["fatalities"] == "0"
    shelling = rows["Explosions/Remote violence/Shelling/artillery/missile attack"]
    assert shelling["geo_precision"] == "3" and shelling["time_precision"] == "3"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_native_events(store, tmp_path, fmt):
    out = tmp_path / f"n.{fmt}"
    n = export(store, "native", out, format=fmt)
    if fmt == "parquet":
        df = pq.read_table(out).to_pandas()
    elif fmt == "csv":
        df = pd.read_csv(out, dtype={"cameo": str, "cameo_root": str})
    else:
        df = pd.read_json(out, lines=True, dtype={"cameo": str, "cameo_root": str})
    assert n == len(df) == 9  # native keeps negated events, with their flag
    assert {"canonical_id", "num_articles", "num_sources", "first_seen", "evidence_text",
            "cameo", "negated"} <= set(df.columns)
    assert "0256" in set(df["cameo"]) and df["negated"].sum() == 1


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_native_reports_are_contract_records(store, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    n = export(store, "native", out, format=fmt, level="reports")
    if fmt == "jsonl":
        records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    else:
        records = pq.read_table(out).to_pylist()
    assert n == len(records) == 10
    stored = {e.event_id: e.to_dict()
              for aid in store.articles()["article_id"] for e in store.result(aid).events}
    for record in records:
        canonical = record.pop("canonical_id")
        assert canonical
        original = stored[record["event_id"]]
        if fmt == "parquet":  # Parquet structs keep every key; compare on the contract's
            record = {k: record[k] for k in original}
            for key in ("location", "attribution", "source", "target"):
                if original[key] is None:
                    record[key] = None
        assert record == original


def test_export_filters_and_bad_format(store, tmp_path):
    out = tmp_path / "g.CSV"
    assert export(store, "gdelt", out, filter=EventFilter(root="19")) == 2
    with pytest.raises(ValueError, match="tab-separated|csv"):
        export(store, "gdelt", tmp_path / "x.parquet", format="parquet")
    with pytest.raises(ValueError, match="unknown schema"):
        export(store, "cameo", out)
