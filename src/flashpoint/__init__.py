"""Flashpoint: news articles in, coded event data out.

    >>> import flashpoint
    >>> result = flashpoint.extract(text, published="2025-05-09", title="…")
    >>> result.events[0].cameo

``flashpoint.extract`` is the function; the modules behind it stay importable as
``flashpoint.extract.events`` and so on. In the same way ``flashpoint.ingest`` is
the corpus function (:func:`flashpoint.pipeline.ingest`) while the readers stay
importable from ``flashpoint.ingest.sources`` and friends:

    >>> report = flashpoint.ingest(["articles/"], db="flashpoint.duckdb")
    >>> flashpoint.Store("flashpoint.duckdb").events(dyad=("IND", "PAK"))
"""

from __future__ import annotations

from flashpoint.eval import evaluate
from flashpoint.extract import extract
from flashpoint.model import Actor, ActorRef, Article, ArticleResult, Event, Quote

__version__ = "0.1.0"
__all__ = ["extract", "evaluate", "ingest", "Store", "Actor", "ActorRef", "Article",
           "ArticleResult", "Event", "Quote", "__version__"]


def ingest(inputs, **options):  # type: ignore[no-untyped-def]
    """Ingest paths, folders, URLs and feeds into a store; see :func:`flashpoint.pipeline.ingest`.

    Returns:
        The run's :class:`flashpoint.pipeline.IngestReport`.
    """
    from flashpoint.pipeline import ingest as run

    return run(inputs, **options)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # The store pulls in DuckDB, pandas and pyarrow: load it only when asked for.
    if name == "Store":
        from flashpoint.store import Store

        return Store
    raise AttributeError(f"module 'flashpoint' has no attribute {name!r}")
