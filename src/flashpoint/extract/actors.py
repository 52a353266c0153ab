"""Actors: every political actor mention resolved to one canonical, coded actor.

Coding follows ANNOTATION.md §3: country (ISO3, ``IGO`` + org) and sector. A
mention is resolved from what the text says about it — titles and appositions
("Pakistani Prime Minister Muhammad Shehbaz Sharif"), organisations named in the
title ("RSF commander"), demonyms ("Indian armed forces"), capitals standing for
governments ("Islamabad") — and from the built-in knowledge base (office holders
on the publication date, institutions, IGOs, armed groups). Later mentions
("Sharif", "the Secretary", "he", "the 62-year-old") join the actor they refer to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from flashpoint import nlp
from flashpoint.gazetteer import Entry, KnowledgeBase, default_kb
from flashpoint.model import Actor, ActorRef

_NAME_ENTS = {"PERSON"}
_GROUP_ENTS = {"ORG", "NORP", "GPE", "FAC"}
_PREFIX_GLUE = {"of", "'s", "’s", "for", "-", "and"}
_IGO_ANAPHORS = {"bloc", "alliance", "organisation", "organization", "grouping"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_AGE = re.compile(r"\b\d{1,3}\s*-\s*year\s*-\s*old\b")
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sheikh", "sir", "gen", "general", "lt", "col", "maj",
               "brig", "adm", "commodore", "captain", "wing", "commander", "colonel", "major"}


@dataclass
class _Builder:
    """A canonical actor under construction, with every text that names it."""

    name: str
    country: str | None
    sector: str | None
    org: str | None = None
    role: str | None = None
    person: bool = False
    titles: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)

    def alias(self, text: str) -> None:
        text = " ".join(text.split())
        if text and text != self.name and text not in self.aliases:
            self.aliases.append(text)

    def actor(self) -> Actor:
        return Actor(self.name, self.country, self.sector, self.org, list(self.aliases), self.role)


@dataclass(frozen=True)
class Mention:
    """A span of the doc that refers to an actor."""

    start: int  # token indices
    end: int
    key: int  # index of the actor
    kind: str  # "person", "title", "pronoun", "org", "country", "capital", "group"


class ActorIndex:
    """The actors of one article and where each is mentioned."""

    def __init__(self) -> None:
        self._builders: list[_Builder] = []
        self._by_token: dict[int, Mention] = {}
        self._blocked: set[int] = set()
        self.mentions: list[Mention] = []
        self.focus: str | None = None  # the country the article is mostly about

    # -- building ---------------------------------------------------------
    def add(self, builder: _Builder) -> int:
        for key, known in enumerate(self._builders):
            if _same_actor(known, builder):
                known.titles |= builder.titles
                for alias in [builder.name, *builder.aliases]:
                    known.alias(alias)
                return key
        self._builders.append(builder)
        return len(self._builders) - 1

    def mention(self, start: int, end: int, key: int, kind: str, text: str) -> None:
        m = Mention(start, end, key, kind)
        self.mentions.append(m)
        for i in range(start, end):
            self._by_token.setdefault(i, m)
        if kind != "pronoun":
            self._builders[key].alias(text)

    def covered(self, i: int) -> bool:
        return i in self._by_token or i in self._blocked

    def block(self, start: int, end: int) -> None:
        """Tokens that name no actor whatever they look like (the dateline)."""
        self._blocked.update(range(start, end))

    # -- reading ----------------------------------------------------------
    def mention_at(self, token: Token) -> Mention | None:
        return self._by_token.get(token.i)

    def ref_at(self, token: Token) -> ActorRef | None:
        """The actor a token belongs to, as it appears there."""
        m = self._by_token.get(token.i)
        if m is None:
            return None
        b = self._builders[m.key]
        text = token.doc[m.start:m.end].text
        return ActorRef(b.name, text, b.country, b.sector, b.org)

    def key_at(self, token: Token) -> int | None:
        m = self._by_token.get(token.i)
        return None if m is None else m.key

    def builder(self, key: int) -> _Builder:
        return self._builders[key]

    def persons_before(self, i: int) -> list[Mention]:
        return [m for m in self.mentions if m.end <= i and self._builders[m.key].person]

    def actors(self) -> list[Actor]:
        used = {m.key for m in self.mentions}
        return [b.actor() for k, b in enumerate(self._builders) if k in used]


def _same_actor(a: _Builder, b: _Builder) -> bool:
    if a.name.lower() == b.name.lower():
        return True
    if a.person and b.person:
        return _surname_match(a.name, b.name)
    return False


def _surname_match(full: str, other: str) -> bool:
    """'Sharif' matches 'Muhammad Shehbaz Sharif'; 'Shehbaz Sharif' does too."""
    a, b = full.lower().split(), other.lower().split()
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1 and len(long_) >= 3 and short[0] == long_[0]:
        return True  # family name first: 'Yoon' for 'Yoon Suk Yeol'
    return bool(short) and long_[-len(short):] == short


# -- the resolver -----------------------------------------------------------

def resolve_actors(doc: Doc, *, published: date | None = None,
                   kb: KnowledgeBase | None = None,
                   focus_country: str | None = None,
                   dateline: tuple[int, int] | None = None) -> ActorIndex:
    """Find and resolve every actor mention of a parsed article.

    Args:
        doc: the parsed article (title and body).
        published: publication date; picks the office holder of the day.
        kb: knowledge base (the built-in one by default).
        focus_country: country that unqualified domestic actors ("the army",
            "police") belong to; guessed from the article when not given.
        dateline: character span of the dateline ("MOSCOW (Wire) -"), which names
            where the story was filed, never an actor.

    Returns:
        The article's :class:`ActorIndex`.
    """
    kb = kb or default_kb()
    focus = focus_country or guess_focus_country(doc, kb)
    index = ActorIndex()
    index.focus = focus
    if dateline is not None:
        span = doc.char_span(*dateline, alignment_mode="expand")
        if span is not None:
            index.block(span.start, span.end)
    resolver = _Resolver(doc, kb, published, focus, index)
    for sent in doc.sents:
        resolver.sentence(sent)
    return index


@lru_cache(maxsize=4)
def _org_matcher(vocab: Vocab, kb: KnowledgeBase) -> PhraseMatcher:
    """Names of known organisations, matched whatever the entity tagger made of them."""
    matcher = PhraseMatcher(vocab, attr="LOWER")
    tokenizer = nlp.load().tokenizer  # the same cuts as the text: 'Jaish', '-', 'e', …
    forms = [f for f in kb.organisation_forms() if len(f) > 3 and (" " in f or "-" in f)]
    matcher.add("ORG", [tokenizer(f.lower()) for f in forms])
    return matcher


def guess_focus_country(doc: Doc, kb: KnowledgeBase) -> str | None:
    """The country the article is mostly about: the most mentioned one."""
    counts: dict[str, int] = {}
    lead_end = next((s.end for i, s in enumerate(doc.sents) if i == 1), len(doc))
    for token in doc:
        if token.pos_ not in ("PROPN", "ADJ", "NOUN") or not token.text[:1].isupper():
            continue
        code = kb.country(token.text) or kb.demonym(token.text) or kb.capital(token.text)
        if code:  # the title and the lead say what the story is about
            counts[code] = counts.get(code, 0) + (3 if token.i < lead_end else 1)
    return max(counts, key=lambda c: counts[c]) if counts else None


class _Resolver:
    def __init__(self, doc: Doc, kb: KnowledgeBase, published: date | None,
                 focus: str | None, index: ActorIndex) -> None:
        self.doc, self.kb, self.published, self.focus, self.index = doc, kb, published, focus, index
        self.org_matches: dict[int, list[tuple[int, int, int]]] = {}
        for match_id, start, end in _longest_matches(_org_matcher(doc.vocab, kb)(doc)):
            self.org_matches.setdefault(doc[start].sent.start, []).append((match_id, start, end))

    def sentence(self, sent: Span) -> None:
        for ent in sent.ents:
            if ent.label_ in _NAME_ENTS:
                self.person(ent)
        for _, start, end in self.org_matches.get(sent.start, []):
            if not self._taken(start, end):
                self.named_group(self.doc[start:end])
        for ent in sent.ents:
            if ent.label_ in _GROUP_ENTS and not self._taken(ent.start, ent.end):
                self.named_group(ent)
        for chunk in _noun_phrases(sent):
            if not self.index.covered(chunk.root.i):
                self.common_noun(chunk)
        for token in sent:
            if self.index.covered(token.i):
                continue
            if token.lower_ in _PERSON_PRONOUNS:
                self.pronoun(token)
            elif token.lower_ == "it" and token.dep_ in ("nsubj", "nsubjpass"):
                self.body_pronoun(token)
            elif token.pos_ == "PROPN" and token.is_title and token.ent_type_ not in (
                "DATE", "TIME", "NORP"
            ):
                self.bare_name(token)

    def bare_name(self, token: Token) -> None:
        """A name the tagger missed ('Kyiv refused', 'Pashinyan said'): a country, a
        capital, an organisation, or a person named earlier or in the knowledge base."""
        span = self.doc[token.i:token.i + 1]
        if self.kb.country(token.text) or self.kb.capital(token.text) or (
                (org := self.kb.organisation(token.text)) is not None and org.kind != "country"):
            self.named_group(span)
            return
        key = self._known_person_key(token.text)
        if key is None:
            known = self.kb.person(token.text, self.published)
            if known is None:
                return
            key = self.index.add(_Builder(known.name, known.country, known.sector, known.org,
                                          known.role, person=True))
        self.index.mention(token.i, token.i + 1, key, "person", token.text)

    def _taken(self, start: int, end: int) -> bool:
        return any(self.index.covered(i) for i in range(start, end))

    # -- persons ----------------------------------------------------------
    def person(self, ent: Span) -> None:
        if self.kb.country(ent.text) or self.kb.capital(ent.text):
            self.named_group(ent)  # 'Niger', 'Baku' tagged as people
            return
        name_tokens = [t for t in ent if not self._is_title_word(t)]
        if not name_tokens or self._taken(ent.start, ent.end):
            return
        while name_tokens[0].i > ent.sent.start:  # 'Antony J. Blinken' tagged 'J. Blinken'
            left = self.doc[name_tokens[0].i - 1]
            if left.pos_ != "PROPN" or not left.is_title or left.ent_type_ not in ("", "PERSON") \
                    or self._is_title_word(left) or self._lookup(left.text) is not None:
                break
            name_tokens.insert(0, left)
        name = _clean_name(self.doc[name_tokens[0].i:name_tokens[-1].i + 1].text)
        prefix = _prefix(self.doc, name_tokens[0].i, ent.sent.start)
        title_text = self._title_text(prefix, ent)
        described = self.describe(title_text)
        known = self.kb.person(name, self.published) or (
            self.kb.person(name.split()[-1], self.published) if len(name.split()) > 1 else None)
        if known is not None and not _surname_match(known.name, name) and \
                known.name[:1].lower() != name[:1].lower():
            known = None  # 'Ahmed Khan' is not the 'Imran Khan' the surname finds
        if known is not None and described.country and known.country != described.country \
                and len(name.split()) == 1:
            known = None  # 'Jordan's King Abdullah' is not India's Omar Abdullah
        if known is None and _is_surname_only(name):
            key = self._known_person_key(name)
            if key is not None:
                start = prefix[0].i if prefix else ent.start
                self.index.mention(start, ent.end, key, "person", self.doc[start:ent.end].text)
                return
        builder = _Builder(name=name if known is None or len(name.split()) > 1 else known.name,
                           country=known.country if known else described.country,
                           sector=(known.sector if known else described.sector),
                           org=known.org if known else described.org,
                           role=(known.role if known else described.role), person=True)
        builder.titles |= described.titles
        if known is None and described.country is None and described.sector is None:
            # A bare unknown name: keep it (it may speak a quote) but uncoded.
            builder.country = builder.sector = None
        key = self.index.add(builder)
        start = prefix[0].i if prefix else ent.start
        self.index.mention(start, ent.end, key, "person", self.doc[start:ent.end].text)
        self.index.builder(key).alias(name)

    def _known_person_key(self, name: str) -> int | None:
        for m in reversed(self.index.mentions):
            b = self.index.builder(m.key)
            if b.person and _surname_match(b.name, name):
                return m.key
        return None

    def _is_title_word(self, token: Token) -> bool:
        low = token.lower_.rstrip(".")
        if low in _HONORIFICS:
            return True
        role = self.kb.role(token.text)
        return role is not None and role.person

    def _title_text(self, prefix: Sequence[Token], ent: Span) -> str:
        inside = [t.text for t in ent if self._is_title_word(t)]
        appos = [t for c in ent.root.children if c.dep_ == "appos" for t in c.subtree]
        parts = [t.text_with_ws for t in prefix] + [" ".join(inside)]
        if appos:
            parts.append(" " + " ".join(t.text for t in appos))
        return "".join(parts).strip()

    # -- descriptions ------------------------------------------------------
    def describe(self, text: str) -> _Description:
        """Country, sector, org and role stated by a title or noun phrase."""
        words = text.replace("’", "'").split()
        org_entry: Entry | None = None
        country: str | None = None
        role_sector: str | None = None
        role_title: str | None = None
        titles: set[str] = set()
        i = 0
        while i < len(words):
            n, found = _longest(words, i, self._lookup)
            if found is None:
                i += 1
                continue
            kind, value = found
            if kind == "org" and org_entry is None:
                org_entry = value
            elif kind == "country" and country is None:
                country = value
            elif kind == "role":
                titles.add(value.title)
                if role_title is None or value.sector:
                    role_title, role_sector = value.title, value.sector or role_sector
                if country is None and n > 1:  # 'Egyptian President', 'Britain's prime minister'
                    country = self._country_word(words[i])
            i += n
        if org_entry is not None:
            return _Description(org_entry.country if org_entry.country != "IGO" or not country
                                else "IGO", org_entry.sector or role_sector,
                                org_entry.org, role_title, frozenset(titles))
        if country is None and role_title is not None:
            country = self.focus if role_sector in ("MIL", "COP") else None
        return _Description(country, role_sector, None, role_title, frozenset(titles))

    def _country_word(self, word: str) -> str | None:
        word = re.sub(r"'s$", "", word)
        return self.kb.country(word) or self.kb.demonym(word) or self.kb.capital(word)

    def _lookup(self, text: str) -> tuple[str, object] | None:
        if not text or text in _PREFIX_GLUE:
            return None
        possessive = re.sub(r"'s$", "", text)
        code = (self.kb.country(possessive) or self.kb.demonym(possessive)
                or self.kb.capital(possessive))
        org = self.kb.organisation(text)
        if org is not None and org.kind != "country":
            return ("org", org)
        if code:
            return ("country", code)
        role = self.kb.role(text)
        if role is not None:
            return ("role", role)
        return None

    # -- organisations, countries, capitals -----------------------------
    def named_group(self, ent: Span) -> None:
        text = _strip_det(ent.text)
        org = self.kb.organisation(text)
        if org is not None and org.kind != "country":
            key = self.index.add(_Builder(org.name, org.country, org.sector, org.org))
            self.index.mention(ent.start, ent.end, key, "org", ent.text)
            return
        code = self.kb.country(text)
        if code:
            key = self.index.add(_Builder(self._country_name(text, code), code, None))
            self.index.mention(ent.start, ent.end, key, "country", ent.text)
            return
        code = self.kb.capital(text)
        if code:
            key = self.index.add(_Builder(text, code, "GOV"))
            self.index.mention(ent.start, ent.end, key, "capital", ent.text)
            return
        code = self.kb.demonym(text)
        if code and ent.root.tag_ in ("NNPS", "NNS") and ent.root.dep_ != "amod":
            key = self.index.add(_Builder(text, code, "CVL"))
            self.index.mention(ent.start, ent.end, key, "group", ent.text)
            return
        if ent.label_ in ("ORG", "GPE") and ent.root.is_title and (
                self.kb.person(text, self.published) or self._known_person_key(text) is not None):
            self.person(ent)  # a person the tagger took for a place or a body ('Guterres')

    def _country_name(self, text: str, code: str) -> str:
        entry = self.kb.organisation(text)
        return entry.name if entry is not None and entry.kind == "country" else text

    # -- common nouns: titles, groups --------------------------------------
    def common_noun(self, chunk: Span) -> None:
        root = chunk.root
        owner = next((c for c in root.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        if owner is not None and owner.lower_ not in ("his", "her"):
            return  # 'our troops', 'their embassies': the owner's own, not a new actor
        if _AGE.search(chunk.text):
            self._refer_back(chunk, kind="title")
            return
        if root.tag_ in ("NNS", "NNPS"):  # 'leaders of the Group of Seven': the body itself
            of_org = self._of_organisation(root)
            if of_org is not None:
                key = self.index.add(_Builder(of_org.name, of_org.country, of_org.sector,
                                              of_org.org))
                self.index.mention(chunk.start, chunk.end, key, "org", chunk.text)
                return
        if root.lemma_.lower() in _IGO_ANAPHORS and any(c.lower_ == "the" for c in root.children):
            key = next((m.key for m in reversed(self.index.mentions)
                        if self.index.builder(m.key).country == "IGO"), None)
            if key is not None:
                self.index.mention(chunk.start, chunk.end, key, "org", chunk.text)
            return
        role = self.kb.role(root.text) or self.kb.role(root.lemma_)
        if role is None or (root.tag_ == "NN" and root.lower_ == "force"
                            and not any(c.dep_ == "det" for c in root.children)):
            return  # 'use of force' is no actor
        words = [t for t in chunk if t.dep_ not in ("det", "nummod", "predet")
                 and not (t.like_num and t.i < root.i)]
        if not words:
            return
        text = self.doc[words[0].i:words[-1].i + 1].text
        if role.person and not self._has_modifier(chunk) and \
                self._refer_back(chunk, kind="title", title=role.title):
            return
        described = self.describe(text)
        tail = [t for t in root.subtree if t.i > root.i][:8]
        if tail and (described.country is None or described.org is None):
            # 'the military junta in Niger', 'the top commander of the ELN'
            wider = self.describe(self.doc[tail[0].i:tail[-1].i + 1].text)
            of_org = self._of_organisation(root) if tail[0].lower_ == "of" else None
            if of_org is not None and not role.person:  # 'leaders of the Group of Seven'
                key = self.index.add(_Builder(of_org.name, of_org.country, of_org.sector,
                                              of_org.org))
                self.index.mention(chunk.start, chunk.end, key, "org", chunk.text)
                return
            if of_org is not None and described.org is None:
                described = replace(described, country=of_org.country, org=of_org.org,
                                    sector=of_org.sector)
            elif described.country is None and wider.country and wider.country != "IGO":
                described = replace(described, country=wider.country)
        if role.person and described.country and described.role:
            holder = (self.kb.office_holder(described.country, described.role, self.published)
                      if self.published else None)
            if holder is not None:
                key = self.index.add(_Builder(holder.name, holder.country, holder.sector,
                                              holder.org, holder.role, person=True,
                                              titles={described.role}))
                self.index.mention(chunk.start, chunk.end, key, "title", chunk.text)
                return
        if described.org is not None or (
            described.country and described.country != "IGO" and self._org_modifier(chunk)
        ):
            org = self._modifier_org(chunk)
            if org is not None and org.sector == "GOV" and role.sector in ("MIL", "COP"):
                # 'Afghan Taliban forces': a government's forces are its armed forces
                org = Entry(_strip_det(text), org.country, role.sector, org.org, kind="group")
            if org is not None:
                key = self.index.add(_Builder(org.name, org.country, org.sector, org.org))
                self.index.mention(chunk.start, chunk.end, key, "org", chunk.text)
                return
        sector = described.sector or role.sector
        country = described.country
        if owner is not None and country is None:  # 'his troops': the man's country
            key = _antecedent(self.index, owner)
            country = self.index.builder(key).country if key is not None else None
        if role.person and country is None and described.org is None:
            return  # an unresolved title ("the Secretary" with no one before it)
        if country is None:
            key = self._same_sector_actor(root, sector)
            if key is not None:
                self.index.mention(chunk.start, chunk.end, key, "group", chunk.text)
                return
            country = self.focus if sector in ("MIL", "COP", "GOV", "LEG", "JUD") else None
        if sector is None and country is None:
            return
        name = _strip_det(text)
        key = self.index.add(_Builder(name, country, sector, described.org,
                                      person=role.person))
        self.index.mention(chunk.start, chunk.end, key, "group", chunk.text)

    def _of_organisation(self, root: Token) -> Entry | None:
        """The organisation in 'the commander of the ELN', 'leaders of the G7'."""
        prep = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        if pobj is None:
            return None
        for text in (self.doc[pobj.left_edge.i:pobj.right_edge.i + 1].text, pobj.text):
            org = self.kb.organisation(_strip_det(text), self.published)
            if org is not None and org.kind != "country":
                return org
        for token in pobj.subtree:  # 'the Group of Seven industrialised nations'
            key = self.index.key_at(token)
            owner = self.index.builder(key) if key is not None else None
            if owner is not None and not owner.person and owner.sector:
                return Entry(owner.name, owner.country, owner.sector, owner.org, kind="group")
        return None

    def _has_modifier(self, chunk: Span) -> bool:
        return any(t.dep_ in ("amod", "compound", "poss") and t.i < chunk.root.i
                   and (t.ent_type_ or t.pos_ == "PROPN") for t in chunk)

    def _org_modifier(self, chunk: Span) -> bool:
        return self._modifier_org(chunk) is not None

    def _modifier_org(self, chunk: Span) -> Entry | None:
        """An organisation named inside the phrase: 'RSF fighters', 'army warplanes'."""
        mods = [t for t in chunk if t.i < chunk.root.i and t.dep_ in ("compound", "poss", "nmod")]
        for t in mods:
            span = self.doc[t.left_edge.i:t.i + 1]
            for text in (span.text, t.text):
                org = self.kb.organisation(_strip_det(text))
                if org is not None and org.kind not in ("country",):
                    return org
            key = self.index.key_at(t)
            if key is not None:
                b = self.index.builder(key)
                if not b.person and b.sector:
                    return Entry(b.name, b.country, b.sector, b.org, kind="group")
        return None

    def _same_sector_actor(self, root: Token, sector: str | None) -> int | None:
        """'the army' after 'Sudan's army', 'the rebels' after 'M23 rebels': the actor
        already named with that head noun, or, after 'the', the last of that sector."""
        definite = any(c.lower_ == "the" for c in root.children)
        fallback: int | None = None
        for m in reversed(self.index.mentions):
            b = self.index.builder(m.key)
            head = b.name.lower().split()[-1] if b.name else ""
            if not b.person and b.sector == sector:
                if head in (root.lower_, root.lemma_):
                    return m.key
                if fallback is None and definite and sector in ("REB", "UAF", "MIL", "COP"):
                    fallback = m.key
        return fallback

    def _refer_back(self, chunk: Span, *, kind: str, title: str | None = None) -> bool:
        for m in reversed(self.index.persons_before(chunk.start)):
            b = self.index.builder(m.key)
            if title is None or _title_matches(title, b.titles | {b.role or ""}):
                self.index.mention(chunk.start, chunk.end, m.key, kind, chunk.text)
                return True
        return False

    def body_pronoun(self, token: Token) -> None:
        """'… on April 8, when it banned imports': the body last named as a subject."""
        for m in reversed(self.index.mentions):
            b = self.index.builder(m.key)
            if m.end <= token.i and not b.person and b.sector != "CVL" and any(
                    self.doc[i].dep_ in ("nsubj", "nsubjpass") for i in range(m.start, m.end)):
                self.index.mention(token.i, token.i + 1, m.key, "pronoun", token.text)
                return

    def pronoun(self, token: Token) -> None:
        antecedent = _antecedent(self.index, token)
        if antecedent is not None:
            self.index.mention(token.i, token.i + 1, antecedent, "pronoun", token.text)


@dataclass(frozen=True)
class _Description:
    country: str | None
    sector: str | None
    org: str | None
    role: str | None
    titles: frozenset[str] = frozenset()


def _antecedent(index: ActorIndex, token: Token) -> int | None:
    """The person a pronoun refers to: the subject of the nearest sentence naming one."""
    before = index.persons_before(token.i)
    if not before:
        return None
    same_sent = [m for m in before if m.start >= token.sent.start]
    pool = same_sent or [m for m in before if m.start >= token.doc[before[-1].start].sent.start]
    doc = token.doc
    subjects = [m for m in pool
                if any(doc[i].dep_ in ("nsubj", "nsubjpass") for i in range(m.start, m.end))]
    return (subjects or pool)[-1].key


def _longest_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Keep the longest of overlapping matches."""
    out: list[tuple[int, int, int]] = []
    for m in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
        if not out or m[1] >= out[-1][2]:
            out.append(m)
    return out


