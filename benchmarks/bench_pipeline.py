"""Corpus pipeline benchmark: ingest throughput, scaling, store size, query times.

One run measures, on articles from ``corpus.py`` (deterministic, generated):

1. **Throughput** of ``flashpoint ingest`` with the real extraction, on the same
   ``--throughput-n`` articles (a JSON Lines file, as a user would ingest it):
   one process, ``--workers 2``, and ``--dask local`` with 2 workers. Reported:
   wall time and articles/s (start to finish, model loading and cluster start
   included), steady articles/s (from the first committed batch to the last),
   the speed-up over one process and the scaling efficiency (speed-up / 2), the
   peak resident memory of each process, and the store's size per 1,000 articles.
2. **Scaling of ingest + merge**: ``--scale`` corpus sizes (default 1,000, 10,000,
   100,000) ingested with the corpus's oracle extraction in place of the NLP, so
   what is timed is everything else: reading, duplicate screening (MinHash LSH),
   storing, and merging into canonical events. Time per article at each size and
   its ratio to the smallest size show whether the work grows linearly.
3. **Queries** over ``--query-rows`` (default 1,000,000) generated canonical event
   rows: a dyad's daily series (``Store.dyad_series``) and one filtered page of
   events (``Store.events(..., limit=50)``); median and 95th percentile of
   ``--repeat`` runs after two warm-up runs, each returning a DataFrame.

Usage::

    python benchmarks/bench_pipeline.py                       # everything (~10 min)
    python benchmarks/bench_pipeline.py --throughput-n 300 --scale 1000,10000 --json
    python benchmarks/bench_pipeline.py --only queries

Nothing is extrapolated: every figure printed was measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import flashpoint  # noqa: F401
except ImportError:  # pragma: no cover - run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

import psutil  # noqa: E402
from corpus import Corpus, oracle_extractor  # noqa: E402

MB = 1024 * 1024


class MemorySampler:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peaks: dict[int, tuple[int, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            try:
                rss = proc.memory_info().rss
                name = "main" if proc.pid == me.pid else " ".join(proc.cmdline()[:3])[-60:]
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if rss > self.peaks.get(proc.pid, (0, ""))[0]:
                self.peaks[proc.pid] = (rss, name)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def main_mb(self) -> float:
        return next((r for r, n in self.peaks.values() if n == "main"), 0) / MB

    def workers_mb(self, n: int) -> list[float]:
        """Peaks of the ``n`` largest child processes (the extraction workers)."""
        children = sorted((r for r, name in self.peaks.values() if name != "main"),
                          reverse=True)
        return [round(r / MB, 1) for r in children[:n]]


def _write_corpus(corpus: Corpus, n: int, path: Path) -> int:
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for article in corpus.articles(n):
            record = {k: v for k, v in article.to_dict().items() if k != "article_id"}
            chars += len(article.full_text)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return chars


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that have exited."""
    t = psutil.Process().cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def _run_ingest(label: str, inputs: list[str], db: Path, n: int, **options: Any
                ) -> dict[str, Any]:
    from flashpoint.pipeline import ingest

    stamps: list[float] = []
    load_before = os.getloadavg()[0]
    cpu_before = psutil.cpu_times()
    own_before = _own_cpu()
    started = time.perf_counter()
    with MemorySampler() as memory:
        report = ingest(inputs, db=db, progress=lambda _o: stamps.append(time.perf_counter()),
                        **options)
    wall = time.perf_counter() - started
    cpu_after = psutil.cpu_times()
    busy = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("user", "system", "nice"))
    own = _own_cpu() - own_before
    first = stamps[0] if stamps else started
    # the first batch's outcomes all arrive together: steady rate counts the rest
    first_batch = sum(1 for s in stamps if s == first)
    steady_n = len(stamps) - first_batch
    steady_s = (stamps[-1] - first) if stamps else 0.0
    workers = options.get("workers", 1)
    return {
        "label": label, "articles": n, "ingested": report.ingested,
        "duplicates": len(report.duplicates), "skipped": len(report.skipped),
        "reports": report.reports, "wall_s": round(wall, 2),
        "articles_per_s": round(n / wall, 2),
        "steady_articles_per_s": round(steady_n / steady_s, 2) if steady_s else None,
        "main_peak_mb": round(memory.main_mb(), 1),
        "worker_peak_mb": (memory.workers_mb(workers) if (workers > 1 or options.get("dask"))
                           else [round(memory.main_mb(), 1)]),
        "store_mb": round(db.stat().st_size / MB, 2) if db.exists() else None,
        # how busy the machine was: other processes make parallel runs look slower
        "load_avg_1min_before": round(load_before, 2),
        "own_cpu_s": round(own, 1),
        "others_cpu_share": round(max(busy - own, 0) / (wall * (os.cpu_count() or 1)), 2),
    }


