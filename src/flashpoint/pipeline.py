"""Ingest: read → screen duplicates → extract → store and merge, batch by batch.

    >>> import flashpoint
    >>> report = flashpoint.ingest(["articles/", "https://example.org/feed.xml"],
    ...                            db="flashpoint.duckdb", workers=2)
    >>> report.ingested, report.duplicates, report.skipped

The per-article work (:func:`extract_chunk`) is pure, so it runs the same in this
process, in a process pool (``workers=N``) or on a Dask cluster (``dask="local"``
or ``dask="tcp://scheduler:8786"``). Everything that needs the whole corpus —
whether an article is already stored or copies another, and which canonical
event each report belongs to — is decided here, in input order, one batch at a
time. Each batch is written in one transaction, so a run killed at any moment and
run again ends with exactly the rows of a run that was never interrupted.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flashpoint.errors import BadInput
from flashpoint.ingest import dedup
from flashpoint.ingest.sources import Fetcher, FieldMap, Input, expand
from flashpoint.model import Article, ArticleResult
from flashpoint.store import DEFAULT_PATH, BatchItem, Store

__all__ = ["IngestReport", "Outcome", "extract_chunk", "ingest"]

BATCH_SIZE = 512
CHUNK_SIZE = 16

Extractor = Callable[[list[Article]], list["ArticleResult | BadInput"]]


@dataclass(frozen=True)
class Outcome:
    """What became of one input.

    ``status`` is ``"ingested"`` (stored, with ``events`` reports), ``"exists"``
    (already in the store), ``"duplicate"`` (an exact or near copy of another
    article; ``detail`` names it) or ``"skipped"`` (``detail`` says why).
    """

    origin: str
    status: str
    article_id: str | None = None
    events: int = 0
    detail: str = ""


@dataclass
class IngestReport:
    """The summary of one ingest run."""

    ingested: int = 0
    exists: int = 0
    duplicates: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    reports: int = 0
    new_events: int = 0
    merged_reports: int = 0
    seconds: float = 0.0

    @property
    def processed(self) -> int:
        return self.ingested + self.exists + len(self.duplicates) + len(self.skipped)

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "ingested":
            self.ingested += 1
        elif outcome.status == "exists":
            self.exists += 1
        elif outcome.status == "duplicate":
            self.duplicates.append(outcome)
        else:
            self.skipped.append(outcome)

    def reasons(self) -> dict[str, int]:
        """How many inputs were skipped for each reason (reasons without specifics)."""
        counts: dict[str, int] = {}
        for outcome in self.skipped:
            reason = outcome.detail.split(" (")[0].split(";")[0]
            counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "exists": self.exists,
                "duplicates": [vars(o) for o in self.duplicates],
                "skipped": [vars(o) for o in self.skipped], "reports": self.reports,
                "new_events": self.new_events, "merged_reports": self.merged_reports,
                "seconds": round(self.seconds, 3)}


# --------------------------------------------------------------------------- per article


def _portable(item: ArticleResult | BadInput) -> Any:
    """BadInput does not survive pickling (its ``__init__`` takes keywords); send a tuple."""
    if isinstance(item, BadInput):
        return ("bad", item.source, item.reason, item.line)
    return item


def _restore(item: Any) -> ArticleResult | BadInput:
    if isinstance(item, tuple) and item and item[0] == "bad":
        return BadInput(item[1], item[2], line=item[3])
    return item


def extract_chunk(articles: list[Article]) -> list[ArticleResult | BadInput]:
    """Extract a list of articles; one result (or BadInput) per article, in order.

    This is the per-article work shipped to process-pool and Dask workers.
    """
    from flashpoint.extract import extract_many

    return list(extract_many(articles))


def _extract_chunk_portable(articles: list[Article]) -> list[Any]:
    return [_portable(x) for x in extract_chunk(articles)]


def _init_worker() -> None:
    from flashpoint import nlp

    nlp.load()


# --------------------------------------------------------------------------- runners


class Runner(Protocol):
    window: int

    def submit(self, articles: list[Article]) -> Any: ...

    def result(self, handle: Any) -> list[ArticleResult | BadInput]: ...

    def done(self, handle: Any) -> None: ...

    def close(self) -> None: ...


class LocalRunner:
    """Extraction in this process."""

    window = 0

    def __init__(self, extractor: Extractor | None = None) -> None:
        self.extractor = extractor or extract_chunk

    def submit(self, articles: list[Article]) -> list[Article]:
        return articles

    def result(self, handle: list[Article]) -> list[ArticleResult | BadInput]:
        return self.extractor(handle) if handle else []

    def done(self, handle: Any) -> None:
        pass

    def close(self) -> None:
        pass


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class PoolRunner:
    """Extraction in a pool of worker processes, each with its own spaCy pipeline."""

    def __init__(self, workers: int, *, chunk_size: int = CHUNK_SIZE) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.chunk_size = chunk_size
        self.window = 1
        saved = {k: os.environ.get(k) for k in _THREAD_VARS}
        for k in _THREAD_VARS:  # one thread per worker: the workers are the parallelism
            os.environ[k] = "1"
        try:
            self.pool = ProcessPoolExecutor(max_workers=workers,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_init_worker)
            # start every worker now: the pipelines load while the first batch is read
            for _ in range(workers):
                self.pool.submit(_init_worker)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def submit(self, articles: list[Article]) -> list[Any]:
        return [self.pool.submit(_extract_chunk_portable, articles[i:i + self.chunk_size])
                for i in range(0, len(articles), self.chunk_size)]

    def result(self, handle: list[Any]) -> list[ArticleResult | BadInput]:
        return [_restore(x) for future in handle for x in future.result()]

    def done(self, handle: Any) -> None:
        pass

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- screening


@dataclass
class _Pending:
    """Articles screened in this run but not yet committed."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # article_id -> origins
    roots: dict[str, str] = field(default_factory=dict)  # article_id -> original article_id
    bands: dict[int, list[tuple[str, int, Any, str]]] = field(default_factory=dict)


