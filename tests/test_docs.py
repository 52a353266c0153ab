"""The README documents every command and every field of the event record."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
import typer.main

from flashpoint.cli import app
from flashpoint.model import Event

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
EVENT_FIELDS = [f.name for f in fields(Event)]


def readme() -> str:
    assert README.is_file(), f"{README} is missing"
    return README.read_text(encoding="utf-8")


def test_docs_commands_found() -> None:
    assert {"extract", "eval"} <= set(COMMANDS)


@pytest.mark.parametrize(("text", "expected"), [(c, f"flashpoint {c}") for c in COMMANDS])
def test_docs_readme_mentions_command(text: str, expected: str) -> None:
    assert re.search(rf"\b{re.escape(expected)}\b", readme()), f"`{expected}` not in README"


@pytest.mark.parametrize(("text", "expected"), [(f, f"`{f}`") for f in EVENT_FIELDS])
def test_docs_readme_documents_event_field(text: str, expected: str) -> None:
    assert expected in readme(), f"Event field {text!r} is not documented in README"