def bench_throughput(n: int, seed: int, tmp: Path, batch_size: int) -> dict[str, Any]:
    corpus = Corpus(seed)
    path = tmp / "throughput.jsonl"
    chars = _write_corpus(corpus, n, path)
    runs = []
    for label, options in (("1 process", {"workers": 1}),
                           ("--workers 2", {"workers": 2}),
                           ("--dask local (2 workers)", {"dask": "local", "workers": 2})):
        options = {**options, "batch_size": batch_size}
        db = tmp / f"tp-{len(runs)}.duckdb"
        print(f"  throughput: {label} on {n} articles …", file=sys.stderr, flush=True)
        runs.append(_run_ingest(label, [str(path)], db, n, **options))
    base = runs[0]
    for run in runs:
        run["speedup"] = round(run["articles_per_s"] / base["articles_per_s"], 2)
        run["efficiency"] = round(run["speedup"] / (2 if run is not base else 1), 2)
        if run["steady_articles_per_s"] and base["steady_articles_per_s"]:
            run["steady_speedup"] = round(run["steady_articles_per_s"]
                                          / base["steady_articles_per_s"], 2)
            run["steady_efficiency"] = round(run["steady_speedup"]
                                             / (2 if run is not base else 1), 2)
    return {"articles": n, "chars": chars, "runs": runs, "batch_size": batch_size,
            "store_mb_per_1000_articles": round(base["store_mb"] / n * 1000, 2)}


def bench_scale(sizes: list[int], seed: int, tmp: Path, batch_size: int) -> dict[str, Any]:
    from flashpoint.store import Store

    corpus = Corpus(seed)
    rows = []
    for n in sizes:
        db = tmp / f"scale-{n}.duckdb"
        print(f"  scale: {n} articles (oracle extraction) …", file=sys.stderr, flush=True)
        run = _run_ingest(f"{n}", corpus.articles(n), db, n,  # type: ignore[arg-type]
                          extractor=oracle_extractor(corpus), batch_size=batch_size)
        with Store(db, read_only=True) as store:
            counts = store.counts()
        run.update(ms_per_article=round(run["wall_s"] / n * 1000, 3),
                   reports=counts["reports"], events=counts["events"],
                   near_duplicates=counts["near_duplicates"],
                   store_mb_per_1000_articles=round(run["store_mb"] / n * 1000, 2))
        rows.append(run)
        db.unlink()
    for run in rows:
        run["ratio_to_smallest"] = round(run["ms_per_article"] / rows[0]["ms_per_article"], 2)
    return {"sizes": sizes, "batch_size": batch_size, "runs": rows}


_COUNTRIES = ["IND", "PAK", "USA", "CHN", "RUS", "UKR", "ISR", "IRN", "SAU", "TUR", "SDN",
              "COD", "RWA", "ARM", "AZE", "PHL", "JPN", "PRK", "KOR", "FRA"]
_SECTORS = ["GOV", "MIL", "CVL", "", "COP", "REB"]
_CODES = ["010", "020", "0256", "036", "040", "041", "042", "043", "051", "057", "0233",
          "111", "112", "1123", "120", "130", "138", "141", "145", "161", "163", "172",
          "173", "180", "181", "183", "186", "190", "193", "194", "195", "196", "200"]


