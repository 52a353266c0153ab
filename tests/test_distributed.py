"""Extraction on Dask: the same per-article function, staged as Parquet, merged in order."""

from __future__ import annotations

import json

import pytest

from flashpoint import demo
from flashpoint.distributed import extract_partition, read_partition
from flashpoint.errors import BadInput
from flashpoint.model import Article, stable_id
from flashpoint.pipeline import ingest
from flashpoint.store import Store


def _articles(n: int) -> list[Article]:
    return demo.articles()[:n]


def _rows(store: Store) -> dict[str, list]:
    out = {}
    for table, key in (("articles", "article_id"), ("reports", "event_id"),
                       ("events", "canonical_id"), ("actors", "actor_id"), ("quotes", "quote_id")):
        cols = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall()
                if r[0] not in ("ingested_at", "date_added", "origin")]
        out[table] = store.con.execute(
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {table} "
            f"ORDER BY {key}").fetchall()
    return out


def test_distributed_partition_round_trip(tmp_path):
    articles = _articles(2) + [Article(text="", id="empty")]
    data = extract_partition([a.to_dict() for a in articles])
    path = tmp_path / "part.parquet"
    path.write_bytes(data)
    results = read_partition(path)
    assert [r.article_id for r in results[:2]] == [a.article_id for a in articles[:2]]
    assert results[0].events and results[1].events
    assert isinstance(results[2], BadInput) and "empty" in str(results[2])


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield cluster


@pytest.mark.slow
def test_distributed_existing_cluster_gives_the_rows_of_a_local_run(cluster, tmp_path):
    articles = _articles(6)
    local = Store(":memory:")
    ingest(articles, db=local)
    remote = Store(tmp_path / "dask.duckdb")
    report = ingest(articles, db=remote, dask=cluster.scheduler_address, batch_size=4,
                    staging=tmp_path / "staging")
    assert report.ingested == 6
    assert _rows(remote) == _rows(local)
    assert list((tmp_path / "staging").glob("*.parquet")) == []  # merged, then removed


@pytest.mark.slow
def test_distributed_reuses_a_partition_left_by_an_interrupted_run(cluster, tmp_path):
    articles = _articles(2)
    staging = tmp_path / "staging"
    staging.mkdir()
    # a partition as a killed run would have left it: here with no events at all
    fake = extract_partition([Article(text="x", id="x").to_dict()])  # a refused article
    name = f"part-{stable_id(*(a.article_id for a in articles))}.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    from flashpoint.distributed import PARTITION_SCHEMA  # noqa: F401 - same schema

    table = pq.read_table(pa.BufferReader(fake))
    rows = [{**table.to_pylist()[0], "position": i, "article_id": a.article_id,
             "result": json.dumps({"id": a.id, "article_id": a.article_id, "actors": [],
                                   "events": [], "quotes": []}),
             "error_source": None, "error_reason": None, "error_line": None}
            for i, a in enumerate(articles)]
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), staging / name)
    store = Store(":memory:")
    report = ingest(articles, db=store, dask=cluster.scheduler_address, staging=staging)
    assert report.ingested == 2
    assert store.counts()["reports"] == 0  # the staged partition was used, not recomputed
    assert not (staging / name).exists()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")  # a socket left by distributed itself
def test_distributed_local_cluster_from_ingest(tmp_path):
    articles = _articles(3)
    store = Store(tmp_path / "s.duckdb")
    report = ingest(articles, db=store, dask="local", workers=2)
    assert report.ingested == 3
    assert store.counts()["reports"] > 10
