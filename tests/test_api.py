"""The REST API: every endpoint, its paging and filters, its errors, and `flashpoint serve`."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from flashpoint import api
from flashpoint.api import EVENT_ITEM_COLUMNS, EventItem, Page, create_app
from flashpoint.cli import app as cli_app
from flashpoint.demo import build
from flashpoint.store import EventFilter, Store

TOKEN = "test-token"
API_PATHS = {
    "/api/articles", "/api/articles/{article_id}", "/api/events", "/api/events/{canonical_id}",
    "/api/actors", "/api/quotes", "/api/dyads", "/api/dyad", "/api/alerts", "/api/network",
    "/api/outlines", "/api/ingest",
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus ingested through the pipeline once; tests use copies of it."""
    db = tmp_path_factory.mktemp("api") / "demo.duckdb"
    build(db, progress=False)
    return db


def _copy(db: Path, name: str) -> Path:
    target = db.with_name(name)
    shutil.copy(db, target)
    return target


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_copy(demo_db, "client.duckdb"), token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def store(client: TestClient) -> Store:
    """The store the app serves (for the expected answers; used from this thread only)."""
    return client.app.state.flashpoint.store  # type: ignore[attr-defined, no-any-return]


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def error(client: TestClient, path: str, status: int, **params: Any) -> str:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


# --------------------------------------------------------------------------- schema


def test_api_openapi_lists_every_path(client: TestClient) -> None:
    documented = {p for p in get(client, "/openapi.json")["paths"] if p.startswith("/api/")}
    routers = (api.articles, api.events, api.people, api.analysis, api.writes, api.dashboard)
    routes = {r.path for router in routers for r in router.routes
              if getattr(r, "include_in_schema", False) and r.path.startswith("/api/")}
    assert documented == routes == API_PATHS


def test_api_openapi_types_the_query_parameters(client: TestClient) -> None:
    params = {p["name"]: p for p in get(client, "/openapi.json")["paths"]["/api/events"]["get"]
              ["parameters"]}
    quad = params["quad_class"]["schema"]["anyOf"][0]
    assert (quad["type"], quad["minimum"], quad["maximum"]) == ("integer", 1, 4)
    assert params["limit"]["schema"]["maximum"] == api.MAX_PAGE
    assert params["since"]["schema"]["anyOf"][0]["format"] == "date"
    assert set(params["order"]["schema"]["enum"]) == {"newest", "oldest"}


def test_api_openapi_operation_ids_are_stable(client: TestClient) -> None:
    operation = get(client, "/openapi.json")["paths"]["/api/events"]["get"]
    assert operation["operationId"] == "events-list_events"


def test_api_interactive_docs_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404


# --------------------------------------------------------------------------- events


def test_api_events_first_page_matches_the_store(client: TestClient, store: Store) -> None:
    page = get(client, "/api/events", limit=10)
    assert page["total"] == store.count_events() > 10
    assert (page["limit"], page["offset"], len(page["items"])) == (10, 0, 10)
    assert list(page["items"][0]) == list(EVENT_ITEM_COLUMNS)
    expected = store.events(limit=10)["canonical_id"].tolist()
    assert [e["canonical_id"] for e in page["items"]] == expected
    Page[EventItem].model_validate(page)  # type: ignore[valid-type]
    date.fromisoformat(page["items"][0]["day"])


def test_api_events_pages_tile_the_whole_list(client: TestClient) -> None:
    whole = get(client, "/api/events", limit=500)["items"]
    pages = [get(client, "/api/events", limit=7, offset=o)["items"]
             for o in range(0, len(whole), 7)]
    assert [e["canonical_id"] for p in pages for e in p] == [e["canonical_id"] for e in whole]
    beyond = get(client, "/api/events", limit=7, offset=len(whole))
    assert beyond["items"] == [] and beyond["total"] == len(whole)


def test_api_events_oldest_first(client: TestClient) -> None:
    days = [e["day"] for e in get(client, "/api/events", order="oldest", limit=500)["items"]
            if e["day"]]
    assert days == sorted(days)


