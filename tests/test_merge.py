"""Cross-article merging: one canonical event per happening, found by blocking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders import article, item
from flashpoint.merge import Merger, Place, neighbour_keys, places_compatible
from flashpoint.store import Store

DATA = Path(__file__).parent / "data" / "merge"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_4b7cf3a3e432ac5a.txt"

BODY = "Reports from the region said the situation remained tense throughout the day."


def _store_with(*batches):
    store = Store(":memory:")
    for batch in batches:
        store.write_batch(batch)
    return store


def _art(n: int, outlet: str, published: str = "2025-05-09"):
    return article(f"{n} {BODY}", id=f"a{n}", outlet=outlet, published=published)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (None, Place("Srinagar", "Jammu and Kashmir", "IND", precision="city"), True),
        (Place("Srinagar", "Jammu and Kashmir", "IND", 1, "city"),
         Place("Srinagar", "Jammu and Kashmir", "IND", 1, "city"), True),
        (Place("Srinagar", "Jammu and Kashmir", "IND", precision="city"),
         Place("Jammu and Kashmir", "Jammu and Kashmir", "IND", precision="admin1"), True),
        (Place("Srinagar", "Jammu and Kashmir", "IND", precision="city"),
         Place("India", None, "IND", precision="country"), True),
        (Place("Srinagar", "Jammu and Kashmir", "IND", precision="city"),
         Place("Pahalgam", "Jammu and Kashmir", "IND", precision="city"), False),
        (Place("Srinagar", "Jammu and Kashmir", "IND", precision="city"),
         Place("Lahore", "Punjab", "PAK", precision="city"), False),
        (Place("Jammu and Kashmir", "Jammu and Kashmir", "IND", precision="admin1"),
         Place("Punjab", "Punjab", "IND", precision="admin1"), False),
    ],
    ids=["missing", "same-id", "city-in-region", "city-in-country", "two-cities",
         "two-countries", "two-regions"],
)
def test_merge_places_compatible(a, b, expected):
    assert places_compatible(a, b) is expected
    assert places_compatible(b, a) is expected


def test_merge_three_articles_one_event():
    store = _store_with([
        item(_art(1, "Wire"), [("INDMIL", "195", "PAK", {"date": "2025-05-07",
                                                          "place": "Muzaffarabad"})]),
        item(_art(2, "Daily"), [("INDMIL", "190", "PAK", {"date": "2025-05-08"})]),
        item(_art(3, "Herald", "2025-05-10"), [("INDMIL", "195", "PAK", {"date": "2025-05-07",
                                                                       "killed": 31})]),
    ])
    [row] = store.events().to_dict("records")
    assert (row["num_reports"], row["num_articles"], row["num_sources"]) == (3, 3, 3)
    assert str(row["first_seen"])[:10] == "2025-05-09" and str(row["last_seen"])[:10] == \
        "2025-05-10"
    assert row["location_name"] == "Muzaffarabad" and row["killed"] == 31
    assert row["cameo"] == "195"
    assert len(store.evidence(row["canonical_id"])) == 3
    assert store.counts()["reports"] == 3


def test_merge_same_outlet_counts_one_source():
    store = _store_with([item(_art(1, "Wire"), [("USAGOV", "041", "INDGOV")]),
                         item(_art(2, "wire "), [("USAGOV", "041", "INDGOV")])])
    [row] = store.events().to_dict("records")
    assert (row["num_articles"], row["num_sources"]) == (2, 1)


@pytest.mark.parametrize(
    ("second", "events"),
    [
        ({"date": "2025-05-09"}, 1),  # a day later: the same
        ({"date": "2025-05-10"}, 2),  # two days later: another one
        ({"date": "2025-05-08", "negated": True}, 2),  # denied is not done
        ({"date": "2025-05-08", "place": "Lahore"}, 2),  # another country
        ({"date": "2025-05-08", "place": "Pahalgam"}, 2),  # another city
        ({"date": "2025-05-08", "place": "Jammu and Kashmir"}, 1),  # the city's region
        ({"date": None, "precision": "unknown"}, 1),  # undated: published 05-09
    ],
    ids=["next-day", "two-days", "negated", "other-country", "other-city", "region",
         "undated"],
)
def test_merge_rules(second, events):
    first = {"date": "2025-05-08", "place": "Srinagar"}
    store = _store_with([item(_art(1, "Wire"), [("PAKMIL", "194", "INDCVL", first)]),
                         item(_art(2, "Daily"), [("PAKMIL", "194", "INDCVL", second)])])
    assert store.count_events() == events


@pytest.mark.parametrize(
    ("spec", "same"),
    [
        (("PAKMIL", "193", "INDCVL"), True),  # same root 19
        (("PAKMIL", "180", "INDCVL"), False),  # root 18
        (("PAK", "194", "INDCVL"), False),  # another source code
        (("PAKMIL", "194", "INDMIL"), False),  # another target code
        (("INDCVL", "194", "PAKMIL"), False),  # reversed
    ],
)
def test_merge_needs_same_codes_and_root(spec, same):
    store = _store_with([item(_art(1, "Wire"), [("PAKMIL", "194", "INDCVL")]),
                         item(_art(2, "Daily"), [spec])])
    assert store.count_events() == (1 if same else 2)


def test_merge_nearest_day_wins_and_no_chaining():
    # 05-08 founds A; 05-10 founds B; 05-09 is within a day of both and joins the older.
    store = _store_with([
        item(_art(1, "A"), [("PAKMIL", "194", "INDCVL", {"date": "2025-05-08"})]),
        item(_art(2, "B"), [("PAKMIL", "194", "INDCVL", {"date": "2025-05-10"})]),
        item(_art(3, "C"), [("PAKMIL", "194", "INDCVL", {"date": "2025-05-09"})]),
        item(_art(4, "D"), [("PAKMIL", "194", "INDCVL", {"date": "2025-05-11"})]),
    ])
    rows = store.events(order="global_id")
    assert list(rows["num_articles"]) == [2, 2]
    assert [str(d)[:10] for d in rows["day"]] == ["2025-05-08", "2025-05-10"]


def _corpus():
    specs = [
        ("PAKMIL", "194", "INDCVL", {"date": "2025-05-08"}),
        ("PAKMIL", "194", "INDCVL", {"date": "2025-05-09", "place": "Srinagar"}),
        ("USAGOV", "041", "INDGOV"),
        ("USAGOV", "0256", "PAKGOV"),
        ("INDMIL", "195", "PAK", {"date": "2025-05-07"}),
        ("INDMIL", "195", "PAK", {"date": "2025-05-10"}),
        ("PAKMIL", "194", "INDCVL", {"date": "2025-05-10", "place": "Pahalgam"}),
    ]
    return [item(_art(i, f"Outlet {i % 4}"), [specs[i % len(specs)], specs[(i * 3) % len(specs)]])
            for i in range(30)]


def _rows(store):
    df = store.events(order="global_id")
    return df.astype(str).values.tolist()


def test_merge_result_does_not_depend_on_batch_boundaries():
    items = _corpus()
    one = _store_with(items)
    many = _store_with(*[items[i:i + 4] for i in range(0, len(items), 4)])
    singles = _store_with(*[[x] for x in _corpus()])
    assert _rows(one) == _rows(many) == _rows(singles)
    assert one.counts() == many.counts() == singles.counts()


def test_merge_looks_up_a_few_keys_per_report_not_all_events():
    calls = []

    def fetch(keys):
        calls.append(list(keys))
        return []

    reports = [{"event_id": f"e{i}", "article_id": f"a{i}", "source_code": "PAKMIL",
                "target_code": "INDCVL", "cameo_root": "19", "negated": False,
                "date": date(2025, 5, 1 + i % 20), "date_precision": "day",
                "published": date(2025, 5, 21), "seen": date(2025, 5, 21),
                "source_key": f"s{i}"} for i in range(200)]
    merger = Merger(fetch, 1, None)
    merger.assign(reports)
    assert len(calls) == 1  # one lookup per batch
    assert len(calls[0]) <= 3 * len(reports)
    assert set(calls[0]) == {k for r in reports for k in neighbour_keys(
        "PAKMIL\x1fINDCVL\x1f19\x1f0", r["date"], r["event_id"])}
    assert len(merger.touched) < len(reports)


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seeds")
def test_merge_seed_and_two_rewrites_yield_seed_events_once_with_three_articles():
    """The seed article and two rewrites of it by other outlets: every event of the
    seed comes out once, reported by three articles from three sources."""
    from flashpoint.ingest import article_from_text
    from flashpoint.ingest.sources import Input
    from flashpoint.model import Article
    from flashpoint.pipeline import ingest

    def load(path: Path, outlet: str) -> Input:
        art = article_from_text(path.read_text(encoding="utf-8"), str(path),
                                published="2025-05-09")
        return Input(path.name, Article(text=art.text, title=art.title,
                                        published=art.published, outlet=outlet, id=art.id))

    seed = load(SEED, "Indian daily")
    rewrites = [load(DATA / "rewrite_capital_wire.txt", "Capital Wire"),
                load(DATA / "rewrite_frontier_daily.txt", "The Frontier Daily")]

    alone = Store(":memory:")
    ingest([seed], db=alone)
    seed_events = alone.events(order="global_id")
    assert len(seed_events) >= 10

    store = Store(":memory:")
    report = ingest([seed, *rewrites], db=store)
    assert report.ingested == 3 and not report.duplicates  # rewrites, not wire copies
    merged = store.events(order="global_id")
    assert list(merged["canonical_id"]) == list(seed_events["canonical_id"])
    assert set(merged["num_articles"]) == {3}
    assert set(merged["num_sources"]) == {3}
    assert (merged["num_reports"] >= 3).all()
    reports = store.reports()
    assert set(reports["canonical_id"]) == set(seed_events["canonical_id"])
