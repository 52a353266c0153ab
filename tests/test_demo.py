"""The demo: the packaged corpus, the store built from it, and `flashpoint demo`."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import flashpoint.api
import flashpoint.demo
from flashpoint.cli import app
from flashpoint.demo import CORPUS, build, is_demo_store
from flashpoint.store import EventFilter, Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
CRISIS_START, CEASEFIRE = date(2025, 9, 14), date(2025, 10, 2)
NEAR_COPIES = {"30_ceasefire_wire_copy": "06_ceasefire_after_hotline_talks",
               "31_air_base_strikes_wire_copy": "23_india_strikes_air_bases"}
DEESCALATION_CODES = ("02", "03", "04", "087")

runner = CliRunner()


def _records() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_a_resource_of_the_installed_package():
    packaged = resources.files("flashpoint.demo").joinpath("corpus.jsonl")
    assert packaged.is_file()
    assert CORPUS.parent == Path(flashpoint.demo.__file__).parent
    assert packaged.read_bytes() == CORPUS.read_bytes()


def test_corpus_records_are_complete_unique_and_in_publication_order():
    records = _records()
    assert len(records) >= 30
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for r in records:
        assert set(r) == {"id", "published", "outlet", "title", "text"}, r["id"]
        assert date.fromisoformat(r["published"]).isoformat() == r["published"], r["id"]
        assert r["title"].strip() and r["outlet"].strip(), r["id"]
        assert len(r["text"].split()) > 150, r["id"]
    assert [r["published"] for r in records] == sorted(r["published"] for r in records)


def test_corpus_covers_the_crisis_calendar_from_a_quiet_baseline():
    days = [date.fromisoformat(r["published"]) for r in _records()
            if "India" in r["text"] and "Pakistan" in r["text"]]
    assert min(days) <= CRISIS_START - timedelta(days=60)  # a baseline before the crisis
    assert max(days) >= CEASEFIRE + timedelta(days=30)  # and a month after the ceasefire


def test_example_text_files_are_the_corpus_records_of_the_same_id():
    records = {r["id"]: r for r in _records()}
    files = sorted(EXAMPLES.glob("*.txt"))
    assert len(files) == 12
    for path in files:
        record = records[path.stem]
        assert path.read_text(encoding="utf-8") == f"{record['title']}\n{record['text']}\n"


# --------------------------------------------------------------------------- build()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build(db, progress=False)
    return db


def test_build_stores_every_article_and_links_the_wire_copies(demo_db):
    records = _records()
    with Store(demo_db, read_only=True) as store:
        articles = store.articles()
    assert sorted(articles["id"]) == sorted(r["id"] for r in records)
    article_id = dict(zip(articles["id"], articles["article_id"], strict=True))
    copies = articles[articles["duplicate_of"].notna()]
    assert dict(zip(copies["id"], copies["duplicate_of"], strict=True)) == {
        copy: article_id[original] for copy, original in NEAR_COPIES.items()}
    assert is_demo_store(demo_db)


def _india_pakistan_events(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as store:
        events = store.events(EventFilter(dyad=("IND", "PAK"), negated=False))
    events["day"] = pd.to_datetime(events["day"]).dt.date
    events["week"] = [d - timedelta(days=d.weekday()) for d in events["day"]]
    return events


def test_india_pakistan_conflict_peaks_in_the_crisis_weeks(demo_db):
    events = _india_pakistan_events(demo_db)
    conflict = events[events["quad_class"] >= 3].groupby("week").size()
    peak_week, peak = conflict.idxmax(), conflict.max()
    assert CRISIS_START - timedelta(days=6) <= peak_week <= CEASEFIRE
    before = conflict[conflict.index < CRISIS_START - timedelta(days=6)]
    after = conflict[conflict.index > CEASEFIRE]
    assert len(before) and before.max() * 2 <= peak  # a quiet baseline
    assert after.max() * 2 <= peak  # and the fighting dies down


def test_india_pakistan_deescalation_follows_the_fighting(demo_db):
    events = _india_pakistan_events(demo_db)
    deescalation = events["cameo"].str.startswith(DEESCALATION_CODES)
    crisis = events["day"].between(CRISIS_START, CEASEFIRE - timedelta(days=1))
    after = events["day"] > CEASEFIRE
    assert deescalation[events["day"] == CEASEFIRE].any(), "no de-escalation on ceasefire day"
    assert deescalation[after].sum() >= 3
    assert deescalation[after].mean() > 2 * deescalation[crisis].mean()


# --------------------------------------------------------------------------- `flashpoint demo`


def test_demo_command_refuses_to_overwrite_a_file_that_is_not_a_store(tmp_path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes, not a database\n", encoding="utf-8")
    result = runner.invoke(app, ["demo", "--db", str(notes), "--no-browser",
                                 "--port", str(_free_port())])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert str(notes) in message and "is not a Flashpoint store" in message
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"


def test_demo_command_refuses_a_store_it_did_not_build(tmp_path):
    own = tmp_path / "own.duckdb"
    Store(own).close()
    before = own.read_bytes()
    result = runner.invoke(app, ["demo", "--db", str(own), "--no-browser",
                                 "--port", str(_free_port())])
    assert result.exit_code == 2
    assert "did not build" in " ".join(result.output.split())
    assert own.read_bytes() == before


def test_demo_command_refuses_a_port_in_use_before_building(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["demo", "--db", str(tmp_path / "d.duckdb"),
                                     "--port", str(port), "--no-browser"])
    assert result.exit_code == 2
    assert f"--port {port}: already in use" in " ".join(result.output.split())
    assert not (tmp_path / "d.duckdb").exists()


def test_demo_command_rebuilds_its_store_and_starts_the_server(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)  # an earlier demo store: replaced, not refused
    with Store(db) as store:
        store.con.execute("DELETE FROM events")
    calls = []
    monkeypatch.setattr(flashpoint.api, "run_server",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    port = _free_port()
    result = runner.invoke(app, ["demo", "--db", str(db), "--port", str(port),
                                 "--no-browser"])
    assert result.exit_code == 0, result.output
    assert calls == [((db,), {"host": "127.0.0.1", "port": port, "token": None,
                              "open_browser": False})]
    assert f"http://127.0.0.1:{port}/" in result.output
    assert "31_air_base_strikes_wire_copy  duplicate: near copy" in result.output
    with Store(db, read_only=True) as rebuilt, Store(demo_db, read_only=True) as original:
        assert rebuilt.counts() == original.counts()
    assert is_demo_store(db)
    assert not list(tmp_path.glob(".demo.duckdb.*"))  # the build folder is gone
