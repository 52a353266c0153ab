"""The REST API's defences: write tokens, body limits, SQL injection, paths and headers."""

from __future__ import annotations

import http.client
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flashpoint import api
from flashpoint.api import create_app
from flashpoint.demo import build

TOKEN = "right-token"
MAX_BODY = 20_000
ARTICLE = {"title": "Envoys meet in Doha", "published": "2025-11-03", "outlet": "Test Wire",
           "text": "Pakistan's foreign minister met India's envoy in Doha on Monday, the "
                   "ministry said. Both sides agreed to hold further talks on the border."}

INJECTIONS = ["' OR 1=1 --", "IND'); DROP TABLE events; --",
              "%' UNION SELECT * FROM articles --", '" OR ""="', "1; DELETE FROM quotes",
              "IND,PAK' OR 'a'='a"]

# Every query parameter of every read endpoint, with the other parameters it needs.
PARAMETERS: list[tuple[str, dict[str, Any], str]] = [
    *(("/api/events", {}, name) for name in (
        "actor", "country", "dyad", "directed", "code", "root", "quad_class", "since",
        "until", "place", "negated", "min_articles", "located", "limit", "offset", "order")),
    *(("/api/articles", {}, name) for name in ("q", "outlet", "since", "until", "limit",
                                               "offset")),
    *(("/api/actors", {}, name) for name in ("q", "country", "limit", "offset")),
    *(("/api/quotes", {}, name) for name in ("speaker", "q", "article_id", "limit", "offset")),
    *(("/api/dyads", {}, name) for name in ("limit", "since", "until")),
    *(("/api/dyad", {"a": "IND", "b": "PAK"}, name) for name in (
        "a", "b", "since", "until", "directed", "freq")),
    *(("/api/alerts", {"a": "IND", "b": "PAK"}, name) for name in (
        "a", "b", "since", "until", "limit", "offset")),
    *(("/api/alerts", {}, name) for name in ("dyads",)),
    *(("/api/network", {}, name) for name in ("dyad", "since", "until", "limit")),
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("api-security") / "demo.duckdb"
    build(db, progress=False)
    return db


def _open(demo_db: Path, name: str, **options: Any) -> TestClient:
    db = demo_db.with_name(name)
    shutil.copy(demo_db, db)
    return TestClient(create_app(db, max_body=MAX_BODY, **options))


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    with _open(demo_db, "secured.duckdb", token=TOKEN) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def table_counts(client: TestClient) -> dict[str, int]:
    return client.app.state.flashpoint.store.counts()  # type: ignore[attr-defined, no-any-return]


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("headers", [
    {}, bearer("wrong-token"), bearer(""), bearer(TOKEN + "x"), bearer(TOKEN[:-1]),
    {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN},
])
def test_api_security_write_needs_the_token(client: TestClient, headers: dict[str, str]
                                            ) -> None:
    before = table_counts(client)
    response = client.post("/api/ingest", json=ARTICLE, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]
    assert table_counts(client) == before


def test_api_security_server_without_token_refuses_every_write(demo_db: Path) -> None:
    with _open(demo_db, "tokenless.duckdb", token=None) as tokenless:
        for headers in ({}, bearer(""), bearer("anything")):
            response = tokenless.post("/api/ingest", json=ARTICLE, headers=headers)
            assert response.status_code == 401
            assert "without a token" in response.json()["detail"]


def test_api_security_ingest_with_the_token_adds_events(client: TestClient) -> None:
    events_before = client.get("/api/events").json()["total"]
    response = client.post("/api/ingest", json=ARTICLE, headers=bearer(TOKEN))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["summary"]["ingested"] == 1 and len(body["articles"]) == 1
    assert body["events"] and body["reports"]
    assert client.get("/api/events").json()["total"] > events_before  # no stale cache
    event = client.get(f"/api/events/{body['events'][0]}").json()
    assert event["reports"][0]["article_id"] == body["articles"][0]
    article = client.get(f"/api/articles/{body['articles'][0]}").json()
    assert article["outlet"] == ARTICLE["outlet"] and article["published"] == "2025-11-03"
    again = client.post("/api/ingest", json=ARTICLE, headers=bearer(TOKEN))
    assert again.status_code == 200
    assert again.json()["summary"]["exists"] == 1 and again.json()["events"] == []


def test_api_security_ingest_fetches_a_url(client: TestClient, http_site: Any) -> None:
    base, folder = http_site
    (folder / "story.txt").write_text(
        "Delegations meet at Wagah\nIndian and Pakistani border commanders met at Wagah on "
        "Friday and agreed to reopen the crossing, officials said.", encoding="utf-8")
    response = client.post("/api/ingest", json={"url": f"{base}/story.txt",
                                                "published": "2025-11-07"},
                           headers=bearer(TOKEN))
    assert response.status_code == 201, response.text
    assert response.json()["summary"]["ingested"] == 1


@pytest.mark.parametrize(("body", "named"), [
    ({}, '"text"'),
    ({"url": "/etc/passwd"}, "not an http(s) URL"),
    ({"url": "file:///etc/passwd"}, "not an http(s) URL"),
    ({"text": ""}, "empty text"),
    ({"text": "\x00\x01\x02" * 20}, "binary"),
    ({"text": ARTICLE["text"], "published": "yesterday"}, "'published'"),
    ({"text": ARTICLE["text"], "sql": "DROP TABLE events"}, "'sql'"),
    ({"text": ["not", "a", "string"]}, "'text'"),
])
def test_api_security_ingest_bad_body_is_named(client: TestClient, body: dict[str, Any],
                                               named: str) -> None:
    before = table_counts(client)
    response = client.post("/api/ingest", json=body, headers=bearer(TOKEN))
    assert response.status_code == 422, response.text
    assert named in response.json()["detail"]
    assert table_counts(client) == before


def test_api_security_ingest_unreachable_url_is_422(client: TestClient,
                                                    closed_port_url: str) -> None:
    response = client.post("/api/ingest", json={"url": closed_port_url},
                           headers=bearer(TOKEN))
    assert response.status_code == 422 and "could not fetch" in response.json()["detail"]


def test_api_security_ingest_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/ingest", content=b'{"text": "unterminated',
                           headers={**bearer(TOKEN), "Content-Type": "application/json"})
    assert response.status_code == 422 and "body" in response.json()["detail"]


