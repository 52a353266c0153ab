"""Extraction on a Dask cluster: the same per-article function, many machines.

``flashpoint ingest --dask local`` starts a ``LocalCluster`` on this machine (one
single-threaded worker process per ``--workers``, bound to 127.0.0.1);
``--dask tcp://scheduler:8786`` joins a running cluster (started by hand, or by
``dask-kubernetes``/``dask-jobqueue``; every worker needs the same Flashpoint
version installed).

Each task extracts one partition of articles with
:func:`flashpoint.pipeline.extract_chunk` and returns it as a Parquet file (one row
per article: its position, id, and either the :class:`~flashpoint.model.ArticleResult`
as JSON or the reason it was refused). The client writes each partition into the
staging folder, then merges partitions into the store in input order, one
transaction per batch, and deletes a partition once its batch is committed. The
workers need no shared file system and never touch the store. A partition left
behind by an interrupted run is reused when the same articles come again.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flashpoint.errors import BadInput, FlashpointError
from flashpoint.model import Article, ArticleResult, stable_id

__all__ = ["DaskRunner", "PARTITION_SCHEMA", "extract_partition", "read_partition"]

PARTITION_SCHEMA = pa.schema([
    ("position", pa.int32()), ("article_id", pa.string()), ("result", pa.string()),
    ("error_source", pa.string()), ("error_reason", pa.string()), ("error_line", pa.int32()),
])
CHUNK_SIZE = 16


def extract_partition(records: list[dict[str, Any]]) -> bytes:
    """Extract one partition of articles (as ``Article.to_dict()`` records).

    Returns:
        The partition as Parquet bytes, one row per article in input order.
    """
    from flashpoint.pipeline import extract_chunk

    articles = [Article.from_dict(r) for r in records]
    rows: dict[str, list[Any]] = {name: [] for name in PARTITION_SCHEMA.names}
    for position, (article, result) in enumerate(zip(articles, extract_chunk(articles),
                                                     strict=True)):
        rows["position"].append(position)
        rows["article_id"].append(article.article_id)
        if isinstance(result, BadInput):
            rows["result"].append(None)
            rows["error_source"].append(result.source)
            rows["error_reason"].append(result.reason)
            rows["error_line"].append(result.line)
        else:
            rows["result"].append(json.dumps(result.to_dict(), ensure_ascii=False))
            rows["error_source"].append(None)
            rows["error_reason"].append(None)
            rows["error_line"].append(None)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pydict(rows, schema=PARTITION_SCHEMA), sink,
                   compression="zstd")
    return sink.getvalue()


def _load_pipeline() -> bool:
    from flashpoint import nlp

    nlp.load()
    return True


def read_partition(path: str | Path) -> list[ArticleResult | BadInput]:
    """The results of one Parquet partition, in article order."""
    table = pq.read_table(path).sort_by("position")
    out: list[ArticleResult | BadInput] = []
    for row in table.to_pylist():
        if row["result"] is not None:
            out.append(ArticleResult.from_dict(json.loads(row["result"])))
        else:
            out.append(BadInput(row["error_source"] or row["article_id"],
                                row["error_reason"] or "extraction failed",
                                line=row["error_line"]))
    return out


class DaskRunner:
    """Runs extraction partitions on a Dask cluster and stages them as Parquet.

    Args:
        address: ``"local"`` for a new LocalCluster on 127.0.0.1, or a scheduler
            address such as ``"tcp://scheduler:8786"``.
        workers: worker processes of a LocalCluster.
        staging: folder for the Parquet partitions (a temporary folder if None).
    """

    def __init__(self, address: str, *, workers: int = 2, staging: str | Path | None = None,
                 chunk_size: int = CHUNK_SIZE) -> None:
        import tempfile

        import dask
        from distributed import Client, LocalCluster

        self.cluster = None
        try:
            if address == "local":
                # workers that only extract: no stack-sampling profiler stealing CPU
                with dask.config.set({"distributed.worker.profile.enabled": False,
                                      "distributed.admin.system-monitor.gil.enabled": False}):
                    self.cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1,
                                                processes=True, host="127.0.0.1",
                                                dashboard_address="127.0.0.1:0")
                self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout="15s")
        except (OSError, ValueError) as err:  # TimeoutError is an OSError
            raise FlashpointError(f"--dask {address}: cannot reach a Dask scheduler there "
                                  f"({type(err).__name__}: {err}); start one with "
                                  "`dask scheduler`, or use --dask local") from None
        addresses = list(self.client.scheduler_info().get("workers", {}))
        self.n_workers = len(addresses) or max(workers, 1)
        self.window = 1
        # load the pipeline on every worker now, while the first batch is read
        self._warm = [self.client.submit(_load_pipeline, workers=[a], pure=False)
                      for a in addresses]
        self.chunk_size = chunk_size
        self._tmp = None
        if staging is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="flashpoint-staging-")
            staging = self._tmp.name
        self.staging = Path(staging)
        self.staging.mkdir(parents=True, exist_ok=True)

    def submit(self, articles: list[Article]) -> list[tuple[Path, Any]]:
        handle = []
        for i in range(0, len(articles), self.chunk_size):
            chunk = articles[i:i + self.chunk_size]
            part = self.staging / f"part-{stable_id(*(a.article_id for a in chunk))}.parquet"
            if part.exists():
                handle.append((part, None))
                continue
            future = self.client.submit(extract_partition, [a.to_dict() for a in chunk],
                                        pure=False)
            handle.append((part, future))
        return handle

    def result(self, handle: list[tuple[Path, Any]]) -> list[ArticleResult | BadInput]:
        out: list[ArticleResult | BadInput] = []
        for part, future in handle:
            if future is not None:
                data = future.result()
                tmp = part.with_suffix(".tmp")
                tmp.write_bytes(data)
                tmp.replace(part)
            out.extend(read_partition(part))
        return out

    def done(self, handle: list[tuple[Path, Any]]) -> None:
        for part, _ in handle:
            part.unlink(missing_ok=True)

    def close(self) -> None:
        from contextlib import suppress

        from distributed import wait

        with suppress(Exception):  # a worker may still be loading its pipeline
            wait(self._warm, timeout=60)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self._tmp is not None:
            self._tmp.cleanup()