class Screener:
    """Decides, in input order, whether each article is new, stored, or a copy."""

    def __init__(self, store: Store, *, threshold: float = dedup.THRESHOLD) -> None:
        self.store = store
        self.threshold = threshold
        self.pending = _Pending()
        self._order = 0
        self._batches: dict[int, list[tuple[str, str, list[int]]]] = {}

    def screen(self, batch_no: int, inputs: Sequence[Input]) -> list[BatchItem | Outcome]:
        """Screen one batch; the items must be committed (or released) in order."""
        stored = self.store.known_articles(i.article.article_id for i in inputs)
        sigs: dict[str, Any] = {}
        keys: dict[str, list[int]] = {}
        for inp in inputs:
            aid = inp.article.article_id
            if aid not in stored and aid not in sigs:
                sigs[aid] = dedup.signature(inp.article.text or inp.article.full_text)
                keys[aid] = dedup.band_keys(sigs[aid], threshold=self.threshold)
        candidates: dict[int, list[tuple[str, int, Any]]] = {}
        all_keys = [k for ks in keys.values() for k in ks]
        for key, aid, dup_of, seq, blob in self.store.band_candidates(all_keys):
            candidates.setdefault(key, []).append(
                (dup_of or aid, int(seq), dedup.signature_from_bytes(blob) if blob else None))
        out: list[BatchItem | Outcome] = []
        registered: list[tuple[str, str, list[int]]] = []
        for inp in inputs:
            art, origin = inp.article, inp.origin
            aid = art.article_id
            known = stored.get(aid)
            if known is not None or aid in self.pending.ids:
                origins = set(known["origins"]) if known else set()
                origins |= self.pending.ids.get(aid, set())
                if origin in origins:
                    out.append(Outcome(origin, "exists", aid))
                    continue
                self.pending.ids.setdefault(aid, set()).add(origin)
                registered.append((aid, origin, []))
                out.append(BatchItem(origin, art, "copy", aid))
                continue
            sig, own_keys = sigs[aid], keys[aid]
            best: tuple[float, int, str] | None = None
            for key in own_keys:
                for root, seq, other, *_ in [*candidates.get(key, ()),
                                             *self.pending.bands.get(key, ())]:
                    if other is None:
                        continue
                    sim = dedup.jaccard(sig, other)
                    if sim >= self.threshold and (best is None or (-sim, seq) < (-best[0],
                                                                                  best[1])):
                        best = (sim, seq, root)
            self._order += 1
            order = 1 << 40 | self._order  # after every stored article
            if best is not None:
                item = BatchItem(origin, art, "near", aid, duplicate_of=best[2],
                                 similarity=round(best[0], 4), signature=sig, band_keys=own_keys)
                root = best[2]
            else:
                item = BatchItem(origin, art, "new", aid, signature=sig, band_keys=own_keys)
                root = aid
            self.pending.ids.setdefault(aid, set()).add(origin)
            for key in own_keys:
                self.pending.bands.setdefault(key, []).append((root, order, sig, aid))
            registered.append((aid, origin, own_keys))
            out.append(item)
        self._batches[batch_no] = registered
        return out

    def release(self, batch_no: int) -> None:
        """Forget a committed batch: the store answers for it from now on."""
        for aid, origin, own_keys in self._batches.pop(batch_no, []):
            origins = self.pending.ids.get(aid)
            if origins is not None:
                origins.discard(origin)
                if not origins:
                    del self.pending.ids[aid]
            for key in own_keys:
                entries = self.pending.bands.get(key)
                if entries is not None:
                    entries[:] = [e for e in entries if e[3] != aid]
                    if not entries:
                        del self.pending.bands[key]


