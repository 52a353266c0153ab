"""Extraction: from one article to its actors, events and quotes.

``extract_article`` is a pure function of the article and the loaded resources
(spaCy pipeline, knowledge base, gazetteer), so the same call runs in a loop, a
process pool or on Dask workers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from spacy.tokens import Doc

from flashpoint import nlp
from flashpoint.errors import BadInput
from flashpoint.extract.actors import ActorIndex, resolve_actors
from flashpoint.extract.events import events
from flashpoint.extract.places import find_dateline
from flashpoint.extract.quotes import quotes, speaker_lookup
from flashpoint.ingest import check_text, parse_published
from flashpoint.model import Article, ArticleResult

# What follows a dateline's place: ", Nov 24", " (Reuters)", " -", ":".
_DATELINE_TAIL = re.compile(r"(?:,?\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*(?:\([^)]{1,40}\))?"
                            r"\s*[-–—:,]*\s*")

__all__ = ["extract", "extract_article", "extract_doc", "extract_many", "resolve_actors",
           "events", "quotes"]


def extract(text: str, *, published: str | date | None = None, title: str = "",
            id: str | None = None) -> ArticleResult:
    """Extract actors, events and quotes from one article.

    Args:
        text: the article body (the first line is not taken as a title).
        published: publication date (``YYYY-MM-DD`` or a date); dates resolve against it.
        title: the headline, coded too.
        id: the caller's id for the article.

    Returns:
        The article's :class:`ArticleResult`.

    Raises:
        BadInput: empty, binary, oversized or non-English text.
    """
    pub = published.isoformat() if isinstance(published, date) else published
    article = Article(text=text, title=title, id=id,
                      published=parse_published(pub, id or "text"))
    check_text(article.full_text, id or "text")
    return extract_article(article)


def extract_article(article: Article) -> ArticleResult:
    """Extract from an :class:`Article` (parsing it with the shared pipeline)."""
    return extract_doc(article, nlp.parse(parse_text(article)))


def _dateline_span(article: Article) -> tuple[int, int] | None:
    """Character span of the dateline within ``article.full_text``."""
    dateline = find_dateline(article.text)
    if dateline is None:
        return None
    offset = len(article.title) + 1 if article.title else 0
    return dateline.start + offset, dateline.end + offset


def parse_text(article: Article) -> str:
    """The text handed to the parser: the full text with the dateline blanked out.

    'CAIRO (Wire) - Sudan's army signed …' parses with CAIRO as the subject; blanking
    the dateline (same length, so every offset still points into the article) lets
    the parser see the sentence as written.
    """
    text = article.full_text
    span = _dateline_span(article)
    if span is None:
        return text
    start, end = span
    end += len(_DATELINE_TAIL.match(text, end).group(0))  # type: ignore[union-attr]
    return text[:start] + " " * (end - start) + text[end:]


def extract_doc(article: Article, doc: Doc) -> ArticleResult:
    """Extract from an article already parsed (``doc`` is of ``article.full_text``)."""
    article_id = article.article_id
    published = article.published_date
    dateline_span = _dateline_span(article)
    actors: ActorIndex = resolve_actors(doc, published=published, dateline=dateline_span)
    found_quotes = quotes(doc, article_id=article_id, actors=actors)
    speakers = speaker_lookup(doc, found_quotes)
    found_events = events(doc, article_id=article_id, actors=actors, published=published,
                          dateline=dateline_span, quote_speaker=lambda t: speakers.get(t.i),
                          title_end=len(article.title) + 1 if article.title else 0)
    return ArticleResult(id=article.id, article_id=article_id, actors=actors.actors(),
                         events=found_events, quotes=found_quotes)


def extract_many(articles: Iterable[Article | BadInput], *,
                 batch_size: int = 16) -> Iterator[ArticleResult | BadInput]:
    """Extract from many articles, parsing them in batches; failures pass through.

    Each article yields its result, or a :class:`BadInput` naming it, in input order.
    """
    def texts() -> Iterator[tuple[str, Article | BadInput]]:
        for item in articles:
            if isinstance(item, BadInput):
                yield "", item
                continue
            try:
                check_text(item.full_text, item.id or "article")
            except BadInput as err:
                yield "", err
                continue
            yield parse_text(item), item

    for doc, item in nlp.parse_many(texts(), batch_size=batch_size):
        if isinstance(item, BadInput):
            yield item
            continue
        try:
            yield extract_doc(item, doc)
        except BadInput as err:
            yield err
        except Exception as err:  # noqa: BLE001 - one article's failure must not stop a batch
            yield BadInput(item.id or "article", f"extraction failed ({type(err).__name__}: {err})")
