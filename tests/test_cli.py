"""The ``flashpoint`` command line: ``extract`` and ``eval``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from flashpoint.cli import app

ARTICLE = (
    "Ethiopia and Eritrea trade accusations\n"
    "ADDIS ABABA (Wire) - Ethiopia accused Eritrea on Tuesday of massing troops on the border. "
    "Eritrean forces shelled the town of Zalambessa, killing three civilians.\n"
    "\"We will defend every inch of our land,\" Ethiopian Prime Minister Abiy Ahmed said.\n"
)

BATCH = [
    {"id": "a1", "published": "2024-03-08", "title": "Grain talks",
     "text": "Ukraine accused Russia on Thursday of shelling the port of Odesa."},
    "{\"id\": \"a2\", \"text\": ",  # malformed JSON
    {"id": "a3", "published": "2024-03-08",
     "text": "Russian forces shelled Kherson on Friday, killing two people."},
]

GOLD = [
    {
        "id": "g1", "published": "2024-03-08", "outlet": "Test Wire", "title": "",
        "text": "Ukraine accused Russia on Thursday of shelling the port of Odesa.",
        "actors": [{"name": "Ukraine", "aliases": [], "country": "UKR", "sector": None},
                   {"name": "Russia", "aliases": [], "country": "RUS", "sector": None}],
        "events": [{
            "evidence": "Ukraine accused Russia on Thursday of shelling the port of Odesa",
            "source": {"name": "Ukraine", "country": "UKR", "sector": None},
            "target": {"name": "Russia", "country": "RUS", "sector": None},
            "cameo": ["112", "111"], "plover": "ACCUSE",
            "date": "2024-03-07", "date_precision": "day", "location": None,
            "killed": None, "injured": None, "negated": False, "optional": False}],
        "quotes": [],
    },
    {
        "id": "g2", "published": "2024-03-08", "outlet": "Test Wire", "title": "",
        "text": "Russian forces shelled Kherson on Friday, killing two people. \"The city is "
                "under fire again,\" Ukrainian President Volodymyr Zelensky said.",
        "actors": [{"name": "Russian forces", "aliases": [], "country": "RUS", "sector": "MIL"}],
        "events": [{
            "evidence": "Russian forces shelled Kherson on Friday, killing two people",
            "source": {"name": "Russian forces", "country": "RUS", "sector": "MIL"},
            "target": {"name": "Kherson", "country": "UKR", "sector": None},
            "cameo": ["194", "190"], "plover": "ASSAULT",
            "date": "2024-03-08", "date_precision": "day",
            "location": {"name": "Kherson", "admin1": "Kherson Oblast", "country": "UKR"},
            "killed": 2, "injured": None, "negated": False, "optional": False}],
        "quotes": [{"speaker": ["Volodymyr Zelensky", "Zelensky"],
                    "contains": "under fire again"}],
    },
]


def run(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def write_jsonl(path: Path, records: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flat(text: str) -> str:
    """Terminal output with line wrapping undone."""
    return " ".join(text.split())


def assert_clean_failure(result: Result, name: str) -> None:
    """Exit code 1, a message naming the input, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert name in flat(result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == ""


# ------------------------------------------------------------------------ extract


@pytest.mark.parametrize(
    ("text", "expected"),
    [(ARTICLE, ["date", "source", "action", "target", "evidence", "(ETH)", "(ERI)"])],
)
def test_cli_extract_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                           expected: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("article.txt").write_text(text, encoding="utf-8")
    result = run("extract", "article.txt", "--published", "2024-03-08")
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "article:" in out and "events" in out and "quotes" in out
    for word in expected:
        assert word in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [(ARTICLE, {"id", "article_id", "actors", "events", "quotes"})],
)
def test_cli_extract_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                          expected: set[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("article.txt").write_text(text, encoding="utf-8")
    result = run("extract", "article.txt", "--published", "2024-03-08", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == expected
    assert record["id"] == "article"
    assert record["events"] and record["actors"]
    assert any(e["source"] and e["source"]["country"] == "ETH" for e in record["events"])


def test_cli_extract_jsonl_one_event_per_line(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("article.txt").write_text(ARTICLE, encoding="utf-8")
    as_json = json.loads(run("extract", "article.txt", "--published", "2024-03-08",
                             "-f", "json").stdout)
    result = run("extract", "article.txt", "--published", "2024-03-08", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(events) == len(as_json["events"]) > 0
    assert [e["event_id"] for e in events] == [e["event_id"] for e in as_json["events"]]
    for event in events:
        assert {"cameo", "source", "target", "date", "evidence"} <= set(event)


def test_cli_extract_stdin() -> None:
    result = run("extract", "-", "--published", "2024-03-08", "--format", "json",
                 input="Ukraine accused Russia on Thursday of shelling the port of Odesa.\n")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["id"] == "stdin"
    assert any(e["cameo"].startswith("11") for e in record["events"])


def test_cli_extract_jsonl_batch_with_bad_line(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("batch.jsonl"), BATCH)
    result = run("extract", "batch.jsonl", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a1", "a3"]
    err = flat(result.stderr)
    assert "batch.jsonl" in err and "line 2" in err
    assert "Traceback" not in result.output


def test_cli_extract_error_keeps_long_path_whole(tmp_path: Path) -> None:
    folder = tmp_path / ("a_folder_with_a_rather_long_name_" * 2) / "and_another_level"
    folder.mkdir(parents=True)
    path = write_jsonl(folder / "batch.jsonl", BATCH)
    result = CliRunner().invoke(app, ["extract", str(path), "-f", "json"],
                                env={"COLUMNS": "80"})
    assert f"{path}, line 2" in result.stderr


_SENTENCE = "Russian forces shelled the town of Kherson on Friday, killing two people. "
BIG = (_SENTENCE * (5_000_000 // len(_SENTENCE) + 1)).encode("utf-8")  # a 5 MB article
BINARY = bytes(range(256)) * 8
LATIN1 = "Le président a déclaré que l'armée restera à Gao.".encode("latin-1")
FRENCH = ("L'armée a bombardé les positions des rebelles dans le nord du pays mardi, a déclaré "
          "le ministère de la Défense dans un communiqué publié mercredi soir. Les combats ont "
          "fait au moins douze morts selon les autorités locales.").encode()
RUSSIAN = ("Российские войска обстреляли Херсон в пятницу, убив двух человек. Украина обвинила "
           "Москву в военных преступлениях.").encode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "empty.txt"),
        (BINARY, "binary.txt"),
        (LATIN1, "latin1.txt"),
        (BIG, "big.txt"),
        (FRENCH, "french.txt"),
        (RUSSIAN, "russian.txt"),
        (None, "missing.txt"),
    ],
    ids=["empty", "binary", "invalid-utf8", "5mb", "french", "russian", "missing"],
)
def test_cli_extract_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               text: bytes | None, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    if text is not None:
        Path(expected).write_bytes(text)
    assert_clean_failure(run("extract", expected), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "empty text"),
        (BINARY, "binary"),
        (LATIN1, "UTF-8"),
        (BIG, "MB"),
        (FRENCH, "English"),
        (RUSSIAN, "English"),
        (None, "no such file"),
    ],
    ids=["empty", "binary", "invalid-utf8", "5mb", "french", "russian", "missing"],
)
def test_cli_extract_bad_input_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        text: bytes | None, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    if text is not None:
        Path("input.txt").write_bytes(text)
    result = run("extract", "input.txt")
    assert result.exit_code == 1
    assert expected in flat(result.stderr)


def test_cli_extract_bad_input_on_stdin() -> None:
    result = run("extract", "-", input=b"\xff\xfe\x00\x01" * 64)
    assert result.exit_code == 1
    assert "-" in result.stderr and "Traceback" not in result.output


# --------------------------------------------------------------------------- eval


def test_cli_eval_prints_metrics_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("gold.jsonl"), GOLD)
    result = run("eval", "gold.jsonl")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2 gold articles" in out
    for row in ("event P / R / F1", "code accuracy", "date accuracy", "killed accuracy",
                "actor resolution", "quote P / R / F1"):
        assert row in out
    assert "g1" in out and "g2" in out


def test_cli_eval_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("gold.jsonl"), GOLD)
    result = run("eval", "gold.jsonl", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n_articles"] == 2
    assert report["n_predicted"] == 2
    assert {"events", "code_full", "date", "killed", "actors", "quotes"} <= set(
        report["overall"])
    assert [a["id"] for a in report["articles"]] == ["g1", "g2"]
    # The accusation of g1 is an easy event: the system finds it.
    assert report["overall"]["events"]["tp"] >= 1


def test_cli_eval_scores_saved_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("gold.jsonl"), GOLD)
    saved = run("extract", "gold.jsonl", "--format", "json")
    assert saved.exit_code == 0, saved.output
    Path("results.jsonl").write_text(saved.stdout, encoding="utf-8")
    from_file = run("eval", "gold.jsonl", "--results", "results.jsonl", "--json")
    direct = run("eval", "gold.jsonl", "--json")
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout) == json.loads(direct.stdout)
    assert json.loads(from_file.stdout)["unpaired_predictions"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [(("eval", "missing_gold.jsonl"), "missing_gold.jsonl"),
     (("eval", "gold.jsonl", "--results", "missing_results.jsonl"), "missing_results.jsonl")],
)
def test_cli_eval_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               text: tuple[str, ...], expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("gold.jsonl"), GOLD)
    result = run(*text)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert expected in flat(result.stderr)
    assert "Traceback" not in result.output