# --------------------------------------------------------------------------- body size


def test_api_security_body_over_limit_by_content_length_is_413(client: TestClient) -> None:
    before = table_counts(client)
    big = {**ARTICLE, "text": ARTICLE["text"] + " More talks." * 5_000}
    response = client.post("/api/ingest", json=big, headers=bearer(TOKEN))
    assert response.status_code == 413
    assert str(MAX_BODY) in response.json()["detail"]
    assert table_counts(client) == before


def test_api_security_chunked_body_over_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1_000
        yield b'"}'

    response = client.post("/api/ingest", content=chunks(),
                           headers={**bearer(TOKEN), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"] == f"request body is over the limit of {MAX_BODY} bytes"


def test_api_security_bad_content_length_is_400(client: TestClient) -> None:
    response = client.post("/api/ingest", content=b"{}",
                           headers={**bearer(TOKEN), "Content-Length": "12abc"})
    assert response.status_code == 400


@pytest.fixture(scope="module")
def live_port(demo_db: Path) -> Iterator[int]:
    db = demo_db.with_name("live.duckdb")
    shutil.copy(demo_db, db)
    server = api.server(db, port=0, token=TOKEN, max_body=MAX_BODY)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_api_security_chunked_body_over_a_socket_is_413(live_port: int) -> None:
    """Real Transfer-Encoding: chunked, without Content-Length, to a running server."""
    connection = http.client.HTTPConnection("127.0.0.1", live_port, timeout=30)
    try:
        connection.putrequest("POST", "/api/ingest")
        connection.putheader("Authorization", f"Bearer {TOKEN}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for _ in range(MAX_BODY // 1_000 + 5):
            connection.send(b"3e8\r\n" + b"x" * 1_000 + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        assert response.status == 413
        assert response.read() == (b'{"detail":"request body is over the limit of '
                                   + str(MAX_BODY).encode() + b' bytes"}')
    finally:
        connection.close()


# --------------------------------------------------------------------------- SQL injection


def _size(body: dict[str, Any]) -> int:
    """How many rows an answer holds: a list's total, or the rows of a report/network."""
    if "total" in body:
        return int(body["total"])
    if "nodes" in body:
        return len(body["nodes"])
    return sum(len(v) for v in body.values() if isinstance(v, list))


@pytest.mark.parametrize("injection", INJECTIONS)
@pytest.mark.parametrize(("path", "base", "name"), PARAMETERS,
                         ids=[f"{p}?{n}" for p, _, n in PARAMETERS])
def test_api_security_sql_injection_in_every_parameter(client: TestClient, path: str,
                                                       base: dict[str, Any], name: str,
                                                       injection: str) -> None:
    """Refused (4xx, naming the input) or taken literally: no stored value contains
    these strings, so an answer must be empty (and never larger than no filter)."""
    before = table_counts(client)
    unfiltered = client.get(path, params=base)
    assert unfiltered.status_code == 200 and _size(unfiltered.json()) > 0
    response = client.get(path, params={**base, name: injection})
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        assert _size(response.json()) == 0
    else:
        assert 400 <= response.status_code < 500 and response.json()["detail"]
    assert table_counts(client) == before


@pytest.mark.parametrize("injection", INJECTIONS)
@pytest.mark.parametrize("path", ["/api/articles/", "/api/events/"])
def test_api_security_sql_injection_in_paths(client: TestClient, path: str,
                                             injection: str) -> None:
    before = table_counts(client)
    response = client.get(path + injection)
    assert 400 <= response.status_code < 500
    assert table_counts(client) == before


# --------------------------------------------------------------------------- files, hosts


@pytest.mark.parametrize("path", ["/static/../api.py", "/static/%2e%2e/api.py",
                                  "/static/..%2fapi.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
                                  "/static//etc/passwd"])
def test_api_security_static_files_stay_in_the_web_folder(client: TestClient,
                                                          path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "def create_app" not in response.text


def test_api_security_host_names_are_checked_when_asked(demo_db: Path) -> None:
    with _open(demo_db, "hosts.duckdb", allowed_hosts=["127.0.0.1", "localhost"]) as local:
        assert local.get("/api/dyads", headers={"host": "attacker.example"}).status_code == 400
        assert local.get("/api/dyads", headers={"host": "localhost:8000"}).status_code == 200


def test_api_security_headers_on_errors(client: TestClient) -> None:
    for response in (client.post("/api/ingest", json=ARTICLE),
                     client.get("/api/events", params={"quad_class": "x"}),
                     client.get("/nowhere")):
        assert response.status_code in (401, 404, 422)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-type"] == "application/json"
