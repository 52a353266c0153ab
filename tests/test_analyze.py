"""Dyad analytics: series, escalation index, alerts, signals, mediators, chart, CLI.

The stores are built from hand-made events (``tests/builders.py``), so every expected
number below is worked out by hand. Most tests use a half-life of 1 day (smoothing
factor 0.5) and a 5-day range so the index is easy to follow:

    index_d = index_{d-1} / 2 + intensity_d / 2
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import article, item
from flashpoint.analyze import (
    DyadInputError,
    EscalationConfig,
    alerts,
    deescalation_signals,
    dyad_report,
    dyad_series,
    mediators,
    network,
    plot_dyad,
    top_dyads,
)
from flashpoint.cli import app
from flashpoint.demo import CORPUS
from flashpoint.store import Store

runner = CliRunner()
TEXT = "Officials described what happened along the border over the past days. " * 3
CONFIG = EscalationConfig(halflife=1.0, window=5, threshold=3.0, min_level=5.0)

# The crisis, day by day (2025-05-01 … 2025-05-10):
#   05-01 PAKGOV criticises INDGOV (111, -2)
#   05-05/06 gunmen (no country) fire on Indian and on Pakistani civilians: not the dyad
#   05-07 INDMIL air strike on PAK (195, -10), 26 killed
#   05-08 PAKMIL shells INDCVL (194, -10), 3 killed; PAK accuses IND — negated, left out;
#         USAGOV phones INDGOV and PAKGOV (041) and appeals to PAKGOV to de-escalate (0256)
#   05-09 IGOUN appeals to PAKGOV (0256) and criticises INDGOV (111);
#         INDGOV phones PAKGOV (041, talks)
#   05-10 IND declares a ceasefire with PAK (0871, +9)
I7 = 10 * (1 + math.log(27))   # intensity of the strike with 26 killed
I8 = 10 * (1 + math.log(4))    # intensity of the shelling with 3 killed
X7 = I7 / 2
X8 = X7 / 2 + I8 / 2
X9 = X8 / 2
X10 = X9 / 2


def crisis_items() -> list:
    return [
        item(article("one " + TEXT, id="a1", outlet="Wire"), [
            ("PAKGOV", "111", "INDGOV", {"date": "2025-05-01"}),
            ("INDMIL", "195", "PAK", {"date": "2025-05-07", "killed": 26}),
            ("PAKMIL", "194", "INDCVL", {"date": "2025-05-08", "killed": 3}),
            ("PAK", "112", "IND", {"date": "2025-05-08", "negated": True})]),
        item(article("two " + TEXT, id="a2", outlet="Daily"), [
            ("UAF", "190", "INDCVL", {"date": "2025-05-05"}),
            ("UAF", "190", "PAKCVL", {"date": "2025-05-06"}),
            ("USAGOV", "041", "INDGOV", {"date": "2025-05-08"}),
            ("USAGOV", "041", "PAKGOV", {"date": "2025-05-08"}),
            ("USAGOV", "0256", "PAKGOV", {"date": "2025-05-08"}),
            ("IGOUN", "0256", "PAKGOV", {"date": "2025-05-09"}),
            ("IGOUN", "111", "INDGOV", {"date": "2025-05-09"})]),
        item(article("three " + TEXT, id="a3", outlet="Post"), [
            ("INDGOV", "041", "PAKGOV", {"date": "2025-05-09"}),
            ("IND", "0871", "PAK", {"date": "2025-05-10"})]),
    ]


@pytest.fixture()
def crisis() -> Store:
    store = Store(":memory:")
    store.write_batch(crisis_items())
    return store


@pytest.fixture()
def crisis_db(tmp_path) -> Path:
    path = tmp_path / "crisis.duckdb"
    with Store(path) as store:
        store.write_batch(crisis_items())
    return path


@pytest.fixture()
def quiet() -> Store:
    """Verbal sparring and talks every few days, and one protest (141, -6.5)."""
    store = Store(":memory:")
    store.write_batch([item(article("quiet " + TEXT, id="q"), [
        ("INDGOV", "041", "PAKGOV", {"date": "2025-05-01"}),
        ("PAKGOV", "111", "INDGOV", {"date": "2025-05-02"}),
        ("INDGOV", "041", "PAKGOV", {"date": "2025-05-04"}),
        ("PAKGOV", "111", "INDGOV", {"date": "2025-05-05"}),
        ("PAKOPP", "141", "INDGOV", {"date": "2025-05-06"}),
        ("INDGOV", "041", "PAKGOV", {"date": "2025-05-07"}),
        ("PAKGOV", "111", "INDGOV", {"date": "2025-05-08"})])])
    return store


def days(frame: pd.DataFrame, column: str = "period") -> list[str]:
    return [d.isoformat() for d in frame[column]]


# --------------------------------------------------------------------------- series


def test_analyze_series_daily_counts_fill_gaps_with_zeros(crisis):
    s = dyad_series(crisis, "IND", "PAK", config=CONFIG)
    assert days(s) == [f"2025-05-{d:02d}" for d in range(1, 11)]
    assert all(isinstance(d, date) for d in s["period"])
    assert list(s["events"]) == [1, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert list(s["q1"]) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert list(s["q2"]) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert list(s["q3"]) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]  # the negated accusation is out
    assert list(s["q4"]) == [0, 0, 0, 0, 0, 0, 1, 1, 0, 0]
    assert list(s["killed"]) == [0, 0, 0, 0, 0, 0, 26, 3, 0, 0]
    assert list(s["goldstein_sum"]) == [-2, 0, 0, 0, 0, 0, -10, -10, 1, 9]
    assert s["goldstein_mean"].isna().tolist() == [False] + [True] * 5 + [False] * 4
    assert list(s["deescalation"]) == [0, 0, 0, 0, 0, 0, 0, 1, 2, 1]


def test_analyze_series_leaves_out_events_dated_only_to_a_year_or_month(crisis):
    crisis.write_batch([item(article("background " + TEXT, id="bg"), [
        ("INDGOV", "043", "PAKGOV", {"date": "2015-01-01", "precision": "year"}),
        ("INDGOV", "111", "PAKGOV", {"date": "2025-03-01", "precision": "month"})])])
    s = dyad_series(crisis, "IND", "PAK", config=CONFIG)
    assert days(s)[0] == "2025-05-01" and int(s["events"].sum()) == 5
    pair = top_dyads(crisis).iloc[0]
    assert (pair["a"], pair["b"], pair["events"]) == ("IND", "PAK", 5)
    assert pair["first_day"].isoformat() == "2025-05-01"


def test_analyze_series_index_rises_after_fatal_strike_and_decays(crisis):
    s = dyad_series(crisis, "IND", "PAK", config=CONFIG)
    assert s["intensity"].tolist() == pytest.approx([0] * 6 + [I7, I8, 0, 0])
    assert s["escalation_index"].tolist() == pytest.approx([0] * 6 + [X7, X8, X9, X10])


def test_analyze_series_fatality_weight_zero_counts_severity_only(crisis):
    config = EscalationConfig(halflife=1.0, window=5, fatality_weight=0.0)
    s = dyad_series(crisis, "IND", "PAK", config=config)
    assert s["intensity"].tolist() == pytest.approx([0] * 6 + [10, 10, 0, 0])


def test_analyze_series_range_extends_calendar_with_zero_days(crisis):
    s = dyad_series(crisis, "IND", "PAK", since="2025-04-28", until="2025-05-12", config=CONFIG)
    assert len(s) == 15
    assert days(s)[0] == "2025-04-28" and days(s)[-1] == "2025-05-12"
    assert list(s["events"][:3]) == [0, 0, 0] and list(s["events"][-2:]) == [0, 0]
    assert s["events"].sum() == 5


def test_analyze_series_index_does_not_depend_on_since(crisis):
    s = dyad_series(crisis, "IND", "PAK", since="2025-05-09", config=CONFIG)
    assert days(s) == ["2025-05-09", "2025-05-10"]
    assert s["escalation_index"].tolist() == pytest.approx([X9, X10])


def test_analyze_series_weekly_sums_iso_weeks(crisis):
    w = dyad_series(crisis, "IND", "PAK", freq="W", config=CONFIG)
    assert days(w) == ["2025-04-28", "2025-05-05"]  # Mondays; 05-01 is a Thursday
    assert list(w["events"]) == [1, 4]
    assert list(w["q4"]) == [0, 2]
    assert list(w["killed"]) == [0, 29]
    assert list(w["deescalation"]) == [0, 4]
    assert w["goldstein_mean"].tolist() == pytest.approx([-2.0, -2.5])
    # the week's index is the mean of its days' (05-05 … 05-10)
    assert w["escalation_index"].tolist() == pytest.approx([0.0, (X7 + X8 + X9 + X10) / 6])


def test_analyze_series_weekly_from_midweek_counts_only_days_in_range(crisis):
    w = dyad_series(crisis, "IND", "PAK", since="2025-05-09", freq="W", config=CONFIG)
    assert days(w) == ["2025-05-05"]
    assert list(w["events"]) == [2] and list(w["q4"]) == [0]
    assert w["escalation_index"].tolist() == pytest.approx([(X9 + X10) / 2])


@pytest.mark.parametrize(("a", "b", "directed", "events"), [
    ("IND", "PAK", False, 5), ("PAK", "IND", False, 5),
    ("IND", "PAK", True, 3),      # 195, 041, 0871
    ("PAK", "IND", True, 2),      # 111, 194
    ("PAKGOV", "INDGOV", True, 1),  # actor codes: only 111
])
def test_analyze_series_directed_and_undirected(crisis, a, b, directed, events):
    s = dyad_series(crisis, a, b, directed=directed, config=CONFIG)
    assert s["events"].sum() == events


# --------------------------------------------------------------------------- alerts


def test_analyze_alert_fires_on_the_breakout_day(crisis):
    found = alerts(dyad_series(crisis, "IND", "PAK", config=CONFIG), CONFIG)
    rows = list(zip(days(found), found["kind"], strict=True))
    assert rows == [("2025-05-07", "escalation"), ("2025-05-08", "de-escalation"),
                    ("2025-05-09", "de-escalation"), ("2025-05-10", "de-escalation")]
    first = found.iloc[0]
    assert first["index"] == pytest.approx(X7)
    assert (first["baseline"], first["upper"]) == (0.0, 0.0)  # five quiet days before
    assert "broke out" in first["message"]


def test_analyze_alert_min_level_silences_small_breakouts(crisis):
    config = EscalationConfig(halflife=1.0, window=5, min_level=25.0)
    assert alerts(dyad_series(crisis, "IND", "PAK", config=config), config).empty


def test_analyze_alert_none_on_quiet_series(quiet):
    s = dyad_series(quiet, "IND", "PAK", config=CONFIG)
    assert s["events"].sum() == 7
    assert s["escalation_index"].max() == pytest.approx(6.5 / 2)  # the protest, below 5
    assert alerts(s, CONFIG).empty


def test_analyze_alerts_refuses_a_frame_without_the_index():
    with pytest.raises(DyadInputError, match="escalation_index"):
        alerts(pd.DataFrame({"period": [], "events": []}))


# --------------------------------------------------------------------------- signals


def test_analyze_signals_between_pair_and_third_party_appeals(crisis):
    found = deescalation_signals(crisis, "IND", "PAK")
    rows = sorted(zip(days(found, "day"), found["signal"], found["cameo"],
                      found["source_code"], found["target_code"], strict=True))
    assert rows == [
        ("2025-05-08", "appeal", "0256", "USAGOV", "PAKGOV"),
        ("2025-05-09", "appeal", "0256", "IGOUN", "PAKGOV"),
        ("2025-05-09", "talks", "041", "INDGOV", "PAKGOV"),
        ("2025-05-10", "ceasefire", "0871", "IND", "PAK"),
    ]  # the US phone calls are contacts with one side, not talks between the two


def test_analyze_signals_respect_dates(crisis):
    found = deescalation_signals(crisis, "IND", "PAK", since="2025-05-10", until="2025-05-10")
    assert list(found["signal"]) == ["ceasefire"]


# --------------------------------------------------------------------------- mediators


@pytest.mark.parametrize(("a", "b"), [("IND", "PAK"), ("INDGOV", "PAKGOV")])
def test_analyze_mediators_only_third_parties_touching_both_sides(crisis, a, b):
    found = mediators(crisis, a, b)
    # IGOUN appeals to Pakistan but only criticises India; the gunmen fire on both
    assert list(found["code"]) == ["USAGOV"]
    us = found.iloc[0]
    assert (us["with_a"], us["with_b"], us["events"]) == (1, 2, 3)
    assert us["country"] == "USA" and us["name"] == "Marco Rubio"
    assert us["cameos"] == ["0256", "041"]
    assert us["first_day"] == us["last_day"] == date(2025, 5, 8)


def test_analyze_mediators_none_when_one_side_only(crisis):
    assert mediators(crisis, "IND", "PAK", until="2025-05-07").empty


# --------------------------------------------------------------------------- report


def test_analyze_report_totals_and_summary(crisis):
    report = dyad_report(crisis, "ind", "pak", config=CONFIG)
    t = report.totals()
    assert (report.a, report.b) == ("IND", "PAK")
    assert (t["events"], t["q1"], t["q2"], t["q3"], t["q4"]) == (5, 1, 1, 1, 2)
    assert (t["conflict"], t["cooperation"], t["killed"]) == (3, 2, 29)
    assert t["goldstein_sum"] == -12.0
    assert t["peak_day"] == date(2025, 5, 8) and t["peak_index"] == pytest.approx(X8, abs=1e-3)
    assert t["current_index"] == pytest.approx(X10, abs=1e-3)
    assert t["trend"] == "falling"  # X10 against X7, three days before
    assert t["current_position"] == "within range"
    assert (t["escalation_alerts"], t["signals"], t["mediators"]) == (1, 4, 1)
    text = report.summary()
    for expected in ("IND – PAK", "material conflict", "Alerts (4)", "broke out",
                     "ceasefire", "USAGOV", "Marco Rubio", "2025-05-07"):
        assert expected in text
    assert "Weekly series (2)" in report.summary(weekly=True)


def test_analyze_report_to_dict_is_json_without_nan(crisis):
    data = dyad_report(crisis, "IND", "PAK", since="2025-05-01", config=CONFIG).to_dict()
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    assert set(back) == {"a", "b", "since", "until", "directed", "config", "totals", "series",
                         "weekly", "alerts", "signals", "signals_total", "mediators"}
    assert back["since"] == "2025-05-01" and back["until"] is None
    assert back["signals_total"] == len(back["signals"]) == back["totals"]["signals"] == 4
    assert back["series"][1]["period"] == "2025-05-02"
    assert back["series"][1]["goldstein_mean"] is None
    assert back["mediators"][0]["cameos"] == ["0256", "041"]
    assert back["config"]["halflife"] == 1.0


@pytest.mark.parametrize(("max_signals", "kept"), [(2, 2), (0, 0), (None, 4), (100, 4)])
def test_analyze_report_to_dict_keeps_the_latest_signals(crisis, max_signals, kept):
    report = dyad_report(crisis, "IND", "PAK", config=CONFIG)
    data = report.to_dict(max_signals=max_signals)
    assert (len(data["signals"]), data["signals_total"], len(report.signals)) == (kept, 4, 4)
    latest = [str(d) for d in report.signals["day"].tail(kept)] if kept else []
    assert [s["day"] for s in data["signals"]] == latest


@pytest.mark.parametrize("max_signals", [-1, 1.5])
def test_analyze_report_to_dict_refuses_a_bad_signal_cap(crisis, max_signals):
    with pytest.raises(DyadInputError, match="max_signals"):
        dyad_report(crisis, "IND", "PAK").to_dict(max_signals=max_signals)


@pytest.mark.parametrize("since", [None, "2025-05-08"])
def test_analyze_report_parts_match_the_standalone_functions(crisis, since):
    report = dyad_report(crisis, "IND", "PAK", since=since, config=CONFIG)
    pd.testing.assert_frame_equal(report.signals,
                                  deescalation_signals(crisis, "IND", "PAK", since=since))
    pd.testing.assert_frame_equal(report.mediators, mediators(crisis, "IND", "PAK", since=since))
    pd.testing.assert_frame_equal(report.series,
                                  dyad_series(crisis, "IND", "PAK", since=since, config=CONFIG))


def test_analyze_report_of_dyad_without_events_is_clear(crisis):
    report = dyad_report(crisis, "IND", "CHN")
    assert report.empty
    assert "No events between IND and CHN" in report.summary()
    assert json.dumps(report.to_dict(), allow_nan=False)
    with pytest.raises(DyadInputError, match="nothing to plot"):
        plot_dyad(report, "never.png")


@pytest.mark.parametrize(("kwargs", "names"), [
    ({"freq": "M"}, ["freq", "'M'"]),
    ({"since": "2025-02-30"}, ["since", "2025-02-30"]),
    ({"until": "yesterday"}, ["until", "yesterday"]),
    ({"since": "2025-05-09", "until": "2025-05-01"}, ["since", "2025-05-09"]),
    ({"b": "IND"}, ["b", "same side"]),
    ({"a": "I N D"}, ["a", "I N D"]),
])
def test_analyze_bad_input_names_it(crisis, kwargs, names):
    args = {"a": "IND", "b": "PAK", **kwargs}
    with pytest.raises(DyadInputError) as err:
        dyad_series(crisis, args.pop("a"), args.pop("b"), **args)
    for name in names:
        assert name in str(err.value)


@pytest.mark.parametrize(("field", "value"), [
    ("halflife", 0.0), ("window", 0), ("threshold", -1.0), ("min_level", float("nan"))])
def test_analyze_config_refuses_out_of_range(field, value):
    with pytest.raises(DyadInputError, match=field):
        EscalationConfig(**{field: value})


def test_analyze_plot_writes_png(crisis, tmp_path):
    out = plot_dyad(dyad_report(crisis, "IND", "PAK", config=CONFIG), tmp_path / "c.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1100, 650)


# --------------------------------------------------------------------------- overview


def test_analyze_top_dyads_counts_country_pairs(crisis):
    top = top_dyads(crisis)
    assert list(zip(top["a"], top["b"], top["events"], strict=True)) == [
        ("IND", "PAK", 5), ("PAK", "USA", 2), ("IND", "USA", 1)]  # IGO and no-country out
    first = top.iloc[0]
    assert (first["conflict"], first["cooperation"], first["killed"]) == (3, 2, 29)
    assert (first["first_day"], first["last_day"]) == (date(2025, 5, 1), date(2025, 5, 10))
    assert len(top_dyads(crisis, limit=1)) == 1


def test_analyze_network_of_a_dyad_brings_in_third_parties(crisis):
    net = network(crisis, dyad="IND,PAK")
    ids = {n["id"] for n in net["nodes"]}
    assert {"USAGOV", "IGOUN", "INDGOV", "PAKGOV"} <= ids
    edge = next(e for e in net["edges"] if (e["source"], e["target"]) == ("USAGOV", "PAKGOV"))
    assert (edge["events"], edge["cooperation"], edge["conflict"]) == (2, 2, 0)
    assert edge["goldstein"] == pytest.approx((1.0 - 0.3) / 2)
    assert json.dumps(net, allow_nan=False)
    assert len(network(crisis, limit=2)["nodes"]) == 2


# --------------------------------------------------------------------------- CLI


def test_analyze_cli_dyad_prints_summary_and_writes_chart(crisis_db, tmp_path):
    png = tmp_path / "chart.png"
    result = runner.invoke(app, ["dyad", "IND", "PAK", "--db", str(crisis_db), "--png",
                                 str(png), "--halflife", "1", "--window", "5"])
    assert result.exit_code == 0, result.output
    for expected in ("material conflict", "escalation", "ceasefire", "USAGOV",
                     "Days with events (5)"):
        assert expected in result.output
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_analyze_cli_dyad_json_and_weekly(crisis_db):
    result = runner.invoke(app, ["dyad", "PAK", "IND", "--db", str(crisis_db), "--directed",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["directed"] is True and data["totals"]["events"] == 2
    weekly = runner.invoke(app, ["dyad", "IND", "PAK", "--db", str(crisis_db), "--weekly"])
    assert "Weekly series (2)" in weekly.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--from", "2025-13-01"], 2, "--from: '2025-13-01' is not a date"),
    (["--to", "soon"], 2, "--to: 'soon' is not a date"),
    (["--halflife", "0"], 2, "--halflife: 0.0 must be"),
    (["--min-level", "-1"], 2, "--min-level: -1.0 must be"),
    (["--from", "2025-06-01"], 1, "no events between IND and PAK from 2025-06-01"),
])
def test_analyze_cli_dyad_bad_input(crisis_db, args, code, message):
    result = runner.invoke(app, ["dyad", "IND", "PAK", "--db", str(crisis_db), *args])
    assert result.exit_code == code
    assert message in " ".join(result.output.split())


def test_analyze_cli_dyad_unknown_pair_and_missing_store(crisis_db, tmp_path):
    none = runner.invoke(app, ["dyad", "IND", "CHN", "--db", str(crisis_db)])
    assert none.exit_code == 1 and "no events between IND and CHN" in none.output
    missing = runner.invoke(app, ["dyad", "IND", "PAK", "--db", str(tmp_path / "no.duckdb")])
    assert missing.exit_code == 2 and "no store here" in missing.output


# --------------------------------------------------------------------------- example corpus


def test_analyze_example_corpus_ind_pak(tmp_path):
    db = tmp_path / "examples.duckdb"
    ingested = runner.invoke(app, ["ingest", str(CORPUS), "--db", str(db), "--quiet"])
    assert ingested.exit_code == 0, ingested.output
    with Store(db, read_only=True) as store:
        report = dyad_report(store, "IND", "PAK")
    totals = report.totals()
    assert totals["q4"] >= 3 and totals["killed"] > 0
    assert totals["escalation_alerts"] >= 1
    assert "USAGOV" in set(report.mediators["code"])
    assert {"appeal", "intent"} <= set(report.signals["signal"])
    shown = runner.invoke(app, ["dyad", "IND", "PAK", "--db", str(db)])
    assert shown.exit_code == 0 and "Marco Rubio" in shown.output
