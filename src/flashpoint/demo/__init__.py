"""The demo corpus, shipped inside the package, and the store built from it.

    >>> from flashpoint.demo import CORPUS, build
    >>> report = build("flashpoint-demo.duckdb")   # the store `flashpoint demo` serves
    >>> report.ingested, len(report.duplicates)

:data:`CORPUS` is a JSON Lines file of news-style articles (``id``, ``published``,
``outlet``, ``title``, ``text``). Most of them follow an India–Pakistan crisis over
a real calendar, July to November 2025: a quiet baseline of routine contacts and
minor incidents, an attack on tourists, strikes, shelling and drones, appeals and
calls from third countries, a ceasefire on the military hotline, then talks,
releases and a meeting hosted by a third country. Two of them are near copies of
a wire story in another outlet, for the duplicate detection to catch; six more
are about other conflicts, so the dashboard has other pairs of countries to
show. The incidents, figures and quotations are invented (the office holders and
places are real); ``examples/README.md`` in the source tree lists every article.

The corpus lives in the package, not next to it, so that ``flashpoint demo`` works
after a plain ``pip install``; it is the one copy of these articles (the twelve
files in ``examples/articles/`` are the same records, for trying ``flashpoint
extract`` on one article).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flashpoint.errors import BadInput, FlashpointError
from flashpoint.ingest import read_articles
from flashpoint.model import Article
from flashpoint.pipeline import IngestReport, Outcome, ingest
from flashpoint.store import Store, StoreError

__all__ = ["CORPUS", "DEMO_MARK", "articles", "build", "is_demo_store"]

CORPUS: Path = Path(__file__).with_name("corpus.jsonl")
"""The packaged corpus: one JSON object per line, in order of publication."""

DEMO_MARK = "demo_corpus"
"""Key in a store's ``meta`` table that says :func:`build` made the store (the value
is the digest of the corpus it was built from). Only such a store is ever replaced."""


def articles() -> list[Article]:
    """The corpus articles, in file order.

    Raises:
        BadInput: a line of the packaged file is broken (an installation fault,
            named by line, rather than a demo that silently lacks an article).
    """
    corpus: list[Article] = []
    for item in read_articles(str(CORPUS)):
        if isinstance(item, BadInput):
            raise item
        corpus.append(item)
    return corpus


def is_demo_store(path: str | Path) -> bool:
    """Whether ``path`` is a Flashpoint store that :func:`build` made.

    Raises:
        StoreError: the file cannot be opened (not DuckDB, not a Flashpoint store,
            or in use by another process); the message says which.
    """
    with Store(path, read_only=True) as store:
        row = store.con.execute("SELECT value FROM meta WHERE key = ?",
                                [DEMO_MARK]).fetchone()
    return row is not None


def _check_replaceable(db: Path) -> None:
    """Refuse any path but a missing file or an earlier demo store.

    The demo deletes what is at ``db``; a user's own store or any other file must
    never be lost to a mistyped ``--db``.
    """
    wal = db.with_name(db.name + ".wal")
    if db.is_dir():
        raise FlashpointError(f"{db}: is a folder; give a file name for the demo store")
    if not db.parent.is_dir():
        raise FlashpointError(f"{db}: the folder {db.parent} does not exist")
    if not db.exists():
        if wal.exists():
            raise FlashpointError(f"{db}: a write-ahead log {wal.name} is left without its "
                                  "store; move it away or choose another --db")
        return
    if not _is_duckdb_file(db):
        raise FlashpointError(f"{db}: is not a Flashpoint store, and the demo overwrites "
                              "nothing else; choose another --db or move the file away")
    try:
        ours = is_demo_store(db)
    except StoreError as err:
        raise FlashpointError(f"{err}; the demo left it as it is") from None
    if not ours:
        raise FlashpointError(f"{db}: is a Flashpoint store that the demo did not build; the "
                              "demo replaces only its own store, so choose another --db")


def _is_duckdb_file(path: Path) -> bool:
    """Whether the file starts with DuckDB's header (the magic ``DUCK`` at byte 8)."""
    with path.open("rb") as fh:
        return fh.read(12)[8:] == b"DUCK"


def _corpus_digest() -> str:
    return hashlib.sha256(CORPUS.read_bytes()).hexdigest()[:16]


def _printer(corpus: list[Article]) -> Callable[[Outcome], None]:
    """A progress callback that prints one line per article to standard error."""
    published = {a.id: a.published for a in corpus}
    width = len(str(len(corpus)))
    done = 0

    def show(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if outcome.status == "ingested":
            what = f"{outcome.events} event" + ("" if outcome.events == 1 else "s")
        else:
            what = f"{outcome.status}: {outcome.detail}" if outcome.detail else outcome.status
        print(f"  [{done:>{width}}/{len(corpus)}] {published.get(outcome.origin) or ''}  "
              f"{outcome.origin}  {what}", file=sys.stderr, flush=True)

    return show


def build(db: str | Path, *, progress: bool = True) -> IngestReport:
    """Build a fresh store from :data:`CORPUS` at ``db`` and return the ingest summary.

    The store is built in a temporary file next to ``db`` and moved into place
    when complete, so an interrupted build leaves the old demo store (or nothing)
    behind, never half a store. An earlier demo store at ``db`` is replaced; any
    other file is refused.

    Args:
        db: the store file to create (``.duckdb``).
        progress: print what is done, one line per article, to standard error.

    Returns:
        The :class:`~flashpoint.pipeline.IngestReport` of the run: articles stored,
        near copies found, events extracted and merged.

    Raises:
        FlashpointError: ``db`` is a folder, another file, or a store the demo did
            not build.
    """
    db = Path(db)
    _check_replaceable(db)
    corpus = articles()
    if progress:
        print(f"building the demo store {db} from {len(corpus)} articles ({CORPUS})",
              file=sys.stderr, flush=True)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix=f".{db.name}.", dir=db.parent))
    try:
        fresh = folder / db.name
        with Store(fresh) as store:
            report = ingest(corpus, db=store, progress=_printer(corpus) if progress else None)
            store.con.execute("INSERT INTO meta VALUES (?, ?)", [DEMO_MARK, _corpus_digest()])
        db.with_name(db.name + ".wal").unlink(missing_ok=True)  # the old store's, if any
        os.replace(fresh, db)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if progress:
        print(f"stored {report.ingested} articles and {len(report.duplicates)} duplicates: "
              f"{report.new_events} events from {report.reports} reports "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return report
