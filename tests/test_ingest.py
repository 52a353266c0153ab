"""Reading articles: every bad input is named, and the rest of a batch goes on."""

from __future__ import annotations

import json

import pytest

from flashpoint.errors import BadInput
from flashpoint.ingest import check_text, read_articles
from flashpoint.model import Article

ENGLISH = ("Officials said on Monday that the two governments had agreed to resume talks "
           "after weeks of tension along the border, and both sides pledged restraint.")


def test_ingest_text_file_first_line_is_title(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Border talks resume\n" + ENGLISH, encoding="utf-8")
    [article] = read_articles(str(path), published="2025-05-09")
    assert isinstance(article, Article)
    assert article.title == "Border talks resume"
    assert article.published == "2025-05-09"
    assert article.id == "story"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty text"),
        (b"   \n\n  ", "empty text"),
        (b"\x00\x01\x02binary\x00data" * 10, "binary"),
        (b"caf\xe9 au lait " * 20, "not valid UTF-8"),
        (("Die Regierung hat am Montag erkl\u00e4rt, dass die Gespr\u00e4che mit dem "
          "Nachbarland wieder aufgenommen werden, nachdem es wochenlang Spannungen an der "
          "Grenze gegeben hatte und beide Seiten Zur\u00fcckhaltung gelobt hatten.").encode(),
         "English"),
        ("Правительство заявило в понедельник, что переговоры возобновятся.".encode(),
         "English"),
        (("word " * 1_100_000).encode(), "MB"),
    ],
    ids=["empty", "blank", "binary", "latin1", "german", "russian", "5mb"],
)
def test_ingest_bad_text_file_is_named(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [item] = read_articles(str(path))
    assert isinstance(item, BadInput)
    assert str(path) in str(item)
    assert reason in str(item)


def test_ingest_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.txt"
    [item] = read_articles(str(missing))
    assert isinstance(item, BadInput)
    assert "no such file" in str(item) and str(missing) in str(item)


def test_ingest_jsonl_bad_lines_reported_rest_go_on(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "published": "2025-05-09", "title": "T", "text": ENGLISH}),
        "{not json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps(["a list"]),
        json.dumps({"id": "e", "published": "09/05/2025", "text": ENGLISH}),
        json.dumps({"id": "f", "text": ENGLISH}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_articles(str(path)))
    assert [type(i).__name__ for i in items] == [
        "Article", "BadInput", "BadInput", "BadInput", "BadInput", "Article"]
    assert items[1].line == 2 and "malformed JSON" in str(items[1])
    assert items[2].line == 3 and "empty" in str(items[2])
    assert "JSON object" in str(items[3])
    assert "YYYY-MM-DD" in str(items[4])


def test_ingest_check_text_accepts_english():
    check_text(ENGLISH, "x")