@pytest.mark.parametrize(("params", "flt", "check"), [
    ({"dyad": "IND,PAK"}, EventFilter(dyad=("IND", "PAK")),
     lambda e: {e["source_country"], e["target_country"]} == {"IND", "PAK"}),
    ({"dyad": "IND:PAK", "directed": True}, EventFilter(dyad=("IND", "PAK"), directed=True),
     lambda e: (e["source_country"], e["target_country"]) == ("IND", "PAK")),
    ({"country": "pak"}, EventFilter(country="PAK"),
     lambda e: "PAK" in (e["source_country"], e["target_country"])),
    ({"actor": "USAGOV"}, EventFilter(actor="USAGOV"),
     lambda e: "USAGOV" in (e["source_code"], e["target_code"])),
    ({"code": "19"}, EventFilter(code="19"), lambda e: e["cameo"].startswith("19")),
    ({"root": "4"}, EventFilter(root="04"), lambda e: e["cameo_root"] == "04"),
    ({"quad_class": 4}, EventFilter(quad_class=4), lambda e: e["quad_class"] == 4),
    ({"since": "2025-09-01", "until": "2025-09-30"},
     EventFilter(since="2025-09-01", until="2025-09-30"),
     lambda e: "2025-09-01" <= e["day"] <= "2025-09-30"),
    ({"place": "kashmir"}, EventFilter(place="kashmir"),
     lambda e: "kashmir" in f"{e['location_name']} {e['location_admin1']}".lower()),
    ({"negated": False}, EventFilter(negated=False), lambda e: e["negated"] is False),
    ({"min_articles": 2}, EventFilter(min_articles=2), lambda e: e["num_articles"] >= 2),
])
def test_api_events_filter(client: TestClient, store: Store, params: dict[str, Any],
                           flt: EventFilter, check: Any) -> None:
    page = get(client, "/api/events", limit=500, **params)
    assert page["total"] == store.count_events(flt) > 0
    assert all(check(e) for e in page["items"])


def test_api_events_located_keeps_events_with_coordinates(client: TestClient) -> None:
    located = get(client, "/api/events", located=True, limit=500)
    assert 0 < located["total"] < get(client, "/api/events")["total"]
    assert all(e["location_lat"] is not None and e["location_lon"] is not None
               for e in located["items"])


def test_api_events_located_false_keeps_events_without(client: TestClient,
                                                       store: Store) -> None:
    unlocated = get(client, "/api/events", located=False, limit=500)
    assert unlocated["total"] == store.count_events(located=False) > 0
    assert unlocated["total"] + get(client, "/api/events", located=True)["total"] == get(
        client, "/api/events")["total"]
    assert all(e["location_lat"] is None or e["location_lon"] is None
               for e in unlocated["items"])


@pytest.mark.parametrize("order", list(api.ORDERS.values()))
def test_api_event_pages_from_memory_match_the_store(store: Store, order: str) -> None:
    pages = api.EventPages()
    flt = EventFilter()
    total = store.count_events(flt)
    key = (0, flt, order)
    for offset in (0, 3, 5, total - 2, total):  # the first reads DuckDB, the next the table
        expected = store.event_rows(flt, limit=4, offset=offset, order=order,
                                    columns=EVENT_ITEM_COLUMNS)
        assert pages.rows(store, key, total, 4, offset) == expected
    assert list(pages.tables) == [key]


def test_api_event_pages_keep_only_small_filters(store: Store) -> None:
    pages = api.EventPages(max_rows=10)
    flt = EventFilter()
    total = store.count_events(flt)
    for offset in (0, 4, 8):
        assert pages.rows(store, (0, flt, api.ORDERS["newest"]), total, 4, offset) == (
            store.event_rows(flt, limit=4, offset=offset, columns=EVENT_ITEM_COLUMNS))
    assert not pages.tables


def test_api_event_pages_drop_the_least_recently_used(store: Store) -> None:
    pages = api.EventPages(max_bytes=1)
    keys = [(0, EventFilter(quad_class=q), api.ORDERS["newest"]) for q in (1, 4)]
    for key in keys:
        total = store.count_events(key[1])
        for offset in (0, 2):
            pages.rows(store, key, total, 2, offset)
    assert list(pages.tables) == [keys[1]]
    assert pages.size == pages.tables[keys[1]].nbytes


@pytest.mark.parametrize(("params", "named"), [
    ({"quad_class": 5}, "quad_class"),
    ({"limit": 501}, "limit"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"since": "last week"}, "since"),
    ({"dyad": "IND"}, "dyad"),
    ({"root": "abc"}, "root"),
    ({"order": "sideways"}, "order"),
    ({"negated": "perhaps"}, "negated"),
])
def test_api_events_bad_input_is_named(client: TestClient, params: dict[str, Any],
                                       named: str) -> None:
    assert f"'{named}'" in error(client, "/api/events", 422, **params)


