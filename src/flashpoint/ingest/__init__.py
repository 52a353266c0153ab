"""Reading articles: text files, standard input and JSON Lines, each checked on the way in.

Every reader yields either an :class:`~flashpoint.model.Article` or a
:class:`~flashpoint.errors.BadInput` that names the input (and line), so one bad
article never stops a batch.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from flashpoint.errors import BadInput
from flashpoint.model import Article

MAX_TEXT_BYTES = 1_000_000
MIN_WORDS = 3
_ENGLISH_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "of", "to", "in", "on", "and", "or", "for", "with", "by", "at", "from",
     "that", "this", "is", "was", "were", "are", "be", "been", "has", "had", "have", "said",
     "says", "it", "its", "as", "after", "before", "over", "he", "she", "they", "his", "her",
     "their", "not", "but"}
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

Item = Article | BadInput


def check_text(text: str, source: str, *, line: int | None = None) -> None:
    """Refuse text that cannot be a news article in English, saying why.

    Raises:
        BadInput: empty, binary, too large or non-English text.
    """
    if "\x00" in text or sum(ch < " " and ch not in "\n\r\t" for ch in text[:4096]) > 8:
        raise BadInput(source, "looks like binary data, not text", line=line)
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise BadInput(source, f"text is {size / 1e6:.1f} MB; articles over "
                       f"{MAX_TEXT_BYTES / 1e6:.0f} MB are refused (split the file into articles)",
                       line=line)
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        raise BadInput(source, "empty text: nothing to extract", line=line)
    latin = sum(w.isascii() for w in words)
    function = sum(w.lower() in _ENGLISH_FUNCTION_WORDS for w in words)
    if latin / len(words) < 0.6 or (len(words) >= 20 and function / len(words) < 0.08):
        raise BadInput(source, "text does not look like English; only English is supported",
                       line=line)


def parse_published(value: str | None, source: str, *, line: int | None = None) -> str | None:
    """Normalise a publication date to ISO ``YYYY-MM-DD`` (or None when absent)."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise BadInput(source, f"publication date {value!r} is not YYYY-MM-DD",
                       line=line) from None


def article_from_text(raw: str, source: str, *, published: str | None = None) -> Article:
    """A plain-text article: the first line is the title when more lines follow."""
    check_text(raw, source)
    lines = raw.strip("\ufeff\n\r ").splitlines()
    title, body = (lines[0].strip(), "\n".join(lines[1:]).strip()) if len(lines) > 1 else ("", raw)
    return Article(text=body, title=title, published=parse_published(published, source),
                   id=Path(source).stem if source != "-" else "stdin")


def article_from_record(record: Any, source: str, *, line: int,
                        published: str | None = None) -> Article:
    """An article from one JSON object with at least ``text``."""
    if not isinstance(record, dict):
        raise BadInput(source, "expected a JSON object with a \"text\" field", line=line)
    text = record.get("text")
    if not isinstance(text, str):
        raise BadInput(source, "missing \"text\" (a string)", line=line)
    title = record.get("title") or ""
    check_text(f"{title}\n{text}", source, line=line)
    return Article(text=text, title=str(title),
                   published=parse_published(record.get("published") or published, source,
                                             line=line),
                   url=record.get("url"), outlet=record.get("outlet"),
                   id=str(record["id"]) if record.get("id") is not None else f"{source}:{line}")


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096]:
        raise BadInput(source, "looks like binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInput(source, f"is not valid UTF-8 (byte {err.start}); "
                       "re-encode it as UTF-8") from None


def json_lines(lines: Iterable[str | bytes],
               source: str) -> Iterator[tuple[int, Any] | BadInput]:
    """The records of JSON Lines, numbered from 1; a bad line is a BadInput naming it."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as err:
                yield BadInput(source, f"is not valid UTF-8 (byte {err.start}); re-encode it",
                               line=n)
                continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as err:
            yield BadInput(source, f"malformed JSON ({err.msg}, column {err.colno})", line=n)


def read_jsonl(data: str, source: str, *, published: str | None = None) -> Iterator[Item]:
    """Articles from JSON Lines text: a bad line is reported and the rest go on."""
    for item in json_lines(data.splitlines(), source):
        if isinstance(item, BadInput):
            yield item
            continue
        n, record = item
        try:
            yield article_from_record(record, source, line=n, published=published)
        except BadInput as err:
            yield err


def read_articles(path: str, *, published: str | None = None) -> Iterator[Item]:
    """Articles from a text file, a ``.jsonl`` file, or ``-`` for standard input."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            p = Path(path)
            if not p.exists():
                raise BadInput(path, "no such file")
            if p.is_dir():
                raise BadInput(path, "is a directory; give a file (or use `flashpoint ingest`)")
            data = p.read_bytes()
        text = _decode(data, path)
        if path.endswith((".jsonl", ".ndjson")):
            yield from read_jsonl(text, path, published=published)
        else:
            yield article_from_text(text, path, published=published)
    except BadInput as err:
        yield err
