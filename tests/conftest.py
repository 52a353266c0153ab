"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import pytest
from spacy.language import Language

import flashpoint.nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The shared English pipeline, loaded once per test session."""
    return flashpoint.nlp.load()


@pytest.fixture()
def http_site(tmp_path):
    """A folder served over HTTP on a free loopback port: ``(base_url, folder)``."""
    import functools
    import http.server
    import threading

    folder = tmp_path / "site"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".rss": "application/rss+xml", ".atom": "application/atom+xml"}

        def log_message(self, *args):  # keep test output clean
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def closed_port_url():
    """A URL on a loopback port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/story.html"