def test_api_event_detail_lists_every_report(client: TestClient, store: Store) -> None:
    first = get(client, "/api/events", min_articles=2, limit=1)["items"][0]
    event = get(client, f"/api/events/{first['canonical_id']}")
    assert {k: event[k] for k in first} == first
    assert len(event["reports"]) >= 2
    for report in event["reports"]:
        assert report["evidence_text"]
        assert report["evidence_end"] > report["evidence_start"]
    assert len(event["reports"]) == len(store.evidence(first["canonical_id"]))


def test_api_event_detail_missing_is_404(client: TestClient) -> None:
    assert "0123456789abcdef" in error(client, "/api/events/0123456789abcdef", 404)
    error(client, "/api/events/not-an-id", 422)


# --------------------------------------------------------------------------- articles


def test_api_articles_list(client: TestClient, store: Store) -> None:
    page = get(client, "/api/articles", limit=5)
    assert page["total"] == len(store.articles())
    assert len(page["items"]) == 5
    assert set(page["items"][0]) == {"article_id", "id", "title", "outlet", "url",
                                     "published", "num_reports", "duplicate_of"}
    published = [a["published"] for a in get(client, "/api/articles", limit=500)["items"]]
    assert published == sorted(published, reverse=True)


def test_api_articles_filters(client: TestClient) -> None:
    everything = get(client, "/api/articles", limit=500)["items"]
    outlet = everything[0]["outlet"]
    by_outlet = get(client, "/api/articles", outlet=outlet.upper(), limit=500)["items"]
    assert by_outlet and all(a["outlet"] == outlet for a in by_outlet)
    september = get(client, "/api/articles", since="2025-09-01", until="2025-09-30")["items"]
    assert september and all("2025-09" in a["published"] for a in september)
    found = get(client, "/api/articles", q="ceasefire")
    assert 0 < found["total"] < len(everything)
    assert get(client, "/api/articles", q="100%")["total"] == 0  # % is not a wildcard


def test_api_article_detail_offsets_point_into_the_text(client: TestClient) -> None:
    first = get(client, "/api/events", limit=1)["items"][0]
    article = get(client, f"/api/articles/{first['first_article_id']}")
    assert article["text"] and article["title"]
    assert article["events"] and any(e["canonical_id"] == first["canonical_id"]
                                     for e in article["events"])
    for event in article["events"]:
        evidence = event["evidence"]
        field = article[evidence["field"]]
        assert field[evidence["start"]:evidence["end"]] == evidence["text"]
    for quote in article["quotes"]:
        assert article[quote["field"]][quote["start"]:quote["end"]] == quote["text"]


def test_api_article_detail_missing_is_404(client: TestClient) -> None:
    assert "in this store" in error(client, f"/api/articles/{'ab' * 32}", 404)
    error(client, "/api/articles/../../etc", 404)


# --------------------------------------------------------------------------- actors, quotes


