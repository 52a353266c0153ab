"""Load benchmark of the REST API: ``flashpoint serve`` under concurrent clients.

1. **Store.** ``--events`` (default 100,000) generated canonical events, written by
   ``bench_pipeline.fill_events`` (one event in ten between India and Pakistan, the
   rest between twenty countries over 2022-2024). The file is kept (``--store``,
   default in the temporary folder) and reused while it holds that many events.
2. **Server.** ``flashpoint serve`` started as a subprocess on a free loopback
   port, exactly as a user starts it.
3. **Load.** ``--clients`` (default 50) concurrent clients, each sending one request
   after another for ``--seconds`` (default 20) over keep-alive connections
   (``httpx.AsyncClient``):

   - ``/api/events`` (``--events-share``, default 70 %): a filter drawn from a set
     that covers every kind (dyad, country, actor, CAMEO code and root, quad class,
     date range, place, negated, min_articles), a page size of 20, 50 or 100, and
     an offset up to 2,000, newest or oldest first;
   - ``/api/dyad``: one of the top ``--dyads`` (default 20) dyads of
     ``/api/dyads``, over the whole store or a year or a quarter of it, daily or
     weekly.

   Before the load, every dyad report the clients will ask for is requested once,
   one at a time, and timed (*cold reports*): a report reads every event of both
   sides, and the server keeps it (and every answered URL) for as long as the store
   is unchanged. ``--cold`` skips this, so the load starts with nothing computed.
   Event pages are not requested beforehand: the first request of each distinct
   page runs its queries during the load (*first requests* in the output), repeats
   are answered from the server's response cache.

Reported: requests, errors (any status but 200, or a failed connection), latency
percentiles (p50, p95, p99, max; from send to the whole body read) per endpoint,
overall, and for the first request of each distinct URL; requests per second; the
server's and the clients' CPU time, the share of the CPUs other processes took, and
the server's memory. Nothing is extrapolated.

Usage::

    python benchmarks/bench_api.py                       # 100,000 events, 50 clients, 20 s
    python benchmarks/bench_api.py --clients 20 --seconds 5 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import flashpoint  # noqa: F401
except ImportError:  # pragma: no cover - run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402
import psutil  # noqa: E402
from bench_pipeline import fill_events  # noqa: E402

MB = 1024 * 1024
TOKEN = "bench-token"

EVENT_FILTERS: list[dict[str, Any]] = [
    {},
    {"dyad": "IND,PAK"},
    {"dyad": "IND,PAK", "root": "19", "since": "2023-01-01", "until": "2023-12-31",
     "negated": "false"},
    {"dyad": "IND,PAK", "directed": "true", "quad_class": 4},
    {"country": "UKR", "quad_class": 4},
    {"country": "RUS", "since": "2024-06-01"},
    {"actor": "USAGOV"},
    {"actor": "CHN", "code": "04"},
    {"code": "0256"},
    {"root": "14", "until": "2022-12-31"},
    {"quad_class": 1, "min_articles": 3},
    {"place": "Place 12"},
    {"negated": "true"},
    {"since": "2024-01-01", "until": "2024-03-31"},
]
RANGES: list[dict[str, str]] = [{}, {"since": "2024-01-01", "until": "2024-12-31"},
                                {"since": "2023-04-01", "until": "2023-06-30"}]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(path: Path, events: int) -> dict[str, Any]:
    """Reuse the store at ``path`` if it holds ``events`` events, else write it anew."""
    from flashpoint.store import Store, StoreError

    if path.exists():
        try:
            with Store(path, read_only=True) as store:
                if store.count_events() == events:
                    return {"path": str(path), "reused": True, "build_s": 0.0}
        except StoreError:
            pass
        path.unlink()
    started = time.perf_counter()
    with Store(path) as store:
        fill_events(store, events)
        store.con.execute("CHECKPOINT")
    return {"path": str(path), "reused": False,
            "build_s": round(time.perf_counter() - started, 2)}


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "flashpoint.cli", "serve", "--db", str(db), "--port",
               str(port), "--token", TOKEN]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise SystemExit("the server exited: "
                             + (server.stderr.read().decode() if server.stderr else ""))
        try:
            if httpx.get(f"{base}/api/events?limit=1", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def request_mix(rng: random.Random, dyads: list[tuple[str, str]], events_share: float
                ) -> tuple[str, str, dict[str, Any]]:
    """One request: (endpoint name, path, query parameters)."""
    if rng.random() < events_share:
        params = {**rng.choice(EVENT_FILTERS), "limit": rng.choice((20, 50, 100)),
                  "offset": rng.choice((0, 0, 50, 100, 500, 2000)),
                  "order": rng.choice(("newest", "oldest"))}
        return "events", "/api/events", params
    a, b = rng.choice(dyads)
    params = {"a": a, "b": b, **rng.choice(RANGES), "freq": rng.choice(("D", "W"))}
    return "dyad", "/api/dyad", params


Result = tuple[str, str, float, float, bool]  # endpoint, URL, sent at, seconds, ok


def cold_reports(base: str, dyads: list[tuple[str, str]]) -> dict[str, Any]:
    """Ask for every report the load will use, one at a time, and time each."""
    times = []
    with httpx.Client(base_url=base, timeout=300.0) as http:
        for a, b in dyads:
            for extent in RANGES:
                started = time.perf_counter()
                response = http.get("/api/dyad", params={"a": a, "b": b, **extent})
                response.raise_for_status()
                times.append(time.perf_counter() - started)
    times.sort()
    return {"reports": len(times), "median_ms": round(times[len(times) // 2] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1), "total_s": round(sum(times), 1)}


async def client(http: httpx.AsyncClient, seed: int, until: float,
                 dyads: list[tuple[str, str]], events_share: float,
                 results: list[Result]) -> None:
    rng = random.Random(seed)
    while time.time() < until:
        name, path, params = request_mix(rng, dyads, events_share)
        request = http.build_request("GET", path, params=params)
        sent, started = time.time(), time.perf_counter()
        try:
            response = await http.send(request)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        results.append((name, str(request.url), sent, time.perf_counter() - started, ok))


def load_part(base: str, seeds: list[int], start: float, until: float,
              dyads: list[tuple[str, str]], events_share: float) -> tuple[list[Result], float]:
    """One client process: its clients' results and the CPU seconds it used.

    The httpx clients are made before the common start: making one takes tens of
    milliseconds of CPU (it loads an SSL context), which would otherwise be counted in
    the latency of the first requests of the other clients of the process.
    """
    async def clients() -> list[Result]:
        results: list[Result] = []
        async with AsyncExitStack() as stack:
            https = [await stack.enter_async_context(
                httpx.AsyncClient(base_url=base, timeout=60.0)) for _ in seeds]
            await asyncio.sleep(max(start - time.time(), 0))
            await asyncio.gather(*(client(http, seed, until, dyads, events_share, results)
                                   for http, seed in zip(https, seeds, strict=True)))
        return results

    before = psutil.Process().cpu_times()
    results = asyncio.run(clients())
    after = psutil.Process().cpu_times()
    return results, (after.user + after.system) - (before.user + before.system)


def load(base: str, args: argparse.Namespace, dyads: list[tuple[str, str]]
         ) -> tuple[list[Result], float, float]:
    """Run the clients, spread over ``args.processes`` processes (one event loop of
    httpx clients saturates a core long before the server does).

    Returns:
        The results, the wall time from the common start to the last answer, and
        the client processes' CPU seconds.
    """
    seeds = [args.seed * 1000 + i for i in range(args.clients)]
    start = time.time() + 3.0  # every process starts its clients at the same moment
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        parts = [pool.submit(load_part, base, seeds[i::args.processes], start,
                             start + args.seconds, dyads, args.events_share)
                 for i in range(args.processes)]
        outcomes = [part.result() for part in parts]
    results = [r for rows, _ in outcomes for r in rows]
    wall = max(sent + seconds for _, _, sent, seconds, _ in results) - start
    return results, wall, sum(cpu for _, cpu in outcomes)


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1)}


def summarise(results: list[Result], wall: float) -> dict[str, Any]:
    seen: set[str] = set()
    first = []
    for result in sorted(results, key=lambda r: r[2]):
        if result[1] not in seen:
            seen.add(result[1])
            first.append(result)
    groups = {"events": [r for r in results if r[0] == "events"],
              "dyad": [r for r in results if r[0] == "dyad"], "all": results,
              "first requests": first}
    return {name: {"requests": len(rows), "errors": sum(not r[4] for r in rows),
                   "rps": round(len(rows) / wall, 1), **percentiles([r[3] for r in rows])}
            for name, rows in groups.items() if rows}


def _busy(times: Any) -> float:
    return float(sum(getattr(times, f) for f in ("user", "system", "nice")))


def run(args: argparse.Namespace) -> dict[str, Any]:
    store = build_store(Path(args.store), args.events)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(Path(args.store), port)
    try:
        startup_s = wait_ready(base, server)
        proc = psutil.Process(server.pid)
        top = httpx.get(f"{base}/api/dyads", params={"limit": args.dyads}, timeout=30).json()
        dyads = [(row["a"], row["b"]) for row in top["items"]]
        cold = None if args.cold else cold_reports(base, dyads)
        cpu_before, machine_before = proc.cpu_times(), psutil.cpu_times()
        window = time.perf_counter()  # CPU shares are over this whole window
        results, wall, client_cpu = load(base, args, dyads)
        cpu_after = proc.cpu_times()
        machine = _busy(psutil.cpu_times()) - _busy(machine_before)
        window = time.perf_counter() - window
        server_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        peak_mb = proc.memory_info().rss / MB
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "store": {**store, "events": args.events},
        "server_startup_s": round(startup_s, 2),
        "cold_reports": cold,
        "clients": args.clients, "client_processes": args.processes,
        "seconds": round(wall, 2), "dyads": len(dyads),
        "events_share": args.events_share,
        "results": summarise(results, wall),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_share": round(server_cpu / window / (os.cpu_count() or 1), 2),
        "server_rss_mb": round(peak_mb, 1),
        "client_cpu_s": round(client_cpu, 1),
        "others_cpu_share": round(max(machine - server_cpu - client_cpu, 0)
                                  / (window * (os.cpu_count() or 1)), 2),
    }


def show(report: dict[str, Any]) -> None:
    store = report["store"]
    print(f"store: {store['events']:,} events, {'reused' if store['reused'] else 'built in '}"
          f"{'' if store['reused'] else str(store['build_s']) + ' s'} ({store['path']})")
    cold = report["cold_reports"]
    if cold:
        print(f"cold reports (one at a time, before the load): {cold['reports']} dyad reports, "
              f"median {cold['median_ms']} ms, max {cold['max_ms']} ms, {cold['total_s']} s "
              "in all")
    print(f"server started in {report['server_startup_s']} s; {report['clients']} clients "
          f"in {report['client_processes']} processes for "
          f"{report['seconds']} s; {report['dyads']} dyads; "
          f"{report['events_share']:.0%} of requests to /api/events")
    print(f"{'':16}{'requests':>10}{'errors':>8}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'max ms':>9}")
    for name, r in report["results"].items():
        print(f"{name:16}{r['requests']:>10,}{r['errors']:>8}{r['rps']:>8}{r['p50_ms']:>9}"
              f"{r['p95_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}")
    print(f"server: {report['server_cpu_s']} CPU s ({report['server_cpu_share']:.0%} of "
          f"{report['machine']['cpus']} CPUs), {report['server_rss_mb']} MB resident at the end; "
          f"clients: {report['client_cpu_s']} CPU s; other processes: "
          f"{report['others_cpu_share']:.0%} of the CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--store", default=str(Path(tempfile.gettempdir())
                                               / "flashpoint-bench-api.duckdb"),
                        help="the generated store (kept and reused between runs)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2,
                        help="client processes the clients are spread over")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--dyads", type=int, default=20, help="top dyads the clients query")
    parser.add_argument("--events-share", type=float, default=0.7,
                        help="share of requests to /api/events (the rest: /api/dyad)")
    parser.add_argument("--cold", action="store_true",
                        help="do not compute the dyad reports before the load")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report)


if __name__ == "__main__":
    main()
