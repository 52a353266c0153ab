"""Expanding what the user names into articles: folders, files, URLs and feeds.

:func:`expand` takes paths, URLs and feeds as given on the command line and yields,
in a stable order, one :class:`Input` (an :class:`~flashpoint.model.Article` with
the name of where it came from) per article, or a
:class:`~flashpoint.errors.BadInput` naming what could not be read and why. Nothing
here raises for a bad input: one broken file never stops a batch.

What is read:

- folders, recursively, in sorted order (hidden files and folders are skipped);
- ``.txt``/``.text``/``.md``: one article, the first line its title (Markdown front
  matter may give ``title``, ``published``/``date``, ``url`` and ``outlet``);
- ``.html``/``.htm``: main text and metadata (title, date, site name) extracted
  with ``trafilatura``;
- ``.json`` (an object or a list of objects), ``.jsonl``/``.ndjson`` and ``.csv``:
  one article per record, field names configurable with :class:`FieldMap`;
- ``.xml``/``.rss``/``.atom`` files and feed URLs: RSS or Atom, parsed with
  ``feedparser``; each entry's page is fetched and read as HTML;
- ``http(s)://`` URLs: fetched, then read by content type (feed, HTML, text, JSON).

The publication date comes from the article itself where it has one (record field,
front matter, HTML metadata, feed entry) and from ``published`` otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import time
import warnings
import xml.sax
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from flashpoint.errors import BadInput
from flashpoint.ingest import (
    _decode,
    article_from_record,
    article_from_text,
    check_text,
    json_lines,
    parse_published,
)
from flashpoint.model import Article

__all__ = ["FieldMap", "Fetcher", "Input", "article_from_html", "expand", "read_feed"]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | {".json", ".csv"}
MAX_FILE_BYTES = 20_000_000
USER_AGENT = "flashpoint/0.1 (+news event coding)"


@dataclass(frozen=True)
class Input:
    """One article read from a source, with the name of where it came from.

    Attributes:
        origin: The input as a user would name it: a path, ``path:line`` for one
            line of a JSON Lines or CSV file, ``path[i]`` for one object of a JSON
            list, or a URL.
        article: The article itself.
    """

    origin: str
    article: Article


@dataclass(frozen=True)
class FieldMap:
    """Which fields of a JSON, JSON Lines or CSV record hold each part of an article.

    A dotted name reaches into nested objects (``"meta.published"``).
    """

    text: str = "text"
    title: str = "title"
    published: str = "published"
    url: str = "url"
    outlet: str = "outlet"
    id: str = "id"

    def apply(self, record: Any) -> Any:
        """Return the record with Flashpoint's field names (non-objects pass through)."""
        if not isinstance(record, dict):
            return record
        out = {}
        for name in ("text", "title", "published", "url", "outlet", "id"):
            value = _lookup(record, getattr(self, name))
            if value is not None and (value != "" or name == "text"):
                out[name] = value
        return out


def _lookup(record: dict[str, Any], dotted: str) -> Any:
    if dotted in record:
        return record[dotted]
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


# --------------------------------------------------------------------------- fetching


@dataclass(frozen=True)
class Page:
    url: str
    content: bytes
    content_type: str