def test_api_actors_list_and_filters(client: TestClient) -> None:
    page = get(client, "/api/actors", limit=10)
    assert page["total"] > 10 and len(page["items"]) == 10
    counts = [a["events"] for a in page["items"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    indian = get(client, "/api/actors", country="ind", limit=500)["items"]
    assert indian and all(a["country"] == "IND" for a in indian)
    named = get(client, "/api/actors", q="rubio")["items"]
    assert any(a["name"] == "Marco Rubio" for a in named)
    second = get(client, "/api/actors", limit=5, offset=5)["items"]
    assert [a["name"] for a in second] == [a["name"] for a in page["items"][5:10]]


def test_api_quotes_list_and_filters(client: TestClient) -> None:
    page = get(client, "/api/quotes", limit=3)
    assert page["total"] > 3 and len(page["items"]) == 3
    assert set(page["items"][0]) == {"quote_id", "article_id", "speaker_name", "speaker_code",
                                     "text", "direct", "channel", "published", "title"}
    article_id = page["items"][0]["article_id"]
    own = get(client, "/api/quotes", article_id=article_id, limit=500)["items"]
    assert own and all(q["article_id"] == article_id for q in own)
    speaker = page["items"][0]["speaker_name"]
    spoken = get(client, "/api/quotes", speaker=speaker.lower(), limit=500)["items"]
    assert spoken and all(speaker.lower() in (q["speaker_name"] or "").lower() for q in spoken)


# --------------------------------------------------------------------------- analysis


def test_api_dyads_puts_india_pakistan_first(client: TestClient) -> None:
    dyads = get(client, "/api/dyads", limit=3)
    assert dyads["limit"] == 3 and len(dyads["items"]) <= 3
    assert (dyads["items"][0]["a"], dyads["items"][0]["b"]) == ("IND", "PAK")
    assert {"events", "conflict", "cooperation", "killed", "first_day", "last_day"} <= set(
        dyads["items"][0])


def test_api_dyad_report(client: TestClient) -> None:
    report = get(client, "/api/dyad", a="ind", b="pak")
    assert {"a", "b", "since", "until", "config", "totals", "series", "weekly", "alerts",
            "signals", "mediators"} <= set(report)
    assert (report["a"], report["b"]) == ("IND", "PAK")
    assert report["totals"]["events"] == sum(row["events"] for row in report["series"]) > 0
    assert report["signals_total"] == report["totals"]["signals"] >= len(report["signals"])
    api.DyadReportOut.model_validate(report)
    weekly = get(client, "/api/dyad", a="IND", b="PAK", freq="W")
    assert weekly["series"] == weekly["weekly"] == report["weekly"]
    ranged = get(client, "/api/dyad", a="IND", b="PAK", since="2025-09-01", until="2025-09-30")
    assert all("2025-09" in row["period"] for row in ranged["series"])


@pytest.mark.parametrize(("params", "named"), [
    ({"a": "IND", "b": "IND"}, "b"),
    ({"a": "IND", "b": "PAK", "since": "2025-10-01", "until": "2025-09-01"}, "since"),
    ({"a": "IND!", "b": "PAK"}, "'a'"),
    ({"a": "IND"}, "'b'"),
    ({"a": "IND", "b": "PAK", "freq": "M"}, "'freq'"),
])
def test_api_dyad_bad_input_is_named(client: TestClient, params: dict[str, Any],
                                     named: str) -> None:
    assert named in error(client, "/api/dyad", 422, **params)


def test_api_alerts_of_one_dyad_and_of_the_top_dyads(client: TestClient) -> None:
    one = get(client, "/api/alerts", a="IND", b="PAK")
    assert one["total"] == len(get(client, "/api/dyad", a="IND", b="PAK")["alerts"]) > 0
    assert all((x["a"], x["b"]) == ("IND", "PAK") for x in one["items"])
    assert {"period", "kind", "index", "message"} <= set(one["items"][0])
    top = get(client, "/api/alerts", dyads=5)
    assert top["total"] >= one["total"]
    periods = [x["period"] for x in top["items"]]
    assert periods == sorted(periods, reverse=True)
    page = get(client, "/api/alerts", dyads=5, limit=2, offset=1)
    assert page["items"] == top["items"][1:3]
    assert "'b'" in error(client, "/api/alerts", 422, a="IND")


def test_api_network(client: TestClient) -> None:
    network = get(client, "/api/network", dyad="IND,PAK", limit=10)
    assert 0 < len(network["nodes"]) <= 10 and network["edges"]
    ids = {n["id"] for n in network["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in network["edges"])
    assert len(get(client, "/api/network", limit=3)["nodes"]) == 3
    error(client, "/api/network", 422, dyad="IND,IND")


# --------------------------------------------------------------------------- dashboard files


def test_api_serves_the_dashboard_and_plotly(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert "/static/plotly.min.js" in index.text
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and "javascript" in plotly.headers["content-type"]
    assert plotly.text.lstrip().startswith("/**")
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/nothing-here.js").status_code == 404


def test_api_outlines(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                      tmp_path: Path) -> None:
    outlines = client.get("/api/outlines")
    assert outlines.status_code == 200 and outlines.headers["content-type"] == (
        "application/json")
    assert outlines.json()
    monkeypatch.setattr(api, "OUTLINES", tmp_path / "outlines.json")
    assert "outlines" in error(client, "/api/outlines", 404)


def test_api_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/events", "/api/events?quad_class=9", "/static/nothing.js",
                 "/static/plotly.min.js"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["x-content-type-options"] == "nosniff"


def test_api_repeated_requests_get_the_same_answer(client: TestClient) -> None:
    first = client.get("/api/events", params={"dyad": "IND,PAK", "limit": 5})
    again = client.get("/api/events", params={"dyad": "IND,PAK", "limit": 5})
    assert first.content == again.content
    assert again.headers["content-type"] == "application/json"
    assert again.headers["content-security-policy"] == api.CONTENT_SECURITY_POLICY


# --------------------------------------------------------------------------- serve


runner = CliRunner()


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records run_server's arguments instead of serving."""
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(api, "run_server", lambda db, **kw: seen.append({"db": db, **kw}))
    monkeypatch.delenv("FLASHPOINT_TOKEN", raising=False)
    return seen


def test_cli_serve_binds_loopback_by_default(demo_db: Path, calls: list[dict[str, Any]]
                                             ) -> None:
    result = runner.invoke(cli_app, ["serve", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert calls == [{"db": str(demo_db), "host": "127.0.0.1", "port": 8000, "token": None}]


def test_cli_serve_options(demo_db: Path, calls: list[dict[str, Any]],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(cli_app, ["serve", "--db", str(demo_db), "--host", "0.0.0.0",
                                     "--port", "9001", "--token", "s3cret"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("FLASHPOINT_TOKEN", "from-env")
    assert runner.invoke(cli_app, ["serve", "--db", str(demo_db)]).exit_code == 0
    assert [(c["host"], c["port"], c["token"]) for c in calls] == [
        ("0.0.0.0", 9001, "s3cret"), ("127.0.0.1", 8000, "from-env")]


def test_cli_serve_refuses_a_missing_store(tmp_path: Path, calls: list[dict[str, Any]]
                                           ) -> None:
    result = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no store here" in result.output
    assert runner.invoke(cli_app, ["serve", "--port", "0"]).exit_code == 2
    assert calls == []


@pytest.fixture(scope="module")
def live(demo_db: Path) -> Iterator[tuple[str, Any]]:
    """`api.server` with its defaults, on a free port, in a thread: (base URL, server)."""
    server = api.server(_copy(demo_db, "live.duckdb"), port=0, token=TOKEN)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        yield f"http://{host}:{port}", server
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_api_server_binds_loopback_and_answers(live: tuple[str, Any]) -> None:
    base, server = live
    assert server.servers[0].sockets[0].getsockname()[0] == "127.0.0.1"
    response = httpx.get(f"{base}/api/events", params={"limit": 2})
    assert response.status_code == 200 and len(response.json()["items"]) == 2


def test_api_server_refuses_foreign_host_names(live: tuple[str, Any]) -> None:
    """A loopback server only answers to loopback names (no DNS rebinding)."""
    base, _ = live
    assert httpx.get(f"{base}/api/events", headers={"host": "evil.example"}
                     ).status_code == 400
    assert httpx.get(f"{base}/api/events", headers={"host": "localhost"}).status_code == 200


def test_api_server_under_concurrent_load_has_no_errors(live: tuple[str, Any]) -> None:
    """20 clients for 3 s over every read endpoint, plus one write in the middle."""
    base, _ = live
    paths = ["/api/events?limit=20", "/api/events?dyad=IND,PAK&quad_class=4",
             "/api/events?country=PAK&offset=5&order=oldest", "/api/events?located=true",
             "/api/events?actor=USAGOV&since=2025-09-01", "/api/articles?q=attack",
             "/api/actors?country=IND", "/api/quotes?limit=5", "/api/dyads",
             "/api/dyad?a=IND&b=PAK", "/api/dyad?a=IND&b=PAK&freq=W&since=2025-09-15",
             "/api/alerts", "/api/network?dyad=IND,PAK", "/api/outlines"]
    failures: list[str] = []
    done = [0]

    def reader(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            end = time.monotonic() + 3
            n = offset
            while time.monotonic() < end:
                path = paths[n % len(paths)]
                n += 1
                try:
                    status = http.get(path).status_code
                except httpx.HTTPError as err:
                    failures.append(f"{path}: {err!r}")
                    continue
                done[0] += 1
                if status != 200:
                    failures.append(f"{path}: {status}")

    def writer() -> None:
        time.sleep(0.5)
        article = {"title": "Border talks resume", "published": "2025-11-20",
                   "text": "India and Pakistan held talks in Geneva on Tuesday, officials "
                           "said, and agreed to meet again next month."}
        status = httpx.post(f"{base}/api/ingest", json=article, timeout=120,
                            headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        if status != 201:
            failures.append(f"ingest: {status}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(20)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert done[0] > 0
