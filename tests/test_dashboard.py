"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against the
real app (``flashpoint.api.server``) on a free loopback port over the demo store plus one
article full of hostile markup.

Every request the page makes to anything but the loopback server is refused and
recorded, and each test ends by checking that there was none: the dashboard works
offline (no CDN, no map tiles, no web fonts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

import flashpoint
from flashpoint import demo
from flashpoint.api import server as api_server
from flashpoint.model import Article

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
READY = "#dashboard[data-state=ready]"

SCRIPT_TAG = "<script>window.__xss=1</script>"
IMG_TAG = '<img src=x onerror="window.__xss=1">'
HOSTILE_ARTICLE = Article(
    id="hostile-markup",
    title="Pakistan accuses India of <b>shelling</b> villages",
    outlet="Test <i>Wire</i>",
    url="javascript:window.__xss=1",
    published="2025-11-19",
    text=("ISLAMABAD (Wire) - Pakistan accused India on Monday of shelling three villages "
          "near the Line of Control, killing four civilians, the military said.\n"
          f"A post shared online read {SCRIPT_TAG} and {IMG_TAG} before it was removed.\n"
          '"We will respond to any aggression," Pakistan\'s army chief Asim Munir said.'),
)


# --------------------------------------------------------------------------- server


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, plus the hostile article ingested through the same pipeline."""
    db = tmp_path_factory.mktemp("dashboard") / "dashboard.duckdb"
    demo.build(db, progress=False)
    report = flashpoint.ingest([HOSTILE_ARTICLE], db=db)
    assert report.ingested == 1, report.skipped
    return db


@pytest.fixture(scope="module")
def base_url(store_file: Path) -> Iterator[str]:
    """The real app, served by uvicorn in a background thread on a free loopback port."""
    server = api_server(store_file, host="127.0.0.1", port=0, token="dashboard-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting; see the log above"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.fixture(scope="module")
def api(base_url: str) -> Iterator[httpx.Client]:
    """A client of the same server, to learn what the page ought to show."""
    with httpx.Client(base_url=base_url) as client:
        yield client


# --------------------------------------------------------------------------- browser


@dataclass
class PageLog:
    """What the page did besides rendering: console errors, uncaught exceptions,
    dialogs (alert/confirm/prompt) and requests to anywhere but the loopback server."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium; "
                    "install it with `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[tuple[Any, PageLog]]:
    """A fresh page whose non-loopback requests are refused and recorded."""
    log = PageLog()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def only_loopback(route: Any) -> None:
        if urlparse(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            log.external.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    tab = context.new_page()
    tab.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda err: log.page_errors.append(str(err)))

    def dismiss(dialog: Any) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    yield tab, log
    context.close()
    assert log.external == [], f"the page tried to reach the network: {log.external}"


def open_dashboard(tab: Any, url: str) -> None:
    tab.goto(url)
    tab.wait_for_selector(READY)


def show_pair(tab: Any, value: str) -> None:
    """Choose a pair in the picker and wait until every panel has drawn it."""
    tab.select_option("#dyad-picker", value)
    tab.wait_for_selector(f'{READY}[data-dyad="{value}"]')


def india_pakistan(api: httpx.Client) -> str:
    pairs = api.get("/api/dyads", params={"limit": 50}).json()["items"]
    pair = next(p for p in pairs if {p["a"], p["b"]} == {"IND", "PAK"})
    return f"{pair['a']},{pair['b']}"


# --------------------------------------------------------------------------- tests


def test_dashboard_loads_top_pair_without_errors(page: tuple[Any, PageLog], base_url: str,
                                                 api: httpx.Client) -> None:
    tab, log = page
    open_dashboard(tab, base_url + "/")
    top = api.get("/api/dyads", params={"limit": 50}).json()["items"][0]
    assert tab.input_value("#dyad-picker") == f"{top['a']},{top['b']}"
    assert tab.get_attribute("#dashboard", "data-dyad") == f"{top['a']},{top['b']}"
    assert log.console_errors == []
    assert log.page_errors == []


def test_dashboard_draws_india_pakistan(page: tuple[Any, PageLog], base_url: str,
                                        api: httpx.Client) -> None:
    tab, log = page
    open_dashboard(tab, base_url + "/")
    pair = india_pakistan(api)
    show_pair(tab, pair)

    assert tab.locator("#timeline .main-svg").count() > 0
    assert tab.locator("#timeline .barlayer .trace").count() == 4  # one per quad class
    assert tab.locator("#timeline .scatterlayer .trace").count() >= 1  # the index line

    located = api.get("/api/events", params={"dyad": pair, "located": "true",
                                             "limit": 500}).json()["items"]
    places = {(e["quad_class"], e["location_lat"], e["location_lon"]) for e in located}
    assert places, "the corpus should hold located India-Pakistan events"
    assert tab.locator("#map .scatterlayer .trace .point").count() == len(places)

    network = api.get("/api/network", params={"dyad": pair}).json()
    node_markers = tab.locator("#network .scatterlayer .trace").nth(-2).locator(".point")
    assert node_markers.count() == len(network["nodes"])
    assert tab.locator("#network .scatterlayer .trace path.js-line").count() >= 1

    events = api.get("/api/events", params={"dyad": pair, "limit": 25}).json()
    rows = tab.locator("#events-table tbody tr")
    assert rows.count() == len(events["items"])
    assert tab.inner_text("#page-info").endswith(f"of {events['total']}")
    assert tab.locator("#mediators li").count() >= 1
    assert log.page_errors == []


def test_dashboard_picker_accepts_typed_codes(page: tuple[Any, PageLog], base_url: str,
                                              api: httpx.Client) -> None:
    tab, _ = page
    open_dashboard(tab, base_url + "/")
    tab.fill("#dyad-a", "pak")
    tab.fill("#dyad-b", "ind")
    tab.click("#apply")
    tab.wait_for_selector(f'{READY}[data-dyad="PAK,IND"]')
    assert tab.input_value("#dyad-picker") == india_pakistan(api)
    assert "dyad=PAK%2CIND" in tab.url


def _event_with_quotes(api: httpx.Client, pair: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event on the first page of the table whose (corpus) article has quotes, and
    the article."""
    for event in api.get("/api/events", params={"dyad": pair, "limit": 25}).json()["items"]:
        article = api.get(f"/api/articles/{event['first_article_id']}").json()
        own = next(e for e in article["events"] if e["canonical_id"] == event["canonical_id"])
        if (article["quotes"] and own["evidence"]["field"] == "text"
                and article["id"] != HOSTILE_ARTICLE.id):
            return event, article
    raise AssertionError(f"no {pair} event of the first page has an article with quotes")


def test_dashboard_row_opens_article_with_evidence_and_quotes(
        page: tuple[Any, PageLog], base_url: str, api: httpx.Client) -> None:
    tab, log = page
    open_dashboard(tab, base_url + "/")
    pair = india_pakistan(api)
    show_pair(tab, pair)
    event, article = _event_with_quotes(api, pair)
    own = next(e for e in article["events"] if e["canonical_id"] == event["canonical_id"])

    tab.click(f'#events-table tbody tr[data-canonical-id="{event["canonical_id"]}"]')
    tab.wait_for_selector("#article-panel[data-state=ready]")

    assert tab.inner_text("#article-title") == article["title"]
    marks = tab.locator("#article-text mark.evidence")
    assert marks.count() == 1
    assert marks.inner_text() == own["evidence"]["text"]
    assert tab.inner_text("#article-text") == article["text"]
    quotes = tab.locator("#article-quotes li")
    assert quotes.count() == len(article["quotes"])
    for item, quote in zip(quotes.all(), article["quotes"], strict=True):
        assert quote["text"] in item.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert log.page_errors == []


def test_dashboard_shows_hostile_markup_as_text(page: tuple[Any, PageLog], base_url: str,
                                                api: httpx.Client) -> None:
    tab, log = page
    found = api.get("/api/articles", params={"q": "window.__xss"}).json()["items"]
    article_id = found[0]["article_id"]
    article = api.get(f"/api/articles/{article_id}").json()
    event = article["events"][0]
    day = event["date"]
    open_dashboard(tab, f"{base_url}/#dyad=IND,PAK&since={day}&until={day}")

    tab.click(f'#events-table tbody tr[data-canonical-id="{event["canonical_id"]}"]')
    tab.wait_for_selector("#article-panel[data-state=ready]")

    text = tab.inner_text("#article-text")
    assert SCRIPT_TAG in text and IMG_TAG in text
    assert tab.inner_text("#article-title") == HOSTILE_ARTICLE.title
    assert "Test <i>Wire</i>" in tab.inner_text("#article-meta")
    assert tab.locator("#article-panel script, #article-panel img, #article-panel b, "
                       "#article-meta a").count() == 0
    assert tab.evaluate("typeof window.__xss") == "undefined"
    assert log.dialogs == []
    assert log.page_errors == []


def test_dashboard_reports_api_errors_in_the_page(page: tuple[Any, PageLog],
                                                  base_url: str) -> None:
    tab, _ = page
    tab.goto(f"{base_url}/#dyad=IND,PAK&since=2025-02-30")
    tab.wait_for_selector("#dashboard[data-state=error]")
    message = tab.inner_text("#status .message.error")
    assert "since" in message and "HTTP 422" in message
    assert "since" in tab.inner_text("#timeline .panel-note.error")
