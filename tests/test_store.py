"""The store: schema, idempotent batches, round-trips, queries, crash safety."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import article, item
from flashpoint import ontology
from flashpoint.model import (
    Actor,
    ActorRef,
    ArticleResult,
    Attribution,
    Event,
    Evidence,
    Location,
    Plover,
    Quote,
)
from flashpoint.store import BatchItem, EventFilter, Store, StoreError

DEV = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev.jsonl"
ROOT = Path(__file__).resolve().parents[1]

TEXT = ("Officials said on Thursday that the two governments had agreed to resume talks "
        "after weeks of tension along the border, and both sides pledged restraint.")


def test_store_memory_starts_empty():
    store = Store(":memory:")
    assert store.counts() == {"articles": 0, "near_duplicates": 0, "exact_copies": 0,
                              "reports": 0, "events": 0, "actors": 0, "quotes": 0,
                              "lsh_bands": 0}
    assert store.events().empty


def test_store_write_batch_twice_adds_nothing():
    store = Store(":memory:")
    batch = [item(article(TEXT, id="a"), [("USAGOV", "041", "INDGOV")], quotes=2),
             item(article(TEXT + " More.", id="b"), [("INDMIL", "195", "PAK")])]
    store.write_batch(batch)
    first = store.counts()
    store.write_batch(batch)
    assert store.counts() == first
    assert first["articles"] == 2 and first["reports"] == 2 and first["quotes"] == 2


def test_store_file_reopens_with_rows(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write_batch([item(article(TEXT, id="a"), [("USAGOV", "041", "INDGOV")])])
    with Store(path, read_only=True) as store:
        assert store.counts()["events"] == 1


def test_store_refuses_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(path) in str(info.value)


def test_store_refuses_a_second_writer(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ok', flush=True); time.sleep(30)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError) as info:
            Store(path)
        assert "in use by another process" in str(info.value)
    finally:
        holder.kill()
        holder.wait()


def test_store_batch_rolls_back_on_failure():
    store = Store(":memory:")
    good = item(article(TEXT, id="a"), [("USAGOV", "041", "INDGOV")])
    bad = item(article(TEXT + " x", id="b"), [("INDMIL", "195", "PAK")])
    bad.result = "not a result"  # type: ignore[assignment]
    with pytest.raises(AttributeError):
        store.write_batch([good, bad])
    assert store.counts()["articles"] == 0
    assert store.counts()["events"] == 0


# ------------------------------------------------------------------ round-trips

_CODES = [c.code for c in ontology.all_codes()]
_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
_opt_text = st.none() | _text
_sectors = st.none() | st.sampled_from(["GOV", "MIL", "CVL", "UAF", "IGO"])
_actor_ref = st.builds(ActorRef, name=_text, text=_text,
                       country=st.none() | st.sampled_from(["USA", "IND", "PAK", "IGO"]),
                       sector=_sectors, org=st.none() | st.sampled_from(["UN", "NATO"]))
_location = st.builds(Location, name=_text, admin1=_opt_text, country=st.none() | st.just("IND"),
                      lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180),
                      geonames_id=st.none() | st.integers(1, 10**9),
                      precision=st.sampled_from(["city", "admin1", "country", "region"]))


@st.composite
def _results(draw):
    aid = "a" * 64
    events = []
    for i in range(draw(st.integers(0, 4))):
        code = ontology.describe(draw(st.sampled_from(_CODES)))
        start = draw(st.integers(0, 500))
        precision = draw(st.sampled_from(["day", "month", "year", "unknown"]))
        day = draw(st.dates()).isoformat() if precision != "unknown" else None
        events.append(Event(
            event_id=f"e{i}", article_id=aid,
            evidence=Evidence(draw(_text), start, start + draw(st.integers(1, 300))),
            source=draw(st.none() | _actor_ref), target=draw(st.none() | _actor_ref),
            cameo=code.code, cameo_root=code.root, cameo_name=code.name,
            plover=Plover(code.plover_type, code.plover_mode), quad_class=code.quad_class,
            goldstein=code.goldstein, date=day, date_precision=precision,
            date_text=draw(_opt_text), location=draw(st.none() | _location),
            killed=draw(st.none() | st.integers(0, 5000)),
            injured=draw(st.none() | st.integers(0, 5000)), negated=draw(st.booleans()),
            modality=draw(st.sampled_from(["asserted", "threatened", "intended", "demanded"])),
            attribution=draw(st.none() | st.builds(Attribution, name=_text,
                                                   channel=st.sampled_from(["statement", "X"]))),
            confidence=draw(st.floats(0, 1))))
    actors = [Actor(draw(_text) + str(i), draw(st.none() | st.just("IND")), draw(_sectors),
                    None, aliases=draw(st.lists(_text, max_size=3)), role=draw(_opt_text))
              for i in range(draw(st.integers(0, 3)))]
    quotes = [Quote(f"q{i}", aid, draw(st.none() | _actor_ref), draw(_text),
                    i, i + 5, draw(st.booleans()), draw(st.none() | st.just("X")))
              for i in range(draw(st.integers(0, 3)))]
    return ArticleResult(id="x", article_id=aid, actors=actors, events=events, quotes=quotes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_results())
def test_store_records_round_trip(result):
    art = article(TEXT, id="x")
    result = ArticleResult(id=result.id, article_id=art.article_id, actors=result.actors,
                           events=[Event.from_dict({**e.to_dict(), "article_id": art.article_id})
                                   for e in result.events],
                           quotes=[Quote.from_dict({**q.to_dict(), "article_id": art.article_id})
                                   for q in result.quotes])
    store = Store(":memory:")
    store.write_batch([BatchItem("x", art, "new", result=result)])
    back = store.result(art.article_id)
    assert back is not None
    assert json.dumps(back.to_dict(), sort_keys=True) == json.dumps(result.to_dict(),
                                                                    sort_keys=True)
    assert store.article(art.article_id) == art


# ------------------------------------------------------------------ queries


@pytest.fixture()
def filled_store():
    store = Store(":memory:")
    store.write_batch([
        item(article("one " + TEXT, id="a", outlet="Wire"), [
            ("USAGOV", "041", "INDGOV"),
            ("INDMIL", "195", "PAK", {"date": "2025-05-07", "place": "Muzaffarabad",
                                      "killed": 26}),
            ("PAK", "112", "IND", {"negated": True})]),
        item(article("two " + TEXT, id="b", outlet="Daily"), [
            ("PAKMIL", "194", "INDCVL", {"date": "2025-05-10", "place": "Srinagar",
                                         "killed": 3}),
            ("IGOUN", "0256", "PAKGOV")]),
    ])
    return store


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        ({}, {"041", "195", "112", "194", "0256"}),
        ({"dyad": ("IND", "PAK")}, {"195", "112", "194"}),
        ({"dyad": ("IND", "PAK"), "directed": True}, {"195"}),
        ({"dyad": ("PAK", "IND"), "directed": True}, {"112", "194"}),
        ({"country": "USA"}, {"041"}),
        ({"actor": "Rubio"}, {"041"}),
        ({"actor": "IGO"}, {"0256"}),
        ({"root": "19"}, {"195", "194"}),
        ({"code": "19"}, {"195", "194"}),
        ({"quad_class": 1}, {"041", "0256"}),
        ({"since": "2025-05-09"}, {"194"}),
        ({"until": "2025-05-07"}, {"195"}),
        ({"place": "Kashmir"}, {"195", "194"}),
        ({"place": "PAK"}, {"195"}),
        ({"negated": True}, {"112"}),
        ({"negated": False, "dyad": ("IND", "PAK")}, {"195", "194"}),
    ],
)
def test_store_events_filters(filled_store, filters, codes):
    df = filled_store.events(**filters)
    assert set(df["cameo"]) == codes
    assert filled_store.count_events(**filters) == len(codes)


def test_store_events_page_and_order(filled_store):
    page = filled_store.events(limit=2)
    assert len(page) == 2
    assert list(page["day"]) == sorted(page["day"], reverse=True)
    rest = filled_store.events(limit=2, offset=2)
    assert not set(page["canonical_id"]) & set(rest["canonical_id"])


def test_store_dyad_series_counts_days_without_negated(filled_store):
    series = filled_store.dyad_series("IND", "PAK")
    assert [str(d)[:10] for d in series["day"]] == ["2025-05-07", "2025-05-10"]
    assert list(series["events"]) == [1, 1]
    assert list(series["q4"]) == [1, 1]


@pytest.mark.parametrize(("located", "codes"), [(True, {"195", "194"}),
                                               (False, {"041", "112", "0256"})])
def test_store_events_located(filled_store, located, codes):
    assert set(filled_store.events(located=located)["cameo"]) == codes
    assert filled_store.count_events(located=located) == len(codes)


def test_store_event_rows_match_the_events_frame(filled_store):
    frame = filled_store.events(limit=3, offset=1, order="day, global_id")
    rows = filled_store.event_rows(limit=3, offset=1, order="day, global_id")
    assert [r["canonical_id"] for r in rows] == frame["canonical_id"].tolist()
    assert list(rows[0]) == list(frame.columns)
    one = filled_store.event(rows[0]["canonical_id"], columns=("canonical_id", "cameo"))
    assert one == {"canonical_id": rows[0]["canonical_id"], "cameo": rows[0]["cameo"]}
    assert filled_store.event("0123456789abcdef") is None


def test_store_events_refuse_an_unknown_order(filled_store):
    with pytest.raises(ValueError, match="sideways"):
        filled_store.event_rows(order="sideways")


@pytest.fixture()
def listed_store():
    """Three articles of two outlets over three days, with actors and quotes."""
    store = Store(":memory:")
    store.write_batch([
        item(article("Ceasefire talks. " + TEXT, id="a", outlet="Wire", published="2025-05-07"),
             [("USAGOV", "041", "INDGOV")], quotes=2),
        item(article("Shelling at 100% of posts. " + TEXT, id="b", outlet="Daily",
                     published="2025-05-08"), [("INDMIL", "195", "PAK"),
                                               ("INDMIL", "194", "PAKCVL")]),
        item(article("Undated. " + TEXT, id="c", outlet="wire", published=None),
             [("PAKGOV", "041", "USAGOV")], quotes=1),
    ])
    return store


def test_store_articles_default_is_every_article_in_ingest_order(listed_store):
    frame = listed_store.articles()
    assert frame["id"].tolist() == ["a", "b", "c"]
    assert listed_store.count_articles() == 3


@pytest.mark.parametrize(("filters", "ids"), [
    ({"q": "ceasefire"}, ["a"]),
    ({"q": "100%"}, ["b"]),
    ({"q": "1_0"}, []),
    ({"outlet": "WIRE"}, ["a", "c"]),
    ({"since": "2025-05-08"}, ["b"]),
    ({"until": "2025-05-07"}, ["a"]),
    ({"q": "x'; DROP TABLE articles; --"}, []),
])
def test_store_articles_filters(listed_store, filters, ids):
    assert listed_store.articles(**filters)["id"].tolist() == ids
    assert listed_store.count_articles(**filters) == len(ids)


def test_store_articles_newest_first_in_pages(listed_store):
    assert listed_store.articles(order="newest")["id"].tolist() == ["b", "a", "c"]
    assert listed_store.articles(order="newest", limit=1, offset=1)["id"].tolist() == ["a"]
    with pytest.raises(ValueError, match="oldest"):
        listed_store.articles(order="oldest")


def test_store_article_row(listed_store):
    article_id = listed_store.articles()["article_id"][0]
    row = listed_store.article_row(article_id)
    assert row is not None and row["text"].startswith("Ceasefire talks.")
    assert row["duplicate_of"] is None and str(row["published"]) == "2025-05-07"
    assert listed_store.article_row("ab" * 32) is None


def test_store_actor_summary_counts_events_by_code_and_name(listed_store):
    frame = listed_store.actor_summary()
    counts = dict(zip(frame["code"], frame["events"], strict=True))
    assert counts["INDMIL"] == 2 and counts["USAGOV"] == 2 and counts["PAKCVL"] == 1
    assert frame["events"].tolist() == sorted(frame["events"], reverse=True)
    assert listed_store.count_actors() == len(frame)
    usa = frame[frame["code"] == "USAGOV"].iloc[0]
    assert (usa["name"], usa["country"], usa["articles"]) == ("Marco Rubio", "USA", 2)


@pytest.mark.parametrize(("filters", "codes"), [
    ({"q": "rubio"}, {"USAGOV"}),
    ({"q": "ind"}, {"INDGOV", "INDMIL"}),
    ({"country": "pak"}, {"PAK", "PAKCVL", "PAKGOV"}),
])
def test_store_actor_summary_filters(listed_store, filters, codes):
    assert set(listed_store.actor_summary(**filters)["code"]) == codes
    assert listed_store.count_actors(**filters) == len(codes)


def test_store_actor_summary_pages_tile_the_list(listed_store):
    whole = listed_store.actor_summary()["code"].tolist()
    pages = [listed_store.actor_summary(limit=2, offset=o)["code"].tolist()
             for o in range(0, len(whole), 2)]
    assert [c for page in pages for c in page] == whole


def test_store_quote_list_newest_article_first(listed_store):
    frame = listed_store.quote_list()
    assert list(frame.columns) == ["quote_id", "article_id", "speaker_name", "speaker_code",
                                   "text", "direct", "channel", "published", "title"]
    assert [str(p)[:10] for p in frame["published"]][:2] == ["2025-05-07", "2025-05-07"]
    assert frame["published"].isna().tolist() == [False, False, True]
    assert listed_store.count_quotes() == 3
    assert len(listed_store.quote_list(limit=1, offset=2)) == 1


@pytest.mark.parametrize(("filters", "n"), [
    ({"speaker": "rubio"}, 3), ({"speaker": "USA"}, 3), ({"speaker": "Sharif"}, 0),
    ({"q": "calm 1"}, 1), ({"q": "%"}, 0),
])
def test_store_quote_list_filters(listed_store, filters, n):
    assert len(listed_store.quote_list(**filters)) == listed_store.count_quotes(**filters) == n


def test_store_quotes_of_one_article(listed_store):
    article_id = listed_store.articles()["article_id"][0]
    own = listed_store.quotes(article_id)
    assert own["article_id"].tolist() == [article_id] * 2 and own["ord"].tolist() == [0, 1]
    assert listed_store.count_quotes(article_id=article_id) == 2
    assert len(listed_store.quotes()) == 3


def test_store_cursor_reads_what_the_store_committed(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    reader = store.cursor()
    assert reader.count_events() == 0
    store.write_batch([item(article(TEXT, id="a"), [("USAGOV", "041", "INDGOV")])])
    assert reader.count_events() == 1
    reader.close()
    assert store.count_events() == 1  # closing a cursor leaves the store open


def test_store_cursor_refuses_writes():
    store = Store(":memory:")
    reader = store.cursor()
    with pytest.raises(StoreError, match="reading only"):
        reader.write_batch([item(article(TEXT, id="a"), [("USAGOV", "041", "INDGOV")])])
    assert store.counts()["articles"] == 0


def test_store_cursors_serve_threads_in_parallel(filled_store):
    expected = filled_store.events()["canonical_id"].tolist()

    def read(_: int) -> list[str]:
        reader = filled_store.cursor()
        try:
            return [reader.events()["canonical_id"].tolist() for _ in range(20)][-1]
        finally:
            reader.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(read, range(16))) == [expected] * 16


def test_store_event_filter_uses_parameters_only():
    where, params = EventFilter(actor="x'; DROP TABLE events; --").where()
    assert "DROP" not in where
    assert any("DROP" in str(p) for p in params)


# ------------------------------------------------------------------ corpus runs


def _snapshot(path: Path) -> dict[str, list]:
    with Store(path, read_only=True) as store:
        out = {}
        for table, key in (("articles", "article_id"), ("article_copies", "origin, article_id"),
                           ("lsh_bands", "band_key, article_id"), ("reports", "event_id"),
                           ("events", "canonical_id"), ("actors", "actor_id"),
                           ("quotes", "quote_id")):
            cols = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall()
                    if r[0] not in ("ingested_at", "date_added")]
            out[table] = store.con.execute(
                f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {table} "
                f"ORDER BY {key}").fetchall()
        return out


def _ingest_cmd(db: Path, *inputs: str) -> list[str]:
    return [sys.executable, "-m", "flashpoint.cli", "ingest", *inputs, "--db", str(db),
            "--batch-size", "2", "--quiet"]


@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/gold/dev.jsonl")
def test_store_ingest_dev_twice_same_row_counts(tmp_path):
    from flashpoint.pipeline import ingest

    db = tmp_path / "dev.duckdb"
    first = ingest([str(DEV)], db=db)
    with Store(db, read_only=True) as store:
        counts = store.counts()
    second = ingest([str(DEV)], db=db)
    with Store(db, read_only=True) as store:
        assert store.counts() == counts
    assert first.ingested == 24 and counts["articles"] == 24
    assert second.ingested == 0 and second.exists == 24
    assert counts["reports"] > 100 and counts["events"] > 100


def _stub_corpus(folder: Path, n: int = 300) -> list[str]:
    """Articles in the stub extractor's grammar, with exact and near copies."""
    rng = random.Random(7)
    actors = ["India", "Pakistan", "Washington", "Beijing", "Army", "Rebels"]
    verbs = ["met", "called", "shelled", "attacked", "urged", "accused"]
    places = ["Srinagar", "Lahore", "Delhi", ""]
    lines = []
    for i in range(n):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            a, b = rng.sample(actors, 2)
            day = f"2025-05-{rng.randint(1, 12):02d}"
            place = rng.choice(places)
            sentences.append(f"{a} {rng.choice(verbs)} {b} on {day}" +
                             (f" in {place}." if place else "."))
        filler = " ".join(rng.choice(["Officials said the talks would go on.",
                                      "Residents said the night was quiet.",
                                      "The statement gave no further details."])
                          for _ in range(6))
        text = f"Story {i} from the border desk. " + " ".join(sentences) + " " + filler
        lines.append(json.dumps({"id": f"s{i}", "published": "2025-05-13",
                                 "outlet": f"Outlet {i % 9}", "text": text}))
        if i % 25 == 3:  # a wire copy with a new last sentence
            lines.append(json.dumps({"id": f"s{i}-copy", "published": "2025-05-13",
                                     "outlet": "Reprint", "text": text + " Updated."}))
    corpus = folder / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "again.jsonl").write_text("\n".join(lines[10:20]) + "\n", encoding="utf-8")
    return [str(corpus), str(folder / "again.jsonl")]