def _title_matches(title: str, titles: Iterable[str]) -> bool:
    """'secretary' refers back to a 'secretary of state'; 'minister' to 'foreign minister'."""
    words = set(title.lower().split())
    return any(words <= set(t.lower().split()) for t in titles if t)


def _longest(words: Sequence[str], i: int, lookup) -> tuple[int, tuple[str, object] | None]:  # type: ignore[no-untyped-def]
    for n in range(min(6, len(words) - i), 0, -1):
        found = lookup(" ".join(words[i:i + n]))
        if found is not None:
            return n, found
    return 1, None


def _prefix(doc: Doc, start: int, sent_start: int) -> list[Token]:
    """Title words standing before a name: 'Pakistani Prime Minister', 'RSF commander'."""
    tokens: list[Token] = []
    i = start - 1
    while i >= sent_start:
        t = doc[i]
        glue = t.lower_ in _PREFIX_GLUE or (t.lower_ == "the" and tokens and i > sent_start
                                            and doc[i - 1].lower_ in ("of", "for"))
        if t.ent_type_ in ("PERSON", "DATE", "TIME", "CARDINAL"):
            break
        if not (glue or t.pos_ in ("PROPN", "NOUN", "ADJ")) or t.lower_ == "and" and not tokens:
            break
        if t.lower_ == "and" and doc[i - 1].ent_type_ == "PERSON":
            break
        tokens.insert(0, t)
        i -= 1
    while tokens and (tokens[0].lower_ in _PREFIX_GLUE or tokens[0].lower_ == "the"):
        tokens.pop(0)
    return tokens


