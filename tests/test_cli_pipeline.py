"""The corpus commands: `ingest`, `events` and `export`, end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.demo import CORPUS
from flashpoint.export import GDELT_COLUMNS
from flashpoint.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"

runner = CliRunner()


@pytest.fixture()
def mixed_folder(tmp_path, http_site, closed_port_url):
    """Three good articles and one of every kind of bad input."""
    base, site = http_site
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("01_sonamarg_attack.txt", "03_indian_strikes_in_pakistan.txt",
                 "06_ceasefire_after_hotline_talks.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    shutil.copy(EXAMPLES / "01_sonamarg_attack.txt", folder / "zz_duplicate.txt")
    (folder / "corrupt.html").write_bytes(b"<html><body><div><p></p></div><scr")
    (folder / "broken.xml").write_bytes(b"<rss><channel><title>x</title><item><ti")
    (folder / "lines.jsonl").write_text('{"id": "ok", "text": ""}\n{broken\n', encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (folder / "empty.txt").write_bytes(b"")
    return folder, closed_port_url


def test_cli_ingest_reports_every_bad_input_by_name_and_goes_on(mixed_folder, tmp_path):
    folder, unreachable = mixed_folder
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", str(folder), unreachable, "--db", str(db),
                                 "--published", "2025-09-20"])
    assert result.exit_code == 0, result.output
    out = result.output
    for name, reason in [("corrupt.html", "no article text"), ("broken.xml", "broken feed XML"),
                         ("lines.jsonl:1", "empty text"), ("lines.jsonl:2", "malformed JSON"),
                         ("binary.txt", "binary"), ("empty.txt", "empty text"),
                         (unreachable, "could not fetch"), ("zz_duplicate.txt", "exact copy")]:
        line = next((x for x in out.splitlines() if name in x), "")
        assert reason in line, f"{name}: {line!r}"
    assert "ingested 3 articles" in out
    assert "duplicates: 1" in out and "skipped: 7" in out
    assert "articles/s" in out
    with Store(db, read_only=True) as store:
        counts = store.counts()
    assert counts["articles"] == 3 and counts["exact_copies"] == 1

    again = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--quiet",
                                "--published", "2025-09-20", "--json"])
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["ingested"] == 0 and summary["exists"] == 4
    with Store(db, read_only=True) as store:
        assert store.counts() == counts


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "examples.duckdb"
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def test_cli_events_formats_and_filters(example_db):
    as_json = runner.invoke(app, ["events", "--db", str(example_db), "--dyad", "IND:PAK",
                                  "--root", "19", "--format", "json", "--limit", "0"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert rows and all(r["cameo_root"] == "19" for r in rows)
    assert all({r["source_country"], r["target_country"]} <= {"IND", "PAK"} for r in rows)
    as_csv = runner.invoke(app, ["events", "--db", str(example_db), "--format", "csv",
                                 "--quad", "1", "--limit", "5"])
    lines = as_csv.stdout.strip().splitlines()
    assert lines[0].startswith("global_id,canonical_id,day") and len(lines) == 6
    table = runner.invoke(app, ["events", "--db", str(example_db), "--actor", "Rubio"])
    assert table.exit_code == 0 and "events" in table.stdout
    first = rows[0]["canonical_id"]
    evidence = runner.invoke(app, ["events", "--db", str(example_db), "--evidence", first,
                                   "--format", "jsonl"])
    assert json.loads(evidence.stdout.splitlines()[0])["evidence_text"]


def test_cli_events_bad_dyad_and_missing_store(example_db, tmp_path):
    bad = runner.invoke(app, ["events", "--db", str(example_db), "--dyad", "IND"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no store here" in " ".join(missing.output.split())


def test_cli_export_gdelt_and_refusals(example_db, tmp_path):
    out = tmp_path / "gdelt.CSV"
    result = runner.invoke(app, ["export", "--schema", "gdelt", "--out", str(out),
                                 "--db", str(example_db)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(len(line.split("\t")) == len(GDELT_COLUMNS) for line in lines)
    refused = runner.invoke(app, ["export", "--schema", "plover", "--out", str(tmp_path / "x"),
                                  "--db", str(example_db), "--format", "csv"])
    assert refused.exit_code == 2 and "jsonl" in refused.output
    parquet = tmp_path / "native.parquet"
    ok = runner.invoke(app, ["export", "--schema", "native", "--out", str(parquet), "--db",
                             str(example_db), "--format", "parquet", "--level", "reports"])
    assert ok.exit_code == 0 and parquet.stat().st_size > 0


@pytest.mark.slow
def test_cli_ingest_with_two_workers_gives_the_rows_of_one_process(tmp_path):
    inputs = [str(EXAMPLES / n) for n in sorted(p.name for p in EXAMPLES.glob("*.txt"))[:6]]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    for db, extra in ((one, []), (two, ["--workers", "2", "--batch-size", "4"])):
        result = runner.invoke(app, ["ingest", *inputs, "--db", str(db), "--quiet",
                                     "--published", "2025-09-20", *extra])
        assert result.exit_code == 0, result.output
    with Store(one, read_only=True) as a, Store(two, read_only=True) as b:
        cols = "canonical_id, global_id, num_reports, num_articles, cameo, source_code"
        assert a.query(f"SELECT {cols} FROM events ORDER BY 1").equals(
            b.query(f"SELECT {cols} FROM events ORDER BY 1"))
        assert a.counts() == b.counts()