def _run_stub(db: Path, inputs: list[str], env: dict) -> subprocess.Popen:
    script = Path(__file__).parent / "data" / "ingest_with_stub.py"
    proc = subprocess.Popen([sys.executable, str(script), str(db), "5", *inputs], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"  # imports done, ingest begins
    return proc


@pytest.mark.slow
def test_store_sigkill_at_random_moments_then_rerun_has_rows_of_uninterrupted_run(tmp_path):
    """Kill an ingest (fixed stand-in extraction) with SIGKILL at many moments and rerun:
    the store ends with exactly the rows of a run that was never interrupted."""
    inputs = _stub_corpus(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    reference = tmp_path / "reference.duckdb"
    proc = _run_stub(reference, inputs, env)
    started = time.perf_counter()
    assert proc.wait() == 0, proc.stderr.read()
    duration = time.perf_counter() - started
    expected = _snapshot(reference)
    assert len(expected["article_copies"]) == 10
    with Store(reference, read_only=True) as store:
        wire_copies = Path(inputs[0]).read_text(encoding="utf-8").count('-copy"')
        assert store.counts()["near_duplicates"] == wire_copies == 12

    killed = tmp_path / "killed.duckdb"
    rng = random.Random(11)
    kills = 0
    for _ in range(12):  # each rerun has less left to do; stop when one finishes
        proc = _run_stub(killed, inputs, env)
        time.sleep(rng.uniform(0.05, 0.25) * duration)
        if proc.poll() is not None:
            break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
    proc = _run_stub(killed, inputs, env)
    assert proc.wait() == 0, proc.stderr.read()
    assert kills >= 3
    assert _snapshot(killed) == expected


@pytest.mark.slow
@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/gold/dev.jsonl")
def test_store_sigkill_real_ingest_then_rerun_has_rows_of_uninterrupted_run(tmp_path):
    """The same with the real command and extraction, killed twice mid-run."""
    copies = tmp_path / "copies"
    copies.mkdir()
    lines = DEV.read_text(encoding="utf-8").splitlines()
    (copies / "wire_copy.jsonl").write_text(lines[3] + "\n" + lines[7] + "\n", encoding="utf-8")
    inputs = (str(DEV), str(copies))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    killed = tmp_path / "killed.duckdb"
    kills = 0
    for delay in (2.5, 3.5):
        proc = subprocess.Popen(_ingest_cmd(killed, *inputs), env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    done = subprocess.run(_ingest_cmd(killed, *inputs), env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reference = tmp_path / "reference.duckdb"
    subprocess.run(_ingest_cmd(reference, *inputs), check=True, env=env, cwd=tmp_path,
                   capture_output=True)
    assert kills >= 1
    expected = _snapshot(reference)
    assert len(expected["articles"]) == 24 and len(expected["article_copies"]) == 2
    assert _snapshot(killed) == expected