def _noun_phrases(sent: Span) -> Iterable[Span]:
    seen: set[int] = set()
    for chunk in _chunks_in(sent):
        seen.add(chunk.root.i)
        yield chunk
    for token in sent:
        # Plural group nouns the chunker misses ("Police fired", "Residents said").
        subject = token.dep_ in ("nsubj", "nsubjpass")  # 'The 62-year-old warned'
        if token.i not in seen and (token.pos_ in ("NOUN", "PROPN") or subject) and token.dep_ in (
            "nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos"
        ):
            yield sent.doc[token.left_edge.i if token.left_edge.i >= sent.start else token.i:
                           token.i + 1]


def _chunks_in(sent: Span) -> list[Span]:
    """The sentence's noun chunks, from one pass over the doc (``Span.noun_chunks``
    walks the whole doc on every call)."""
    doc = sent.doc
    chunks = doc.user_data.get("flashpoint.chunks")
    if chunks is None:
        chunks = doc.user_data["flashpoint.chunks"] = list(doc.noun_chunks)
    return [c for c in chunks if sent.start <= c.start and c.end <= sent.end]


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.I)


def _clean_name(text: str) -> str:
    return re.sub(r"['’]s$", "", text).strip(" ,")


def _is_surname_only(name: str) -> bool:
    return len(name.split()) == 1