# --------------------------------------------------------------------------- pipeline


def _as_inputs(items: Iterable[Any], *, published: str | None, fields: FieldMap,
               fetcher: Fetcher | None) -> Iterator[Input | BadInput]:
    names: list[str] = []

    def flush() -> Iterator[Input | BadInput]:
        if names:
            yield from expand(list(names), published=published, fields=fields, fetcher=fetcher)
            names.clear()

    for item in items:
        if isinstance(item, (str, Path)):
            names.append(str(item))
            continue
        yield from flush()
        if isinstance(item, (Input, BadInput)):
            yield item
        elif isinstance(item, Article):
            yield Input(item.id or item.article_id[:16], item)
        else:
            yield BadInput(repr(item)[:60], "not a path, URL, Article or Input")
    yield from flush()


def _describe_copy(item: BatchItem, store_origin: Callable[[str], str]) -> str:
    if item.kind == "copy":
        return f"exact copy of {store_origin(item.article_id)}"
    original = store_origin(item.duplicate_of or "")
    return f"near copy of {original} (similarity {item.similarity:.2f})"


def ingest(inputs: str | Path | Iterable[Any], *, db: str | Path | Store = DEFAULT_PATH,
           published: str | None = None, workers: int = 1, dask: str | None = None,
           fields: FieldMap | None = None, batch_size: int = BATCH_SIZE,
           threshold: float = dedup.THRESHOLD, fetcher: Fetcher | None = None,
           progress: Callable[[Outcome], None] | None = None,
           extractor: Extractor | None = None, staging: str | Path | None = None
           ) -> IngestReport:
    """Read articles from paths, URLs and feeds, extract their events, and store them.

    Args:
        inputs: a path, folder, URL or feed, or an iterable of them (``Article`` and
            ``Input`` objects are accepted too).
        db: the store file (created when missing), or an open :class:`Store`.
        published: publication date for articles that carry none (``YYYY-MM-DD``).
        workers: extraction processes (1: in this process).
        dask: ``"local"`` to start a Dask LocalCluster with ``workers`` workers (one
            per CPU when ``workers`` is 1), or a scheduler address
            (``"tcp://host:8786"``) to use an existing cluster.
        fields: field names of JSON, JSON Lines and CSV records.
        batch_size: articles per transaction.
        threshold: MinHash Jaccard similarity from which an article is a near copy.
        fetcher: fetches URLs and feed entries.
        progress: called with each input's :class:`Outcome`, in input order.
        extractor: replaces the extraction (``list[Article] -> list[result]``);
            runs in this process.
        staging: folder for Dask's Parquet partitions (default: next to the store).

    Returns:
        An :class:`IngestReport`: counts, duplicates and skipped inputs with reasons.
    """
    started = time.perf_counter()
    if isinstance(inputs, (str, Path, Article, Input)):
        inputs = [inputs]
    store = db if isinstance(db, Store) else Store(db)
    try:
        runner = _runner(store, workers=workers, dask=dask, extractor=extractor,
                         staging=staging)
    except BaseException:
        if not isinstance(db, Store):
            store.close()
        raise
    report = IngestReport()
    screener = Screener(store, threshold=threshold)

    def origin_of(article_id: str) -> str:
        # the original is committed by now (in this batch or an earlier one)
        known = store.known_articles([article_id]).get(article_id)
        return known["origin"] if known else article_id[:16]

    def emit(outcome: Outcome) -> None:
        report.add(outcome)
        if progress:
            progress(outcome)

    def commit(entry: tuple[int, list[Any], Any]) -> None:
        batch_no, screened, handle = entry
        results = iter(runner.result(handle))
        items: list[BatchItem] = []
        outcomes: list[Outcome | BatchItem] = []
        for entry_item in screened:
            if isinstance(entry_item, BatchItem) and entry_item.kind == "new":
                result = next(results)
                if isinstance(result, BadInput):
                    outcomes.append(Outcome(entry_item.origin, "skipped", entry_item.article_id,
                                            detail=result.reason))
                    continue
                entry_item.result = result
            if isinstance(entry_item, BatchItem):
                items.append(entry_item)
            outcomes.append(entry_item)
        summary = store.write_batch(items, screened=True)
        runner.done(handle)
        screener.release(batch_no)
        report.reports += summary.reports
        report.new_events += summary.new_events
        report.merged_reports += summary.merged_reports
        for entry_item in outcomes:
            if isinstance(entry_item, Outcome):
                emit(entry_item)
            elif entry_item.kind == "new":
                emit(Outcome(entry_item.origin, "ingested", entry_item.article_id,
                             events=len(entry_item.result.events) if entry_item.result else 0))
            else:
                emit(Outcome(entry_item.origin, "duplicate", entry_item.article_id,
                             detail=_describe_copy(entry_item, origin_of)))

    inflight: deque[tuple[int, list[Any], Any]] = deque()
    try:
        stream = _as_inputs(inputs, published=published, fields=fields or FieldMap(),
                            fetcher=fetcher)
        for batch_no, batch in enumerate(_batches(stream, batch_size), start=1):
            good = [x for x in batch if isinstance(x, Input)]
            screened_good = iter(screener.screen(batch_no, good))
            screened: list[Any] = []
            for x in batch:
                if isinstance(x, BadInput):
                    screened.append(Outcome(_name(x), "skipped", detail=x.reason))
                else:
                    screened.append(next(screened_good))
            to_extract = [s.article for s in screened
                          if isinstance(s, BatchItem) and s.kind == "new"]
            inflight.append((batch_no, screened, runner.submit(to_extract)))
            while len(inflight) > runner.window:
                commit(inflight.popleft())
        while inflight:
            commit(inflight.popleft())
    finally:
        runner.close()
        if not isinstance(db, Store):
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _runner(store: Store, *, workers: int, dask: str | None, extractor: Extractor | None,
            staging: str | Path | None) -> Runner:
    if dask:
        from flashpoint.distributed import DaskRunner

        if staging is None and store.path != ":memory:":
            staging = Path(store.path).parent / (Path(store.path).name + ".staging")
        if dask == "local" and workers <= 1:
            workers = os.cpu_count() or 2
        return DaskRunner(dask, workers=workers, staging=staging)
    if workers > 1 and extractor is None:
        return PoolRunner(workers)
    return LocalRunner(extractor)


def _name(err: BadInput) -> str:
    return f"{err.source}:{err.line}" if err.line is not None else err.source


def _batches(stream: Iterable[Input | BadInput], size: int) -> Iterator[list[Input | BadInput]]:
    batch: list[Input | BadInput] = []
    goods = 0
    for item in stream:
        batch.append(item)
        goods += isinstance(item, Input)
        if goods >= size:
            yield batch
            batch, goods = [], 0
    if batch:
        yield batch
