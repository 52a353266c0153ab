"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import pytest
from spacy.language import Language

import flashpoint.nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The shared English pipeline, loaded once per test session."""
    return flashpoint.nlp.load()
