"""Flashpoint: news articles in, coded event data out.

    >>> import flashpoint
    >>> result = flashpoint.extract(text, published="2025-05-09", title="…")
    >>> result.events[0].cameo

``flashpoint.extract`` is the function; the modules behind it stay importable as
``flashpoint.extract.events`` and so on.
"""

from __future__ import annotations

from flashpoint.eval import evaluate
from flashpoint.extract import extract
from flashpoint.model import Actor, ActorRef, Article, ArticleResult, Event, Quote

__version__ = "0.1.0"
__all__ = ["extract", "evaluate", "Actor", "ActorRef", "Article", "ArticleResult", "Event",
           "Quote", "__version__"]