def fill_events(store: Any, rows: int) -> float:
    """Insert ``rows`` generated canonical events with one INSERT … SELECT."""
    from flashpoint import ontology

    quads = {c: ontology.describe(c).quad_class for c in _CODES}
    golds = {c: ontology.describe(c).goldstein for c in _CODES}
    started = time.perf_counter()
    sql = f"""
    INSERT INTO events BY NAME
    WITH base AS (
      SELECT i,
        -- one row in ten is an India-Pakistan event, as a busy dyad would be
        CASE WHEN i % 10 = 0 THEN ['IND', 'PAK'][(i // 10) % 2 + 1]
             ELSE list_element(?, (hash(i, 1) % {len(_COUNTRIES)})::INT + 1) END AS sc,
        CASE WHEN i % 10 = 0 THEN ['PAK', 'IND'][(i // 10) % 2 + 1]
             ELSE list_element(?, (hash(i, 2) % {len(_COUNTRIES)})::INT + 1) END AS tc,
        list_element(?, (hash(i, 3) % {len(_SECTORS)})::INT + 1) AS ss,
        list_element(?, (hash(i, 4) % {len(_SECTORS)})::INT + 1) AS ts,
        (hash(i, 5) % {len(_CODES)})::INT + 1 AS ci,
        DATE '2022-01-01' + (hash(i, 6) % 1096)::INT AS d
      FROM range(?) t(i))
    SELECT printf('%016x', hash(i, 7)) AS canonical_id, i + 1 AS global_id,
      (hash(i, 8) >> 2)::BIGINT AS merge_key, d AS merge_day, d AS day, d AS date,
      'day' AS date_precision,
      sc || ss AS source_code, sc AS source_country, nullif(ss, '') AS source_sector,
      'Actor ' || sc AS source_name, tc || ts AS target_code, tc AS target_country,
      nullif(ts, '') AS target_sector, 'Actor ' || tc AS target_name,
      list_element(?, ci) AS cameo, list_element(?, ci)[1:2] AS cameo_root,
      'generated' AS cameo_name,
      list_element(?, ci) AS quad_class, list_element(?, ci) AS goldstein,
      CASE WHEN hash(i, 9) % 3 = 0 THEN 'Place ' || (hash(i, 10) % 500)::VARCHAR END
        AS location_name,
      CASE WHEN hash(i, 9) % 3 = 0 THEN tc END AS location_country,
      hash(i, 11) % 40 = 0 AS negated, 'asserted' AS modality,
      (hash(i, 12) % 5)::INT + 1 AS num_reports, (hash(i, 12) % 4)::INT + 1 AS num_articles,
      (hash(i, 12) % 3)::INT + 1 AS num_sources, d AS first_seen, d + 1 AS last_seen,
      'Generated evidence sentence number ' || i::VARCHAR AS evidence_text
    FROM base
    """
    store.con.execute(sql, [_COUNTRIES, _COUNTRIES, _SECTORS, _SECTORS, rows, _CODES,
                            _CODES, [quads[c] for c in _CODES], [golds[c] for c in _CODES]])
    return time.perf_counter() - started


def _timings(fn: Any, repeat: int) -> dict[str, Any]:
    for _ in range(2):
        result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
            "max_ms": round(times[-1], 2), "rows": len(result)}


def bench_queries(rows: int, repeat: int, tmp: Path) -> dict[str, Any]:
    from flashpoint.store import EventFilter, Store

    db = tmp / "queries.duckdb"
    print(f"  queries: generating {rows:,} event rows …", file=sys.stderr, flush=True)
    with Store(db) as store:
        fill_s = fill_events(store, rows)
        store.con.execute("CHECKPOINT")
    with Store(db, read_only=True) as store:
        count = store.count_events()
        page_filter = EventFilter(dyad=("IND", "PAK"), root="19", since="2023-01-01",
                                  until="2023-12-31", negated=False)
        out = {
            "rows": count, "fill_s": round(fill_s, 2),
            "store_mb": round(db.stat().st_size / MB, 1),
            "dyad_daily_series": _timings(lambda: store.dyad_series("IND", "PAK"), repeat),
            "filtered_page": _timings(lambda: store.events(page_filter, limit=50), repeat),
            "filtered_page_offset_1000": _timings(
                lambda: store.events(EventFilter(country="UKR", quad_class=4), limit=50,
                                     offset=1000), repeat),
        }
    db.unlink()
    return out


