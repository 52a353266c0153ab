"""Actors: every political actor mention resolved to one canonical, coded actor.

Coding follows ANNOTATION.md §3: country (ISO3, ``IGO`` + org) and sector. A
mention is resolved from what the text says about it — titles and appositions
("Pakistani Prime Minister Muhammad Shehbaz Sharif"), organisations named in the
title ("RSF commander"), demonyms ("Indian armed forces"), capitals standing for
governments ("Islamabad") — and from the built-in knowledge base (office holders
on the publication date, institutions, IGOs, armed groups). Later mentions
("Sharif", "the Secretary", "he", "the 62-year-old") join the actor they refer to;
a surname joins the person the article introduced before any namesake in the
knowledge base, and an unnamed spokesperson joins whom it speaks for ("a
spokesperson for the Secretary-General", "his spokesman").

Names the tagger takes for people but the text shows are not (a river after "the",
a word qualifying a thing, a known place after "in", a platform after "on") are no
actors, and neither is the dateline: the filing place and whatever follows it up to
the separator ("TIANJIN, China (Wire) -").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from flashpoint import nlp
from flashpoint.extract.places import geocode
from flashpoint.gazetteer import Entry, KnowledgeBase, Role, default_kb
from flashpoint.model import Actor, ActorRef

_NAME_ENTS = {"PERSON"}
_GROUP_ENTS = {"ORG", "NORP", "GPE", "FAC"}
_PLACE_ENTS = {"GPE", "NORP", "LOC"}
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|as|ad|ash|ar|an|at)-(?=\w)")
_PREFIX_GLUE = {"of", "'s", "’s", "for", "-", "and"}
_IGO_ANAPHORS = {"bloc", "alliance", "organisation", "organization", "grouping"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_AGE = re.compile(r"\b\d{1,3}\s*-\s*year\s*-\s*old\b")
# Last words of names of things, never of people ('Escoda Shoal', 'Incirlik Air Base').
_NOT_PERSON_HEADS = {"base", "camp", "shoal", "reef", "crossing", "river", "airport", "airfield",
                     "bridge", "dam", "valley", "district", "province", "region", "sector",
                     "corridor", "island", "islands", "strait", "sea", "square", "street", "road",
                     "highway", "port", "harbour", "harbor", "hospital", "mosque", "church",
                     "temple", "market", "station", "plant", "lake", "bay", "gulf", "canal",
                     "bill", "act", "treaty", "accord", "accords", "agreement", "festival"}
_MAX_NAME_WORDS = 6
_NAME_JOINERS = {"al", "el", "bin", "bint", "ibn", "-", "de", "da", "van", "von", "abu"}
_POSTS = {"mission", "embassy", "delegation", "consulate", "legation", "commission",
          "representation", "ambassador", "envoy", "representative"}
_POST_PREPOSITIONS = {"to", "in", "at"}
_AFFILIATION = {"linked", "backed", "affiliated", "allied", "aligned", "inspired", "led"}
_PLATFORMS = {"X", "Twitter", "Telegram", "Facebook", "Instagram", "YouTube", "TikTok",
              "WhatsApp", "Truth Social", "Weibo", "WeChat", "Bluesky", "Threads"}
_LOCATIVE = {"in", "near", "at", "outside", "around", "towards", "toward", "across", "into",
             "inside", "over", "along", "from", "of", "between", "through"}
# What may follow a dateline's place up to its separator: ", China", ", Nov 3", " (Wire) -"
# (the parsed text may have the first comma blanked out).
_DATELINE_TAIL = re.compile(
    r"[ \t]*(?:,?[ \t]*[A-Z][A-Za-z.'’]*(?:[ \t]+[A-Z][A-Za-z.'’]*){0,2})?"
    r"(?:[ \t]*,[ \t]*[A-Za-z0-9][A-Za-z0-9'’. \-]{0,28}?){0,3}"
    r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*(?::|[-–—]+)(?=\s|[A-Z])")
_STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG"}
# Weapons and craft stand for whoever fires them, which their name does not say.
_MATERIEL = {"missile", "rocket", "drone", "jet", "warplane", "aircraft", "plane", "shell",
             "bomb", "tank", "warship", "ship", "vessel", "submarine", "helicopter", "artillery",
             "fighter", "bomber", "boat", "munition", "projectile"}
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
    """'Sharif' matches 'Muhammad Shehbaz Sharif'; 'Shehbaz Sharif' does too; 'Burhan'
    matches 'Abdel Fattah al-Burhan' (an Arabic article is not part of the surname)."""
    a, b = _name_words(full), _name_words(other)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1 and len(long_) >= 3 and short[0] == long_[0]:
        return True  # family name first: 'Yoon' for 'Yoon Suk Yeol'
    return bool(short) and long_[-len(short):] == short


def _name_words(name: str) -> list[str]:
    return [_ARTICLE_PREFIX.sub("", w) for w in name.lower().replace("’", "'").split()]


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
    header = _dateline_header(doc, dateline) if dateline is not None else None
    focus = focus_country or guess_focus_country(doc, kb, skip=header)
    index = ActorIndex()
    index.focus = focus
    if header is not None:
        index.block(*header)
    resolver = _Resolver(doc, kb, published, focus, index)
    for sent in doc.sents:
        resolver.sentence(sent)
    return index


def _dateline_header(doc: Doc, dateline: tuple[int, int]) -> tuple[int, int] | None:
    """Token range of the whole dateline: the place and what follows it up to the
    separator ("TIANJIN, China (Wire) -", "KYIV, Ukraine, Nov 3 (Reuters) -"), where the
    country and the agency name the filing place and the wire, never an actor."""
    span = doc.char_span(*dateline, alignment_mode="expand")
    if span is None:
        return None
    tail = _DATELINE_TAIL.match(doc.text, dateline[1])
    whole = doc.char_span(dateline[0], tail.end(), alignment_mode="expand") if tail else None
    return (whole.start, whole.end) if whole is not None else (span.start, span.end)


@lru_cache(maxsize=4)
def _org_matcher(vocab: Vocab, kb: KnowledgeBase) -> PhraseMatcher:
    """Names of known organisations, matched whatever the entity tagger made of them."""
    matcher = PhraseMatcher(vocab, attr="LOWER")
    tokenizer = nlp.load().tokenizer  # the same cuts as the text: 'Jaish', '-', 'e', …
    forms = [f for f in kb.organisation_forms() if len(f) > 3 and (" " in f or "-" in f)]
    matcher.add("ORG", [tokenizer(f.lower()) for f in forms])
    return matcher


def guess_focus_country(doc: Doc, kb: KnowledgeBase,
                        skip: tuple[int, int] | None = None) -> str | None:
    """The country the article is mostly about: the most mentioned one (tokens in
    ``skip``, the dateline, name where the story was filed and do not count)."""
    counts: dict[str, int] = {}
    lead_end = next((s.end for i, s in enumerate(doc.sents) if i == 1), len(doc))
    first, last = skip if skip is not None else (0, 0)
    i = 0
    while i < len(doc):
        token = doc[i]
        width = 1
        if not first <= i < last and token.pos_ in ("PROPN", "ADJ", "NOUN") \
                and token.text[:1].isupper():
            for width in (3, 2, 1):  # names of several words: 'Burkina Faso', 'South Sudan'
                text = doc[i:i + width].text
                code = kb.country(text) or kb.demonym(text) or kb.capital(text)
                if code:  # the title and the lead say what the story is about
                    counts[code] = counts.get(code, 0) + (3 if i < lead_end else 1)
                    break
        i += width
    return max(counts, key=lambda c: counts[c]) if counts else None


class _Resolver:
    def __init__(self, doc: Doc, kb: KnowledgeBase, published: date | None,
                 focus: str | None, index: ActorIndex) -> None:
        self.doc, self.kb, self.published, self.focus, self.index = doc, kb, published, focus, index
        self.org_matches: dict[int, list[tuple[int, int, int]]] = {}
        self._phrase: Span | None = None  # the common noun phrase being resolved
        for match_id, start, end in _longest_matches(_org_matcher(doc.vocab, kb)(doc)):
            if _inside_longer_name(doc, start, kb):
                continue  # 'Security Council' in 'National Security Council'
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
            elif _bracketed_acronym(token):
                self.acronym(token)
            elif _is_acronym(token) and self.kb.organisation(token.text) is not None:
                self.named_group(self.doc[token.i:token.i + 1])  # 'FO terms …' in a headline
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
        if self._known_full_name(token):
            return
        key = self._known_person_key(token.text)
        if key is None:
            known = self.kb.person(token.text, self.published)
            if known is None:
                return
            key = self.index.add(_Builder(known.name, known.country, known.sector, known.org,
                                          known.role, person=True))
        self.index.mention(token.i, token.i + 1, key, "person", token.text)

    def _known_full_name(self, token: Token) -> bool:
        """A known person whose whole name the tagger missed ('Major General Zaw Min
        Tun', 'the cleric Nimr al-Nimr'): the longest run of name words from here that
        the knowledge base knows."""
        run = [token]
        for t in self.doc[token.i + 1:min(token.sent.end, token.i + _MAX_NAME_WORDS)]:
            if self.index.covered(t.i) or not (t.pos_ == "PROPN" and t.is_title
                                               or t.lower_ in _NAME_JOINERS):
                break
            run.append(t)
        for end in range(len(run), 1, -1):
            if run[end - 1].lower_ in _NAME_JOINERS:
                continue
            known = self.kb.person(self.doc[token.i:token.i + end].text, self.published)
            if known is not None:
                key = self.index.add(_Builder(known.name, known.country, known.sector,
                                              known.org, known.role, person=True))
                self.index.mention(token.i, token.i + end, key, "person",
                                   self.doc[token.i:token.i + end].text)
                return True
        return False

    def acronym(self, token: Token) -> None:
        """'the Economic Community of West African States (ECOWAS)': the body named
        just before the brackets."""
        key = self.index.key_at(self.doc[token.i - 2])
        if key is not None and not self.index.builder(key).person:
            self.index.mention(token.i, token.i + 1, key, "org", token.text)

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
        name_tokens += self._name_rest(name_tokens[-1])
        end = max(ent.end, name_tokens[-1].i + 1)
        name = _clean_name(self.doc[name_tokens[0].i:name_tokens[-1].i + 1].text)
        prefix = _prefix(self.doc, name_tokens[0].i, ent.sent.start, self._is_title_word)
        start = prefix[0].i if prefix else ent.start
        if _is_surname_only(name):  # 'Baloch' after 'Amna Baloch': the article's own person
            key = self._known_person_key(name)
            if key is not None:
                self.index.mention(start, end, key, "person", self.doc[start:end].text)
                return
        title_text = self._title_text(prefix, ent)
        described = self.describe(title_text)
        known = self._known_person(name, described)
        if known is None and described.country is None and described.sector is None \
                and self._not_a_person(ent, name_tokens):
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
        self.index.mention(start, end, key, "person", self.doc[start:end].text)
        self.index.builder(key).alias(name)
        styled = _honorific_start(self.doc, name_tokens[0].i, start)
        if styled < name_tokens[0].i:  # 'Sheikh Tamim bin Hamad Al Thani'
            self.index.builder(key).alias(self.doc[styled:end].text)

    def _name_rest(self, last: Token) -> list[Token]:
        """Words of the name the tagger left out after it: 'Sheikh Mohammed bin
        Abdulrahman' tagged without the 'Al Thani' its words modify."""
        rest: list[Token] = []
        while last.head.i > last.i and last.head.pos_ == "PROPN" and \
                last.head.i < last.sent.end:
            words = list(self.doc[last.i + 1:last.head.i + 1])
            if any(t.pos_ != "PROPN" or t.ent_type_ not in ("", "PERSON") or
                   self.index.covered(t.i) or self._is_title_word(t) or
                   self._lookup(t.text) is not None for t in words):
                break
            rest += words
            last = last.head
        return rest

    def _known_person(self, name: str, described: _Description) -> Entry | None:
        """The knowledge-base person a name stands for: by the name as written, else by
        its surname when the first letters agree ('Ahmed Khan' is not 'Imran Khan')."""
        known = self.kb.person(name, self.published)
        if known is None and len(name.split()) > 1:
            known = self.kb.person(name.split()[-1], self.published)
            if known is not None and not _surname_match(known.name, name) and \
                    known.name[:1].lower() != name[:1].lower():
                known = None
        if known is not None and described.country and known.country != described.country \
                and len(name.split()) == 1:
            known = None  # 'Jordan's King Abdullah' is not India's Omar Abdullah
        return known

    def _not_a_person(self, ent: Span, name_tokens: list[Token]) -> bool:
        """An unknown name the tagger took for a person that the text shows is not one:
        a river or camp after 'the' ('the Ravi'), a word qualifying a thing ('Machil
        sector', 'Sikh pilgrims'), a facility ('Incirlik Air Base'), a nationality, a
        platform ('on X'), or a known place after a locative preposition ('in Sialkot')."""
        first, last = name_tokens[0], name_tokens[-1]
        before = self.doc[first.i - 1] if first.i > ent.sent.start else None
        if before is not None and before.lower_ in ("the", "a", "an"):
            return True
        if last.lower_ in _NOT_PERSON_HEADS or self.kb.demonym(ent.text):
            return True
        node = _first_conjunct(last)
        if node.dep_ in ("compound", "amod", "nmod") and node.head.pos_ == "NOUN" \
                and node.head.i > node.i:
            role = self.kb.role(node.head.text)
            if role is None or not role.person:
                return True
        prep = _governing_preposition(last)
        if prep is None:
            return False
        if prep.lower_ in ("on", "via") and ent.text.rstrip(".") in _PLATFORMS:
            return True
        return prep.lower_ in _LOCATIVE and geocode(ent.text) is not None

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
            if words[i].lower() in _POST_PREPOSITIONS and (country or org_entry):
                break  # "Iran's mission to the UN" is Iran's; the UN only receives it
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
            country = self._unqualified_country() if role_sector in ("MIL", "COP") else None
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
        if org is None and self._owned_organisation(ent):
            return
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
                self.kb.person(text, self.published) or self._known_person_key(text) is not None
                or self._after_personal_title(ent)):
            self.person(ent)  # a person the tagger took for a place or a body ('Guterres')

    def _owned_organisation(self, ent: Span) -> bool:
        """A body named after its country's possessive ("South Korea's Joint Chiefs of
        Staff", "Pakistan's Foreign Office"): that country's body."""
        if ent.start == 0 or self.doc[ent.start - 1].lower_ not in ("'s", "’s"):
            return False
        owner = self.index.mention_at(self.doc[ent.start - 1])
        if owner is None or owner.kind != "country":
            return False
        whole = self.doc[owner.start:ent.end].text
        org = self.kb.organisation(whole, self.published)
        if org is None or org.kind == "country" or \
                org.country != self.index.builder(owner.key).country:
            return False
        key = self.index.add(_Builder(org.name, org.country, org.sector, org.org))
        self.index.mention(ent.start, ent.end, key, "org", whole)
        return True

    def _after_personal_title(self, ent: Span) -> bool:
        """A name of two or three words right after a title of a person ('Kenyan
        diplomat Grace Ruto'), whatever the tagger made of it."""
        if ent.start == 0 or not 2 <= len(ent) <= 3 or not all(t.is_title for t in ent):
            return False
        title = self.kb.role(self.doc[ent.start - 1].text)
        return title is not None and title.person

    def _country_name(self, text: str, code: str) -> str:
        entry = self.kb.organisation(text)
        return entry.name if entry is not None and entry.kind == "country" else text

    # -- common nouns: titles, groups --------------------------------------
    def common_noun(self, chunk: Span) -> None:
        self._phrase = chunk
        try:
            self._common_noun(chunk)
        finally:
            self._phrase = None

    def _common_noun(self, chunk: Span) -> None:
        root = chunk.root
        owner = next((c for c in root.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        if owner is not None and owner.lower_ not in ("his", "her"):
            return  # 'our troops', 'their embassies': the owner's own, not a new actor
        if _AGE.search(chunk.text):  # 'the 47-year-old Armenian leader': the last Armenian
            country = self.describe(_strip_det(_AGE.sub(" ", chunk.text))).country
            self._refer_back(chunk, kind="title", country=country)
            return
        if _both_sides(root):
            return  # 'the two prime ministers', 'both armies': two actors, not one
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
        role, role_end = self._head_role(root)
        if role is None or (root.tag_ == "NN" and root.lower_ == "force"
                            and not any(c.dep_ == "det" for c in root.children)):
            return  # 'use of force' is no actor
        words = [t for t in chunk if t.dep_ not in ("det", "nummod", "predet")
                 and not (t.like_num and t.i < root.i)]
        if not words:
            return
        if role_end >= chunk.end:  # 'the US secretary of state'
            chunk = self.doc[chunk.start:role_end + 1]
        text = self.doc[words[0].i:chunk.end].text
        if words == [root] and not role.person and role.sector != "CVL" and _definite(root) \
                and not any(c.dep_ in ("prep", "acl", "relcl") for c in root.children):
            key = self._same_sector_actor(root, role.sector, named_only=True)
            if key is not None:  # 'the army' after "Sudan's army"
                self.index.mention(chunk.start, chunk.end, key, "group", chunk.text)
                return
        post = _post_end(root)
        if post is not None and post >= chunk.end:  # "Iran's mission to the United Nations"
            chunk = self.doc[chunk.start:post + 1]
            text = self.doc[words[0].i:post + 1].text
        if role.title == "spokesperson" and not self._has_modifier(chunk):
            key = self._principal(root, owner)
            if key is not None:  # 'a spokesperson for the Secretary-General', 'his spokesman'
                self.index.mention(chunk.start, chunk.end, key, "title", chunk.text)
                return
        if role.person and not self._has_modifier(chunk) and not _indefinite(root) and \
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
            if org is not None and not role.person and _affiliated(chunk):
                # 'al Qaeda-linked militants': an affiliate fighting where the story is
                org = Entry(_strip_det(text), org.country or self.focus,
                            org.sector if org.sector in ("REB", "UAF") else role.sector,
                            None, kind="group")
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
            if sector in ("MIL", "COP", "GOV", "LEG", "JUD"):
                country = (self._subject_country(root) if root.is_title else None) or \
                    self._home_country(chunk)
        if sector is None and country is None:
            return
        name = _strip_det(text)
        key = self.index.add(_Builder(name, country, sector, described.org,
                                      person=role.person))
        self.index.mention(chunk.start, chunk.end, key, "group", chunk.text)

    def _head_role(self, root: Token) -> tuple[Role | None, int]:
        """The title or group noun a phrase ends in, and the index of its last word:
        'Secretary-General' as one word, 'secretary of state' over its 'of' phrase,
        'the Foreign Office' with its name words."""
        if root.i >= 2 and self.doc[root.i - 1].text == "-":
            joined = self.kb.role(self.doc[root.i - 2:root.i + 1].text)
            if joined is not None:
                return joined, root.i
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        if pobj is not None and pobj.i == root.i + 2 and not pobj.ent_type_:
            title = self.kb.role(self.doc[root.i:pobj.i + 1].text)
            if title is not None and title.person:
                return title, pobj.i
        found = self.kb.role(root.text) or self.kb.role(root.lemma_)
        if found is None and pobj is not None and root.is_title and pobj.is_title \
                and pobj.i <= root.i + 3:  # 'the Department of Foreign Affairs'
            body = self.kb.role(self.doc[root.i:pobj.i + 1].text)
            if body is not None and not body.person:
                return body, pobj.i
        names = [t for t in root.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
        if found is None and names and names[-1].i == root.i - 1:  # 'the Foreign Office'
            found = self.kb.role(self.doc[names[0].i:root.i + 1].text)
        return found, root.i

    def _subject_country(self, root: Token) -> str | None:
        """The country of the person a sentence is about, for a national body named
        without its country ('Yoon convened the National Security Council')."""
        verb = root.sent.root
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        key = self.index.key_at(subject) if subject is not None else None
        if key is None or not self.index.builder(key).person:
            return None
        return self.index.builder(key).country

    def _unqualified_country(self) -> str | None:
        """The country of forces named without one, in the phrase being resolved."""
        return self._home_country(self._phrase) if self._phrase is not None else self.focus

    def _home_country(self, chunk: Span) -> str | None:
        """The country of a national body named without one ('the Foreign Office',
        'security forces'): the article's focus, unless the text so far writes from
        another country — names its state bodies without saying whose they are ('ISPR',
        'FO'), as a writer does for its own readers — and the sentence names that
        country along with the focus ("condemned firing by Afghan forces, saying
        Pakistan …"), or names actors of that country alone ('… killed by security
        forces, the ISPR said')."""
        focus = self.focus
        words = [t for t in chunk if t.dep_ not in ("det", "nummod", "predet") and not t.like_num]
        body = self.kb.role(" ".join(t.text for t in words)) if words else None
        if body is None or body.person or chunk.root.lemma_.lower() in _MATERIEL:
            return focus  # only a body named by its kind alone: 'security forces'
        home = self._writing_from()
        if home is None or home == focus:
            return focus
        named: set[str] = set()
        for t in chunk.root.sent:
            if chunk.start <= t.i < chunk.end:
                continue
            code = self._country_word(t.text) if t.text[:1].isupper() else None
            if code:
                named.add(code)
            key = self.index.key_at(t)
            if key is not None:
                b = self.index.builder(key)
                if b.country and b.country != "IGO" and b.sector != "CVL":
                    named.add(b.country)
        if home in named and (focus in named or len(named) == 1):
            return home
        return focus

    def _writing_from(self) -> str | None:
        """The country whose known bodies and officials the text has named so far
        without any country word ('ISPR', 'FO'; armed groups aside), when one clearly
        leads."""
        counts: dict[str, int] = {}
        for m in self.index.mentions:
            b = self.index.builder(m.key)
            if m.kind != "org" or b.person or not b.country or b.country == "IGO" \
                    or b.sector not in _STATE_SECTORS:
                continue
            if any(self._country_word(t.text) for t in self.doc[m.start:m.end]):
                continue
            counts[b.country] = counts.get(b.country, 0) + 1
        if not counts:
            return None
        ranked = sorted(counts.values(), reverse=True)
        best = max(counts, key=lambda c: counts[c])
        return best if len(ranked) == 1 or ranked[0] >= 2 * ranked[1] else None

    def _principal(self, root: Token, owner: Token | None) -> int | None:
        """Whom an unnamed spokesperson speaks for: the person or body after 'for' or
        'of', or the person 'his'/'her' refers to. Both are acceptable speakers."""
        if owner is not None:
            return _antecedent(self.index, owner)
        prep = next((c for c in root.children if c.dep_ == "prep" and c.lower_ in ("for", "of")),
                    None)
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        if pobj is None:
            return None
        if not self.index.covered(pobj.i):  # resolve 'the Secretary-General' first
            inner = next((c for c in _chunks_in(root.sent) if c.root.i == pobj.i), None)
            if inner is not None:
                self.common_noun(inner)
        return self.index.key_at(pobj)

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
        """A name or nationality before the head ('Indian troops'), not the first half of
        a hyphenated title ('the Secretary-General')."""
        root = chunk.root
        hyphened = root.i - 2 if root.i >= 2 and self.doc[root.i - 1].text == "-" else root.i
        return any(t.dep_ in ("amod", "compound", "poss") and t.i < hyphened
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

    def _same_sector_actor(self, root: Token, sector: str | None, *,
                           named_only: bool = False) -> int | None:
        """'the army' after 'Sudan's army', 'the rebels' after 'M23 rebels': the actor
        already named with that head noun, or, after 'the' (unless ``named_only``), the
        last of that sector."""
        definite = _definite(root)
        fallback: int | None = None
        for m in reversed(self.index.mentions):
            b = self.index.builder(m.key)
            heads = {n.lower().split()[-1] for n in (b.name, *b.aliases) if n}
            if not b.person and b.sector == sector:
                if heads & {root.lower_, root.lemma_}:
                    return m.key
                if fallback is None and definite and sector in ("REB", "UAF", "MIL", "COP"):
                    fallback = m.key
        return None if named_only else fallback

    def _refer_back(self, chunk: Span, *, kind: str, title: str | None = None,
                    country: str | None = None) -> bool:
        for m in reversed(self.index.persons_before(chunk.start)):
            b = self.index.builder(m.key)
            if country is not None and b.country != country:
                continue
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


def _governing_preposition(token: Token) -> Token | None:
    """The preposition whose object the token is, directly or as a conjunct
    ('in Khan Younis and Rafah')."""
    node = _first_conjunct(token)
    return node.head if node.dep_ == "pobj" and node.head.pos_ == "ADP" else None


def _post_end(root: Token) -> int | None:
    """Where a diplomatic post's place ends: 'mission to the United Nations', 'embassy
    in Manila', 'delegation in Moscow' name a different body than the bare noun."""
    if root.lemma_.lower() not in _POSTS:
        return None
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ in _POST_PREPOSITIONS:
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and (pobj.pos_ == "PROPN" or pobj.ent_type_ in ("GPE", "ORG")):
                return min(pobj.right_edge.i, root.sent.end - 1)
    return None


def _inside_longer_name(doc: Doc, start: int, kb: KnowledgeBase) -> bool:
    """A known name that is only the end of a longer one the tagger marked, after a
    name word that is not a country ('National Security Council' is not the UN's)."""
    if start == 0 or doc[start].ent_iob_ != "I":
        return False
    before = doc[start - 1]
    return before.pos_ == "PROPN" and before.is_title and before.ent_type_ == doc[start].ent_type_ \
        and not (kb.country(before.text) or kb.demonym(before.text) or kb.capital(before.text)
                 or kb.organisation(before.text))


def _both_sides(root: Token) -> bool:
    """A plural that stands for two parties already named ('the two governments',
    'both armies', 'the prime ministers of the two countries')."""
    if root.tag_ not in ("NNS", "NNPS"):
        return False
    words = {c.lower_ for c in root.children if c.dep_ in ("nummod", "det", "predet")}
    if words & {"two", "both"}:
        return True
    of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
    return pobj is not None and pobj.tag_ in ("NNS", "NNPS") and any(
        c.lower_ in ("two", "both") for c in pobj.children)


def _affiliated(chunk: Span) -> bool:
    """'al Qaeda-linked militants', 'Hamas-led gunmen': a group tied to the body named,
    not the body itself."""
    return any(t.lower_ in _AFFILIATION and t.i > chunk.start and t.doc[t.i - 1].text == "-"
               and t.i < chunk.root.i for t in chunk)


def _definite(root: Token) -> bool:
    return any(c.lower_ == "the" for c in root.children)


def _indefinite(root: Token) -> bool:
    """'a spokesperson' introduces someone new; 'the spokesperson' refers back."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in root.children)


def _is_acronym(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper() and token.is_alpha


def _bracketed_acronym(token: Token) -> bool:
    """An all-capital word alone in brackets after a name: '… West African States (ECOWAS)'."""
    doc = token.doc
    return (_is_acronym(token) and 2 <= token.i < len(doc) - 1 and doc[token.i - 1].text == "("
            and doc[token.i + 1].text == ")")


def _first_conjunct(token: Token) -> Token:
    """The first of coordinated words ('Nuristan' for 'Kunar' in 'Nuristan and Kunar')."""
    node = token
    while node.dep_ == "conj" and node.head.i != node.i and node.head.i < node.i:
        node = node.head
    return node


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


def _prefix(doc: Doc, start: int, sent_start: int,
            is_title: Callable[[Token], bool]) -> list[Token]:
    """Title words standing before a name: 'Pakistani Prime Minister', 'RSF commander',
    'Emir Sheikh' (even when tagged as part of another name)."""
    tokens: list[Token] = []
    i = start - 1
    while i >= sent_start:
        t = doc[i]
        glue = t.lower_ in _PREFIX_GLUE or (t.lower_ == "the" and tokens and i > sent_start
                                            and doc[i - 1].lower_ in ("of", "for"))
        if t.ent_type_ in ("DATE", "TIME", "CARDINAL") or \
                (t.ent_type_ == "PERSON" and not is_title(t)):
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


def _honorific_start(doc: Doc, name_start: int, lowest: int) -> int:
    """Where the honorifics and ranks standing right before a name begin ('Sheikh',
    'Major General'): the name as styled, often its canonical form."""
    i = name_start
    while i > lowest and doc[i - 1].lower_.rstrip(".") in _HONORIFICS:
        i -= 1
    return i


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
