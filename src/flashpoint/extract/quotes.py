"""Quotes: every direct quotation with its speaker resolved to an actor (ANNOTATION.md §7).

A quotation is text between matching quotation marks. Its speaker is found, in
order, from: the reporting clause after it ('"…," he said'; '"…" Biden said'),
the reporting clause before it ('Jaishankar said, "…"'; 'She said: "…"'), the
verb whose object or complement holds a partial quote ('condemned the "dangerous"
manoeuvres'), and finally the quote just before it, when a quotation continues a
statement over sentences or paragraphs. Nouns that stand for a statement ("the
statement said") resolve to whoever issued it earlier in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from flashpoint.extract.actors import ActorIndex
from flashpoint.model import ActorRef, Quote, stable_id
from flashpoint.nlp import text_of

_QUOTE = re.compile(r"[\"“”]([^\"“”]{2,}?)[\"“”]")
_REPORTING = {"say", "tell", "add", "write", "post", "tweet", "state", "declare", "insist",
              "warn", "note", "quote", "ask", "reply", "respond", "explain", "argue", "claim",
              "announce", "urge", "call", "describe", "accuse", "condemn", "hail", "vow",
              "stress", "caution", "continue", "conclude", "remark", "put", "report"}
_STATEMENT_NOUNS = {"statement", "report", "post", "readout", "communique", "tweet",
                    "message", "letter", "release"}
_SOCIAL = re.compile(r"\b(on X|post on|Twitter|Telegram|Facebook|Instagram|tweet|social media)",
                     re.I)
_STATE_MEDIA = re.compile(r"\b(state-run|state media|news agency|state television)\b", re.I)


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation found in the text, before its speaker is known."""

    text: str
    start: int  # offsets of the quoted text, without the marks
    end: int


def quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation between matching marks, curly or straight."""
    return [QuoteSpan(m.group(1), m.start(1), m.end(1)) for m in _QUOTE.finditer(text)
            if m.group(1).strip(" ,.")]


def quotes(doc: Doc, *, article_id: str, actors: ActorIndex) -> list[Quote]:
    """Find every direct quotation of a parsed article and resolve its speaker.

    Args:
        doc: the parsed article.
        article_id: id of the article, for quote ids.
        actors: the article's resolved actors.

    Returns:
        Quotes in text order; a quote whose speaker the text never names has
        ``speaker`` None.
    """
    finder = _SpeakerFinder(doc, actors)
    out: list[Quote] = []
    previous: Quote | None = None
    for span in quote_spans(text_of(doc)):
        speaker, channel = finder.speaker(span, previous)
        quote = Quote(quote_id=stable_id(article_id, span.start, span.end), article_id=article_id,
                      speaker=speaker, text=span.text, start=span.start, end=span.end,
                      direct=True, channel=channel)
        out.append(quote)
        previous = quote
    return out


class _SpeakerFinder:
    def __init__(self, doc: Doc, actors: ActorIndex) -> None:
        self.doc, self.actors = doc, actors
        self.issuers: list[tuple[int, ActorRef]] = []  # statements and who issued them
        self._collect_issuers()

    def _collect_issuers(self) -> None:
        """'A State Department statement by Spokesperson Tammy Bruce': who issued it."""
        for token in self.doc:
            if token.lemma_ not in _STATEMENT_NOUNS or token.lower_ in ("the",):
                continue
            if any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
                continue
            by = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "by"), None)
            pobj = next((c for c in by.children if c.dep_ == "pobj"), None) if by else None
            ref = self.actors.ref_at(pobj) if pobj is not None else None
            if ref is None:
                ref = next((self.actors.ref_at(c) for c in token.children
                            if c.dep_ in ("compound", "poss") and self.actors.ref_at(c)), None)
            if ref is None:
                ref = next((self.actors.ref_at(t) for t in token.subtree
                            if t.i < token.i and self.actors.ref_at(t)), None)
            if ref is not None:
                self.issuers.append((token.i, ref))

    def speaker(self, span: QuoteSpan,
                previous: Quote | None) -> tuple[ActorRef | None, str | None]:
        inside = self.doc.char_span(span.start, span.end, alignment_mode="expand")
        if inside is None:
            return None, None
        for finder in (self._after, self._before, self._governing):
            verb = finder(inside)
            if verb is not None:
                ref = self._subject(verb, inside)
                if ref is not None:
                    return ref, _channel(verb.sent)
        if previous is not None and previous.speaker is not None and \
                self._continues(previous, inside):
            return previous.speaker, previous.channel
        return None, None

    def _after(self, inside: Span) -> Token | None:
        """'"…," he said' — a reporting verb right after the closing mark."""
        doc = self.doc
        if inside.text.rstrip().endswith((".", "!", "?")) and inside.end < len(doc) and (
            doc[inside.end].is_sent_start or any(t.is_sent_start for t in doc[inside.end:
                                                                             inside.end + 3])
        ):
            return None  # a full sentence in quotes, then a new sentence
        i = inside.end
        while i < len(doc) and (doc[i].is_space or doc[i].text in ",\"“”'’"):
            i += 1
        if i < len(doc) and doc[i].text in ".!?;":
            return None  # the sentence ends with the quote: no attribution after it
        window = doc[i:min(i + 14, len(doc))]
        for t in window:
            if t.is_punct and t.text in ".!?\"“”" and t.i > i:
                break
            if t.lemma_ in _REPORTING and t.pos_ in ("VERB", "AUX", "NOUN"):
                return t
        return None

    def _before(self, inside: Span) -> Token | None:
        """'X said, "…"' and 'X said: "…"' — a reporting verb just before the opening mark."""
        doc = self.doc
        mark = text_of(doc)[:inside.start_char].rstrip()[:-1].rstrip()
        if not mark.endswith((",", ":")) and mark.split()[-1:] not in (["said"], ["says"],
                                                                       ["wrote"], ["added"]):
            return None
        i = inside.start - 1
        while i >= 0 and (doc[i].is_punct or doc[i].is_space):
            if doc[i].text in ".!?" and doc[i].i < inside.start - 1:
                return None
            i -= 1
        for t in reversed(doc[max(0, i - 3):i + 1]):
            if t.lemma_ in _REPORTING and t.pos_ in ("VERB", "AUX"):
                return t
        return None

    def _governing(self, inside: Span) -> Token | None:
        """A partial quote inside a clause: the reporting verb above it, else the
        nearest verb with a subject ('condemned the "dangerous" actions')."""
        node = inside.root
        nearest: Token | None = None
        highest: Token | None = None
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if inside.start <= node.i < inside.end or node.pos_ not in ("VERB", "AUX"):
                continue
            if not any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                continue
            if node.lemma_ in _REPORTING:
                highest = node
            nearest = nearest or node
        return highest or nearest

    def _subject(self, verb: Token, inside: Span) -> ActorRef | None:
        node = verb
        for _ in range(4):
            subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")
                         and not (inside.start <= c.i < inside.end)), None)
            if subj is not None:
                return self._resolve(subj)
            if node.dep_ in ("conj", "xcomp", "advcl", "ccomp") and node.head.i != node.i:
                node = node.head
            else:
                break
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return self._resolve(pobj)
        return None

    def _resolve(self, token: Token) -> ActorRef | None:
        ref = self.actors.ref_at(token)
        if ref is not None:
            return ref
        if token.lemma_ in _STATEMENT_NOUNS:
            issued = [r for i, r in self.issuers if i < token.i]
            if issued:
                return issued[-1]
            # 'the statement by X', 'a post by X'
        for child in token.subtree:
            ref = self.actors.ref_at(child)
            if ref is not None:
                return ref
        return None

    def _continues(self, previous: Quote, inside: Span) -> bool:
        """A quote with no attribution of its own that follows another closely, with
        no one else speaking in between."""
        if previous.speaker is None or inside.start_char - previous.end > 400:
            return False
        gap = self.doc.char_span(previous.end, inside.start_char, alignment_mode="expand") or []
        others = {ref.name for t in gap if t.dep_ in ("nsubj", "nsubjpass")
                  for ref in [self.actors.ref_at(t)] if ref is not None}
        return others <= {previous.speaker.name}


def _channel(sent: Span) -> str:
    if _SOCIAL.search(sent.text):
        return "social-media post"
    if _STATE_MEDIA.search(sent.text):
        return "state media"
    return "statement"


def speaker_lookup(doc: Doc, found: list[Quote]) -> dict[int, ActorRef]:
    """Token index → speaker, for every token inside a quotation with a known speaker."""
    out: dict[int, ActorRef] = {}
    for q in found:
        if q.speaker is None:
            continue
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                out[t.i] = q.speaker
    return out