def _print(results: dict[str, Any]) -> None:
    tp = results.get("throughput")
    if tp:
        print(f"\n1. Throughput, real extraction: {tp['articles']} generated articles "
              f"({tp['chars'] / tp['articles']:.0f} chars each), {tp['batch_size']} per "
              "transaction")
        print(f"{'':26}{'wall s':>8}{'art/s':>8}{'speedup':>9}{'eff.':>6}"
              f"{'steady art/s':>14}{'speedup':>9}{'eff.':>6}  peak MB per worker (main)")
        for r in tp["runs"]:
            print(f"{r['label']:26}{r['wall_s']:>8}{r['articles_per_s']:>8}{r['speedup']:>9}"
                  f"{r['efficiency']:>6}{r['steady_articles_per_s'] or '':>14}"
                  f"{r.get('steady_speedup', ''):>9}{r.get('steady_efficiency', ''):>6}  "
                  f"{r['worker_peak_mb']} ({r['main_peak_mb']})  "
                  f"other processes: {r['others_cpu_share']:.0%} of the CPUs")
        print(f"store size: {tp['store_mb_per_1000_articles']} MB per 1,000 articles "
              "(articles with text, reports, events, actors, quotes, LSH bands)")
    sc = results.get("scale")
    if sc:
        print("\n2. Ingest + merge (oracle extraction: reading, dedup, store, merge; "
              f"{sc['batch_size']} articles per transaction)")
        print(f"{'articles':>10}{'wall s':>9}{'ms/article':>12}{'ratio':>7}{'reports':>10}"
              f"{'events':>10}{'near dups':>10}{'MB/1k art.':>11}{'main MB':>9}")
        for r in sc["runs"]:
            print(f"{r['articles']:>10,}{r['wall_s']:>9}{r['ms_per_article']:>12}"
                  f"{r['ratio_to_smallest']:>7}{r['reports']:>10,}{r['events']:>10,}"
                  f"{r['near_duplicates']:>10,}{r['store_mb_per_1000_articles']:>11}"
                  f"{r['main_peak_mb']:>9}")
    q = results.get("queries")
    if q:
        print(f"\n3. Queries over {q['rows']:,} event rows ({q['store_mb']} MB, "
              f"generated in {q['fill_s']} s)")
        for name in ("dyad_daily_series", "filtered_page", "filtered_page_offset_1000"):
            t = q[name]
            print(f"{name:28} median {t['median_ms']:>7} ms   p95 {t['p95_ms']:>7} ms   "
                  f"max {t['max_ms']:>7} ms   ({t['rows']} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--throughput-n", type=int, default=1500)
    parser.add_argument("--throughput-batch-size", type=int, default=64,
                        help="articles per transaction in the throughput runs")
    parser.add_argument("--scale", default="1000,10000,100000",
                        help="comma-separated corpus sizes for the ingest + merge scaling")
    parser.add_argument("--scale-batch-size", type=int, default=512,
                        help="articles per transaction in the scaling runs")
    parser.add_argument("--query-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("throughput", "scale", "queries"), action="append")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = args.only or ["throughput", "scale", "queries"]
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="flashpoint-bench-") as tmp:
        if "throughput" in parts:
            results["throughput"] = bench_throughput(args.throughput_n, args.seed, Path(tmp),
                                                     args.throughput_batch_size)
        if "scale" in parts:
            sizes = [int(x) for x in args.scale.split(",") if x]
            results["scale"] = bench_scale(sizes, args.seed, Path(tmp), args.scale_batch_size)
        if "queries" in parts:
            results["queries"] = bench_queries(args.query_rows, args.repeat, Path(tmp))
    results["total_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print(results)
        print(f"\ntotal {results['total_s']} s on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
