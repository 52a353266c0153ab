"""Quotes: every direct quotation with its speaker resolved to an actor (ANNOTATION.md §7).

A quotation is text between matching quotation marks. Its speaker is found, in
order, from: the reporting clause after it ('"…," he said'; '"…" Biden said'; only
when nothing but its subject stands between, so '"…", while Redwan said' is not
Redwan's), the reporting clause before it ('Jaishankar said, "…"'; 'She said: "…"'),
the verb above a partial quote (the nearest verb of saying with a speaker of its own,
else the nearest verbal act: 'condemned the "dangerous" manoeuvres'), the quote just
before it, when a quotation continues a statement over sentences or paragraphs, and
the sentence just before a quotation standing alone, when that sentence reports what
someone said. A verb the parser left without a subject takes the actor named right
before it; a person joined by 'and' right before the verb wins over a non-person
subject the parser gave it. Nouns that stand for a statement ("the statement said")
resolve to whoever issued the last one of that kind earlier in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from flashpoint.extract.actors import ActorIndex
from flashpoint.model import ActorRef, Quote, stable_id
from flashpoint.nlp import text_of

_QUOTE = re.compile(r"[\"“”]([^\"“”]{2,}?)[\"“”]")
# Verbs of saying: whoever does one is the speaker of what it reports.
_SPEECH = {"say", "tell", "add", "write", "post", "tweet", "state", "declare", "insist",
           "warn", "note", "quote", "ask", "reply", "explain", "argue", "claim", "announce",
           "stress", "caution", "continue", "conclude", "remark", "report", "acknowledge",
           "admit", "confirm", "allege", "assert", "reiterate", "emphasise", "emphasize",
           "underline", "complain", "counter", "retort", "recall"}
# Acts done in words that may carry a partial quote ('condemned the "reckless" move'),
# but may also be what a speaker reports someone else did or will do.
_VERBAL_ACTS = {"respond", "urge", "call", "describe", "accuse", "condemn", "hail", "vow", "put",
                "deny", "reject", "dismiss", "welcome", "praise", "criticise", "criticize",
                "denounce", "decry", "blame", "brand", "label", "term", "pledge", "promise",
                "threaten", "demand", "appeal"}
_REPORTING = _SPEECH | _VERBAL_ACTS
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
            if ref is None:
                ref = self._issuing_subject(token)
            if ref is not None:
                self.issuers.append((token.i, ref))

    def _issuing_subject(self, statement: Token) -> ActorRef | None:
        """'The Pentagon issued a statement', 'the ministry said in a statement': the
        subject of the verb the statement is the object of, or the means of."""
        verb = statement.head
        if statement.dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head
        elif statement.dep_ != "dobj":
            return None
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return self.actors.ref_at(subject) if subject is not None and verb.pos_ == "VERB" \
            else None

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
        verb = self._reported_before(inside)
        if verb is not None:
            return self._subject(verb, inside), _channel(verb.sent)
        return None, None

    def _reported_before(self, inside: Span) -> Token | None:
        """A quotation standing alone as a sentence right after a sentence that reports
        what someone said ('Guterres said the talks were useful. "This is a step."'):
        that sentence's verb of saying, when its subject is an actor."""
        sent = inside.sent
        opening = [t for t in self.doc[sent.start:inside.start] if not (t.is_punct or t.is_space)]
        if opening or sent.start == 0 or any(
                t.lemma_ in _REPORTING and t.pos_ == "VERB" for t in sent
                if not inside.start <= t.i < inside.end):
            return None  # not alone: '"…," said a resident' names someone else
        before = self.doc[sent.start - 1].sent
        if any(t.text in "\"“”" for t in before):
            return None  # a quote of its own there: the continuation rule decides
        verb = before.root
        if verb.lemma_ not in _SPEECH or not _has_subject(verb):
            return None
        return verb if self._subject(verb, inside) is not None else None

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
                return t if _only_subject_between(doc[i:t.i], t) else None
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
        """A partial quote inside a clause: the nearest verb of saying above it with a
        speaker of its own ('X said Y would respond "when we choose"' quotes X; in 'X
        said Y had acted "in self-defence"' the nearest is X's), else the nearest
        verbal act ('condemned the "reckless" move'), else the nearest verb with a
        subject, else a reporting verb that shares the subject of the clause it joins."""
        node = inside.root
        act: Token | None = None
        nearest: Token | None = None
        joined: Token | None = None
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if inside.start <= node.i < inside.end or node.pos_ not in ("VERB", "AUX"):
                continue
            own = _has_subject(node) or self._adjacent_actor(node) is not None
            if own and node.lemma_ in _SPEECH:
                return node
            if own and node.lemma_ in _VERBAL_ACTS:
                act = act or node
            elif own:
                nearest = nearest or node
            elif node.lemma_ in _REPORTING:
                joined = joined or node
        return act or nearest or joined

    def _subject(self, verb: Token, inside: Span) -> ActorRef | None:
        node = verb
        for _ in range(4):
            subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")
                         and not (inside.start <= c.i < inside.end)), None)
            if subj is not None:
                return self._resolve(subj, node)
            adjacent = self._adjacent_actor(node)
            if adjacent is not None:  # 'Lawrence Kanyuka said' parsed without a subject
                return adjacent
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

    def _adjacent_actor(self, verb: Token) -> ActorRef | None:
        """The actor named right before a verb the parser gave no subject ('… M23
        spokesman Lawrence Kanyuka said', '… West African States (ECOWAS) said')."""
        if _has_subject(verb):
            return None
        i = verb.i - 1
        if i > verb.sent.start and self.doc[i].text == ")":
            opening = next((j for j in range(i - 1, max(verb.sent.start, i - 6) - 1, -1)
                            if self.doc[j].text == "("), None)
            i = opening - 1 if opening is not None else i
        return self.actors.ref_at(self.doc[i]) if i >= verb.sent.start else None

    def _resolve(self, token: Token, verb: Token | None = None) -> ActorRef | None:
        ref = self.actors.ref_at(token)
        joined = self._conjoined_person(token, verb) if verb is not None else None
        if joined is not None and not self._is_person(token):
            return joined  # 'praised the AU's leadership, and Guterres called …'
        if ref is not None:
            return ref
        if token.lemma_ in _STATEMENT_NOUNS:  # 'the statement': the last one issued
            issued = [r for i, r in self.issuers if i < token.i]
            alike = [r for i, r in self.issuers
                     if i < token.i and self.doc[i].lemma_ == token.lemma_]
            if alike or issued:
                return (alike or issued)[-1]
            # 'the statement by X', 'a post by X'
        for child in token.subtree:
            ref = self.actors.ref_at(child)
            if ref is not None:
                return ref
        return None

    def _conjoined_person(self, subject: Token, verb: Token) -> ActorRef | None:
        """A person joined to the subject by 'and' right before the verb: the subject
        of a second clause the parser did not split off."""
        last = next((c for c in reversed(list(subject.children)) if c.dep_ == "conj"), None)
        if last is None or last.i != verb.i - 1 or not self._is_person(last):
            return None
        return self.actors.ref_at(last)

    def _is_person(self, token: Token) -> bool:
        key = self.actors.key_at(token)
        return key is not None and self.actors.builder(key).person

    def _continues(self, previous: Quote, inside: Span) -> bool:
        """A quote with no attribution of its own that follows another closely, with
        no one else speaking in between."""
        if previous.speaker is None or inside.start_char - previous.end > 400:
            return False
        gap = self.doc.char_span(previous.end, inside.start_char, alignment_mode="expand") or []
        others = {ref.name for t in gap if t.dep_ in ("nsubj", "nsubjpass")
                  for ref in [self.actors.ref_at(t)] if ref is not None}
        return others <= {previous.speaker.name}


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _only_subject_between(between: Span, verb: Token) -> bool:
    """Whether the words between a closing mark and a reporting verb are the verb's
    subject ('"…," the ministry said'), not the rest of a clause ('"stands with" its
    ally and condemned …', '"…", while Redwan said …')."""
    subject = {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
               for t in c.subtree}
    return all(t.i in subject or t.is_punct or t.is_space
               or (t.head.i == verb.i and t.dep_ in ("aux", "advmod", "neg")) for t in between)


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