class Fetcher:
    """Fetches ``http(s)`` URLs with a timeout and a size limit; failures are BadInput."""

    def __init__(self, *, timeout: float = 10.0, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._client: Any = None

    def _get_client(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                        headers={"User-Agent": USER_AGENT})
        return self._client

    def fetch(self, url: str, *, source: str | None = None) -> Page:
        """Fetch one URL.

        Raises:
            BadInput: the URL is not http(s), cannot be reached, answers with an
                error status, or sends more than ``max_bytes``.
        """
        import httpx

        name = source or url
        if urlparse(url).scheme not in ("http", "https"):
            raise BadInput(name, "only http:// and https:// URLs can be fetched")
        try:
            with self._get_client().stream("GET", url) as response:
                if response.status_code >= 400:
                    raise BadInput(name, f"could not fetch: HTTP {response.status_code} "
                                   f"{response.reason_phrase}".rstrip())
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise BadInput(name, f"response is over {self.max_bytes / 1e6:.0f} MB; "
                                       "refused")
                    chunks.append(chunk)
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return Page(str(response.url), b"".join(chunks), ctype)
        except httpx.TimeoutException:
            raise BadInput(name, f"could not fetch: no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as err:
            reason = str(err) or type(err).__name__
            if "refused" in reason.lower():
                reason = "connection refused"
            raise BadInput(name, f"could not fetch: {reason}") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


# --------------------------------------------------------------------------- readers


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKUP = re.compile(r"(\*\*|__|`)")


def article_from_markdown(raw: str, source: str, *, published: str | None = None) -> Article:
    """A Markdown article: front matter may give title, date, url and outlet."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if match:
        import yaml

        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            raise BadInput(source, "front matter is not valid YAML") from None
        meta = loaded if isinstance(loaded, dict) else {}
        raw = raw.lstrip("\ufeff")[match.end():]
    lines = []
    for line in raw.splitlines():
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_MARKUP.sub("", line)
        lines.append(re.sub(r"^\s{0,3}(#{1,6}|>|[-*+])\s+", "", line))
    text = "\n".join(lines)
    if meta.get("title"):
        text = f"{meta['title']}\n{text}"
    date = meta.get("published") or meta.get("date")
    article = article_from_text(text, source, published=str(date) if date else published)
    return Article(text=article.text, title=article.title, published=article.published,
                   url=meta.get("url"), outlet=meta.get("outlet") or meta.get("source"),
                   id=article.id)


def article_from_html(data: bytes | str, source: str, *, url: str | None = None,
                      published: str | None = None, outlet: str | None = None,
                      title: str | None = None, entry_date: str | None = None) -> Article:
    """An article from an HTML page: main text, title, date and site name.

    The page's own date wins over the feed entry's (``entry_date``), which wins
    over ``published``.

    Raises:
        BadInput: binary data, or no article text could be found in the page.
    """
    import trafilatura

    if isinstance(data, bytes) and b"\x00" in data[:4096]:
        raise BadInput(source, "looks like binary data, not HTML")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = trafilatura.bare_extraction(
                data, url=url, with_metadata=True, include_comments=False, include_tables=False,
                # dates from the page's markup only: no guessing from copyright lines
                date_extraction_params={"extensive_search": False, "original_date": True})
        except Exception as err:  # noqa: BLE001 - a parser failure is a bad input
            raise BadInput(source, f"HTML could not be parsed ({type(err).__name__})") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise BadInput(source, "no article text found in the HTML (corrupt or empty page?)")
    page_title = (getattr(doc, "title", None) or title or "").strip()
    lines = text.splitlines()
    if page_title and lines and lines[0].strip() == page_title:
        text = "\n".join(lines[1:]).strip()
    date = getattr(doc, "date", None) or entry_date or published
    check_text(f"{page_title}\n{text}", source)
    return Article(text=text, title=page_title,
                   published=parse_published(date, source),
                   url=getattr(doc, "url", None) or url,
                   outlet=(outlet or getattr(doc, "sitename", None)
                           or getattr(doc, "hostname", None)),
                   id=_stem(url or source))


def _stem(name: str) -> str:
    path = urlparse(name).path if "://" in name else name
    return Path(path.rstrip("/")).stem or name


def _record_item(record: Any, origin: str, source: str, line: int, fields: FieldMap,
                 published: str | None) -> Input | BadInput:
    mapped = fields.apply(record)
    if isinstance(record, dict) and not isinstance(mapped.get("text"), str):
        return BadInput(source, f"missing \"{fields.text}\" (a string)", line=line)
    try:
        article = article_from_record(mapped, source, line=line, published=published)
    except BadInput as err:
        return err
    if isinstance(record, dict) and mapped.get("id") is None:
        article = replace(article, id=origin)
    return Input(origin, article)


def _records(lines: Iterable[tuple[int, Any] | BadInput], source: str, fields: FieldMap,
             published: str | None) -> Iterator[Input | BadInput]:
    for item in lines:
        if isinstance(item, BadInput):
            yield item
        else:
            n, record = item
            yield _record_item(record, f"{source}:{n}", source, n, fields, published)


def read_jsonl_file(path: str, *, fields: FieldMap, published: str | None) -> Iterator[
        Input | BadInput]:
    """Articles of a JSON Lines file, read line by line (any size)."""
    with open(path, "rb") as fh:
        yield from _records(json_lines(fh, path), path, fields, published)


def read_json(text: str, source: str, *, fields: FieldMap,
              published: str | None) -> Iterator[Input | BadInput]:
    """Articles of a JSON document: one object, or a list of objects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield BadInput(source, f"malformed JSON ({err.msg}, line {err.lineno} column "
                       f"{err.colno})")
        return
    if isinstance(data, dict):
        item = _record_item(data, source, source, 1, fields, published)
        if isinstance(item, BadInput):
            item = BadInput(source, item.reason)
        yield item
        return
    if not isinstance(data, list):
        yield BadInput(source, "expected a JSON object or a list of objects")
        return
    for i, record in enumerate(data):
        item = _record_item(record, f"{source}[{i}]", source, i + 1, fields, published)
        if isinstance(item, BadInput):
            item = BadInput(f"{source}[{i}]", item.reason)
        yield item


def read_csv(text: str, source: str, *, fields: FieldMap,
             published: str | None) -> Iterator[Input | BadInput]:
    """Articles of a CSV file with a header row, one per row."""
    csv.field_size_limit(sys.maxsize)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or fields.text not in reader.fieldnames:
        yield BadInput(source, f"no \"{fields.text}\" column in the header "
                       f"({', '.join(reader.fieldnames or []) or 'empty'}); "
                       "name the text column with --text-field")
        return
    try:
        for row in reader:
            line = reader.line_num
            yield _record_item(dict(row), f"{source}:{line}", source, line, fields, published)
    except csv.Error as err:
        yield BadInput(source, f"malformed CSV ({err})", line=reader.line_num)


_BENIGN_FEED_ERRORS = ("CharacterEncodingOverride", "NonXMLContentType")


def read_feed(data: bytes, source: str, *, fetcher: Fetcher, published: str | None = None,
              base_url: str | None = None) -> Iterator[Input | BadInput]:
    """Articles of an RSS or Atom feed: each entry's page is fetched and read.

    A feed whose XML is broken is reported; entries ``feedparser`` could still read
    are processed. An entry whose page cannot be fetched is reported by its URL.
    """
    import feedparser

    parsed = feedparser.parse(data)
    entries = list(parsed.entries)
    if parsed.bozo:  # keep only entries that survived whole enough to be read
        entries = [e for e in entries if e.get("link") or e.get("content") or e.get("summary")]
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in _BENIGN_FEED_ERRORS:
            what = ("broken feed XML" if isinstance(exc, xml.sax.SAXException)
                    else "unreadable feed")
            detail = f"{what} ({exc})" if exc else what
            if not entries:
                yield BadInput(source, f"{detail}; no entries could be read")
                return
            yield BadInput(source, f"{detail}; reading the {len(entries)} entries recovered")
    if not entries:
        if not parsed.version:
            yield BadInput(source, "not an RSS or Atom feed")
        return
    outlet = parsed.feed.get("title") or None
    for entry in entries:
        yield _feed_entry(entry, source, fetcher=fetcher, outlet=outlet,
                          published=published, base_url=base_url)


def _feed_entry(entry: Any, feed: str, *, fetcher: Fetcher, outlet: str | None,
                published: str | None, base_url: str | None) -> Input | BadInput:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    entry_date = time.strftime("%Y-%m-%d", stamp) if stamp else None
    title = entry.get("title")
    link = entry.get("link")
    if link and base_url:
        link = urljoin(base_url, link)
    if link:
        name = f"{link} (entry of {feed})"
        try:
            page = fetcher.fetch(link, source=name)
            article = article_from_html(page.content, name, url=page.url, published=published,
                                        outlet=outlet, title=title, entry_date=entry_date)
        except BadInput as err:
            return err
        return Input(link, article)
    content = entry.get("content") or []
    body = content[0].get("value") if content else entry.get("summary")
    name = f"{feed}: entry {title!r}" if title else f"{feed}: an untitled entry"
    if not body:
        return BadInput(name, "entry has neither a link nor content")
    try:
        article = article_from_html(f"<html><body><article>{body}</article></body></html>",
                                    name, published=published, outlet=outlet, title=title,
                                    entry_date=entry_date)
    except BadInput as err:
        return err
    return Input(name, article)


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return (head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed")
            ) and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or b"<html" in head


def _read_bytes(data: bytes, source: str, kind: str, *, fields: FieldMap,
                published: str | None, fetcher: Fetcher,
                base_url: str | None = None) -> Iterator[Input | BadInput]:
    """Read one document of a known kind (text, markdown, html, json, jsonl, csv, feed)."""
    if kind == "feed":
        yield from read_feed(data, source, fetcher=fetcher, published=published,
                             base_url=base_url)
        return
    if kind == "html":
        try:
            yield Input(source, article_from_html(data, source, url=base_url,
                                                  published=published))
        except BadInput as err:
            yield err
        return
    try:
        text = _decode(data, source)
    except BadInput as err:
        yield err
        return
    if kind == "json":
        yield from read_json(text, source, fields=fields, published=published)
    elif kind == "jsonl":
        yield from _records(json_lines(text.splitlines(), source), source, fields, published)
    elif kind == "csv":
        yield from read_csv(text, source, fields=fields, published=published)
    else:
        try:
            if kind == "markdown":
                article = article_from_markdown(text, source, published=published)
            else:
                article = article_from_text(text, source, published=published)
            if base_url:
                article = replace(article, url=base_url, id=_stem(base_url))
        except BadInput as err:
            yield err
            return
        yield Input(source, article)


def _kind_of_path(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix == ".csv":
        return "csv"
    return None


def _kind_of_page(page: Page) -> str:
    ctype = page.content_type
    if ctype in ("application/rss+xml", "application/atom+xml", "application/rdf+xml") or (
            ctype in ("application/xml", "text/xml") and _looks_like_feed(page.content)):
        return "feed"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if ctype in ("application/json",):
        return "json"
    if ctype in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        return "jsonl"
    if ctype == "text/csv":
        return "csv"
    if _looks_like_feed(page.content):
        return "feed"
    if _looks_like_html(page.content):
        return "html"
    suffix_kind = _kind_of_path(Path(urlparse(page.url).path))
    return suffix_kind or "text"


def read_file(path: str, *, fields: FieldMap = FieldMap(), published: str | None = None,
              fetcher: Fetcher | None = None, kind: str | None = None) -> Iterator[
        Input | BadInput]:
    """Articles of one file, read by its extension (or sniffed when it has none we know)."""
    p = Path(path)
    kind = kind or _kind_of_path(p)
    fetcher = fetcher or Fetcher()
    try:
        size = p.stat().st_size
    except OSError as err:
        yield BadInput(path, f"cannot be read ({err.strerror or err})")
        return
    if kind == "jsonl":
        yield from read_jsonl_file(path, fields=fields, published=published)
        return
    if kind not in ("csv",) and size > MAX_FILE_BYTES:
        yield BadInput(path, f"file is {size / 1e6:.0f} MB; files over "
                       f"{MAX_FILE_BYTES / 1e6:.0f} MB are refused (split it into articles)")
        return
    try:
        data = p.read_bytes()
    except OSError as err:
        yield BadInput(path, f"cannot be read ({err.strerror or err})")
        return
    if kind is None:
        if _looks_like_feed(data):
            kind = "feed"
        elif _looks_like_html(data):
            kind = "html"
        else:
            kind = "text"
    yield from _read_bytes(data, path, kind, fields=fields, published=published,
                           fetcher=fetcher)


def read_url(url: str, *, fields: FieldMap = FieldMap(), published: str | None = None,
             fetcher: Fetcher | None = None) -> Iterator[Input | BadInput]:
    """Articles behind one URL: a feed, an HTML page, or a text/JSON/CSV document."""
    fetcher = fetcher or Fetcher()
    try:
        page = fetcher.fetch(url)
    except BadInput as err:
        yield err
        return
    yield from _read_bytes(page.content, url, _kind_of_page(page), fields=fields,
                           published=published, fetcher=fetcher, base_url=page.url)


def walk(folder: str) -> Iterator[str]:
    """Files under a folder, recursively, sorted; hidden files and folders skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def expand(inputs: Iterable[str], *, published: str | None = None,
           fields: FieldMap = FieldMap(), fetcher: Fetcher | None = None) -> Iterator[
        Input | BadInput]:
    """Every article named by paths, folders, URLs and feeds, in order.

    Args:
        inputs: paths (files or folders), ``http(s)://`` URLs (pages or feeds), or
            ``-`` for standard input (text or JSON Lines).
        published: publication date (``YYYY-MM-DD``) for articles that carry none.
        fields: field names of JSON, JSON Lines and CSV records.
        fetcher: fetches URLs (a default one with a 10 s timeout otherwise).

    Yields:
        An :class:`Input` per article, or a :class:`BadInput` naming what could
        not be read.
    """
    if published is not None:
        try:
            published = parse_published(published, "--published")
        except BadInput as err:
            yield err
            return
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        for name in inputs:
            if name == "-":
                data = sys.stdin.buffer.read()
                kind = "jsonl" if data.lstrip()[:1] == b"{" else "text"
                yield from _read_bytes(data, "-", kind, fields=fields, published=published,
                                       fetcher=fetcher)
            elif re.match(r"^https?://", name, re.IGNORECASE):
                yield from read_url(name, fields=fields, published=published, fetcher=fetcher)
            elif os.path.isdir(name):
                for path in walk(name):
                    if _kind_of_path(Path(path)) is None:
                        yield BadInput(path, f"unsupported file type "
                                       f"({Path(path).suffix or 'no extension'}); skipped")
                        continue
                    yield from read_file(path, fields=fields, published=published,
                                         fetcher=fetcher)
            elif os.path.exists(name):
                yield from read_file(name, fields=fields, published=published, fetcher=fetcher)
            else:
                yield BadInput(name, "no such file, folder or URL")
    finally:
        if own_fetcher:
            fetcher.close()
