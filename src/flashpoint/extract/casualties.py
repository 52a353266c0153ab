"""Casualty counts stated in a sentence: how many were killed and injured.

The rules are those of the gold annotation guideline, ANNOTATION.md §6
("Casualties"): the count is the number the text states, as an integer ("at least
26" is 26, "more than 5,000" is 5000, "some 1,200" is 1200, number words count);
"26 civilians, including two foreigners" is 26; vague quantities ("several",
"many", "scores", "dozens") state no number; a later revised toll ("the toll rose
to 31") replaces the first count.

Counts are read from the dependency parse: a number attached (``nummod``) to the
victim of a kill/injure verb, where the victim is the object of an active verb
("killing 26 civilians"), the subject of a passive one ("49 soldiers had been
killed"), the subject of "die"-type verbs ("nine soldiers died"), or the head noun
of a reduced relative ("105 soldiers killed in attacks"). Number nouns that name
the dead or injured ("22 deaths", "3 dead and 10 wounded") and death tolls ("the
toll had risen to 105") are read too. "No one was killed" states 0. Negated and
modal clauses ("did not kill", "threatened to kill 10") state nothing. A narrow
regular-expression fallback covers sentences where the parser finds no kill or
injure verb at all. All cue words are the constants below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from flashpoint.errors import BadInput

# --------------------------------------------------------------------------- lexicon

KILLED = "killed"
INJURED = "injured"

# Transitive verbs whose object (or passive subject) is killed / injured.
KILL_VERBS: frozenset[str] = frozenset({
    "kill", "murder", "massacre", "slaughter", "assassinate", "slay", "behead",
    "lynch", "martyr", "butcher",
})
INJURE_VERBS: frozenset[str] = frozenset({"injure", "wound", "hurt", "maim"})
# Intransitive verbs whose subject died.
DIE_VERBS: frozenset[str] = frozenset({"die", "perish", "succumb"})
# Verbs that kill only with a result phrase: "shot dead", "beaten to death", "gunned down".
MANNER_VERBS: frozenset[str] = frozenset({
    "shoot", "gun", "beat", "stab", "burn", "hack", "stone", "club", "crush", "bludgeon",
})
DEAD_RESULTS: frozenset[str] = frozenset({"dead", "death"})
# "claimed 30 lives", "13 people lost their lives".
LIFE_VERBS: frozenset[str] = frozenset({"lose", "claim", "take", "cost"})
LIFE_NOUNS: frozenset[str] = frozenset({"life"})
# "left 4 people dead and 10 wounded".
RESULT_VERBS: frozenset[str] = frozenset({"leave"})
# Nouns and adjectives that themselves name the dead or the injured: "22 deaths".
# ("wounds" is left out: it counts wounds, not people.)
KILLED_WORDS: frozenset[str] = frozenset({"dead", "death", "deaths", "fatality", "fatalities"})
# Bodies count the dead only when found or counted ("two UN bodies" are organisations).
BODY_NOUNS: frozenset[str] = frozenset({"body", "corpse"})
BODY_VERBS: frozenset[str] = frozenset({
    "count", "recover", "find", "retrieve", "pull", "bury", "identify", "collect",
    "discover", "exhume", "remove",
})
INJURED_WORDS: frozenset[str] = frozenset({"injured", "wounded", "injury", "injuries"})
# Death tolls: "the death toll rose to 31", "the number of dead rose to 31".
TOLL_NOUNS: frozenset[str] = frozenset({"toll", "tally"})
COUNT_NOUNS: frozenset[str] = frozenset({"number", "count"})
REVISED_INTRANSITIVE: frozenset[str] = frozenset({
    "rise", "climb", "increase", "jump", "grow", "mount", "reach", "hit", "soar", "swell",
    "surge", "top", "pass", "exceed", "double", "go",
})
REVISED_TRANSITIVE: frozenset[str] = frozenset({
    "raise", "bring", "push", "take", "revise", "lift", "increase", "update", "up",
})
STATIC_VERBS: frozenset[str] = frozenset({"stand", "be", "remain", "put", "place", "give"})
# Words before a number that qualify it without changing it ("at least 26" is 26).
NUMBER_QUALIFIERS: tuple[str, ...] = (
    "no fewer than", "no less than", "as many as", "more than", "less than", "fewer than",
    "in excess of", "upwards of", "close to", "a total of", "an estimated", "at least",
    "at most", "up to", "just over", "just under", "well over", "nearly", "almost",
    "about", "around", "approximately", "roughly", "some", "over", "under", "only",
    "estimated", "total", "another", "a further", "further", "exactly", "precisely",
)
# Quantities that state no number.
VAGUE_QUANTITIES: frozenset[str] = frozenset({
    "several", "many", "scores", "dozens", "hundreds", "thousands", "millions", "tens",
    "numerous", "countless", "few", "multiple", "various", "some", "lots", "plenty",
})
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {
    "dozen": 12, "score": 20, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
    "billion": 1_000_000_000,
}
# Determiners that make a singular victim count as one ("a soldier was killed").
SINGULAR_DETERMINERS: frozenset[str] = frozenset({"a", "an", "one", "another"})
# Victims that state zero ("no one was killed").
ZERO_WORDS: frozenset[str] = frozenset({"nobody", "none", "no-one", "noone"})
# Nouns a casualty count is never about: "48 hours", "20 million tonnes".
UNIT_NOUNS: frozenset[str] = frozenset({
    "hour", "minute", "second", "day", "week", "month", "year", "decade", "tonne", "ton",
    "kilometre", "kilometer", "km", "mile", "metre", "meter", "percent", "per", "%",
    "dollar", "euro", "pound", "rupee", "time", "round", "missile", "drone", "rocket",
    "shell", "vote",
})
# Clauses that are not statements of fact: "threatened to kill 10 hostages".
MODAL_AUXILIARIES: frozenset[str] = frozenset({
    "will", "would", "could", "might", "may", "can", "should", "must", "shall", "'ll", "wo",
})
NUMBER_ENTITY_EXCLUDED: frozenset[str] = frozenset({
    "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL",
})

_NUMBER_PHRASE_DEPS = frozenset({"advmod", "quantmod", "compound", "nummod", "amod", "det",
                                 "punct", "cc", "npadvmod"})
_COUNT_CHILD_DEPS = frozenset({"nummod", "compound", "amod", "quantmod", "det", "nmod"})

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Casualties:
    """Counts of killed and injured stated for one event; None when not stated."""

    killed: int | None
    injured: int | None


@dataclass(frozen=True)
class CasualtyMention:
    """One stated count: its kind, value and where it is in the doc.

    kind (str): "killed" or "injured".
    count (int | None): the number; None when the text is vague ("several others").
    text (str): the number phrase as written ("at least 13").
    start, end (int): character offsets of ``text`` in the doc.
    trigger (str): the word that makes it a casualty ("killing", "wounded", "toll").
    revised (bool): it revises an earlier count ("the toll had risen to 105").
    """

    kind: str
    count: int | None
    text: str
    start: int
    end: int
    trigger: str
    revised: bool = False


# --------------------------------------------------------------------------- numbers

_QUALIFIER_RE = re.compile(
    r"^(?:" + "|".join(re.escape(q) for q in NUMBER_QUALIFIERS) + r")\b\s*"
)
_DIGITS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")


def _words_to_number(words: list[str]) -> int | None:
    """ "one hundred and twenty" → 120, "1.2 million" → 1200000; None if not a number."""
    total, current, seen = 0.0, 0.0, False
    for i, word in enumerate(words):
        if word == "and" and seen:
            continue
        if word in {"a", "an"} and i + 1 < len(words) and words[i + 1] in SCALES:
            current, seen = max(current, 1.0), True
            continue
        if _DIGITS_RE.match(word):
            current += float(word.replace(",", ""))
        elif word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            if SCALES[word] >= 1_000:
                total, current = total + max(current, 1.0) * SCALES[word], 0.0
            else:
                current = max(current, 1.0) * SCALES[word]
        else:
            return None
        seen = True
    value = total + current
    return int(value) if seen and value.is_integer() else None


def parse_number(text: str) -> int | None:
    """Read a stated count: digits, number words and qualified numbers.

    "26" → 26, "1,200" → 1200, "thirteen" → 13, "forty" → 40, "two dozen" → 24,
    "1.2 million" → 1200000, "at least 26" → 26, "more than 5,000" → 5000; vague
    quantities ("several", "many", "scores", "dozens", "hundreds", "tens of
    thousands") and anything that is not a number give None.

    Args:
        text: the number phrase.

    Returns:
        The integer, or None when the phrase states no exact number.
    """
    if not isinstance(text, str):
        return None
    s = text.lower().replace("\u2013", "-").strip(" .,;:!?()\"'")
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", s)
    s = re.sub(r"\s+", " ", s)
    previous = None
    while s and s != previous:
        previous = s
        s = _QUALIFIER_RE.sub("", s).strip()
    if not s:
        return None
    words = s.split()
    if any(w in VAGUE_QUANTITIES for w in words):
        return None
    if words in (["half", "a", "dozen"], ["half", "dozen"]):
        return 6
    return _words_to_number(words)


# --------------------------------------------------------------------------- parse rules


def _is_number(token: Token) -> bool:
    low = token.lower_
    if token.ent_type_ in NUMBER_ENTITY_EXCLUDED:
        return False
    if token.head.lower_ in {"year", "years"} or token.head.lemma_ == "old":
        return False  # "35-year-old"
    return (token.like_num or low in UNITS or low in TENS or low in SCALES
            or low.rstrip("s") in SCALES)


def _number_phrase(token: Token) -> list[Token]:
    """The number token with its qualifiers: "at least 13", "two dozen", "1.2 million"."""
    keep = {token.i}
    stack = [token]
    while stack:
        current = stack.pop()
        for child in current.children:
            if child.dep_ in _NUMBER_PHRASE_DEPS and child.i not in keep:
                keep.add(child.i)
                stack.append(child)
    # Only the contiguous run around the number.
    doc = token.doc
    lo = hi = token.i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    return list(doc[lo:hi + 1])


def _attached_number(noun: Token) -> Token | None:
    """The number that counts a noun: "26 civilians", "forty CRPF personnel".

    The number is a modifier on the left of the noun, reached from it through
    modifier relations only (the parser may hang "forty" on the compound "CRPF").
    """
    found = []
    for token in noun.doc[noun.left_edge.i:noun.i]:
        if not _is_number(token) or (_is_number(token.head) and token.head.i != noun.i):
            continue
        current, path_ok = token, True
        while current.i != noun.i:
            if current.dep_ not in _COUNT_CHILD_DEPS or current.head is current:
                path_ok = False
                break
            current = current.head
        if path_ok:
            found.append(token)
    direct = [t for t in found if t.head.i == noun.i]
    return (direct or found or [None])[0]


def _count_of(victim: Token) -> tuple[bool, int | None, list[Token]]:
    """(stated, count, number tokens) for a victim token.

    ``stated`` is False when the victim carries no quantity at all ("the officer").
    """
    low = victim.lower_
    if low in ZERO_WORDS or any(c.dep_ == "det" and c.lower_ == "no" for c in victim.children):
        return True, 0, [victim]
    if _is_number(victim) or low in VAGUE_QUANTITIES:  # "five of them", "dozens of"
        tokens = _number_phrase(victim)
        text = victim.doc[tokens[0].i:tokens[-1].i + 1].text
        return True, parse_number(text), tokens
    if victim.lemma_.lower() in UNIT_NOUNS:
        return False, None, []
    number = _attached_number(victim)
    if number is not None:
        tokens = _number_phrase(number)
        text = victim.doc[tokens[0].i:tokens[-1].i + 1].text
        return True, parse_number(text), tokens
    for child in victim.children:
        if child.lower_ in VAGUE_QUANTITIES and child.i < victim.i:
            return True, None, [child]
    if low == "another" or (
        victim.tag_ in {"NN", "NNP"}
        and any(c.dep_ in {"det", "nummod"} and c.lower_ in SINGULAR_DETERMINERS
                for c in victim.children)
    ):
        return True, 1, [victim]
    return False, None, []


def _count_with_conjuncts(victim: Token) -> tuple[bool, int | None, list[Token]]:
    """Sum "5 soldiers and 3 civilians"; a vague conjunct makes the sum vague."""
    stated, count, tokens = _count_of(victim)
    for conj in victim.conjuncts:
        if conj.i < victim.i or conj.pos_ == "VERB":
            continue
        c_stated, c_count, c_tokens = _count_of(conj)
        if not c_stated:
            continue
        stated = True
        count = None if count is None or c_count is None else count + c_count
        tokens = tokens + c_tokens
    return stated, count, tokens


def _is_hypothetical(verb: Token) -> bool:
    for v in (verb, verb.head) if verb.dep_ == "conj" else (verb,):
        for child in v.children:
            if child.dep_ == "neg":
                return True
            if child.dep_ in {"aux", "auxpass"} and (
                child.lower_ in MODAL_AUXILIARIES or child.tag_ == "TO"
            ):
                return True
    return False


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def _child(token: Token, deps: Iterable[str]) -> Token | None:
    deps = set(deps)
    return next((c for c in token.children if c.dep_ in deps), None)


def _has_dead_result(verb: Token) -> bool:
    for child in verb.children:
        if child.lower_ in DEAD_RESULTS and child.dep_ in {"acomp", "oprd", "advmod", "xcomp"}:
            return True
        if child.dep_ == "prt" and child.lower_ == "down" and verb.lemma_ == "gun":
            return True
        if child.dep_ == "prep" and child.lower_ == "to" and any(
            g.lower_ == "death" for g in child.children
        ):
            return True
        if child.dep_ == "dobj" and any(
            g.lower_ in DEAD_RESULTS and g.dep_ == "amod" for g in child.children
        ):
            return True
    return False


def _verb_kind(verb: Token) -> str | None:
    lemma = verb.lemma_.lower()
    if lemma in KILL_VERBS or verb.lower_ in {"martyred", "killed"}:
        return KILLED
    if lemma in INJURE_VERBS or verb.lower_ in {"injured", "wounded"}:
        return INJURED
    if lemma in DIE_VERBS:
        return "die"
    if lemma in MANNER_VERBS and _has_dead_result(verb):
        return KILLED
    return None


def _victim(verb: Token, kind: str) -> Token | None:
    if kind == "die":
        return _child(verb, {"nsubj"})
    if _is_passive(verb):
        victim = _child(verb, {"nsubjpass"})
        if victim is None and verb.dep_ in {"acl", "amod"} and verb.head.pos_ != "VERB":
            victim = verb.head
        return victim
    if verb.dep_ in {"acl", "amod"} and verb.tag_ == "VBN":
        return verb.head  # "105 soldiers killed in attacks"
    obj = _child(verb, {"dobj", "obj"})
    if obj is not None:
        return obj
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB" and not _is_passive(verb.head):
        shared = _child(verb.head, {"dobj"})
        if shared is not None and shared.i > verb.i:
            return shared  # "shot and killed 12 villagers"
    subject = _child(verb, {"nsubj"})
    if subject is not None and verb.tag_ == "VBN":
        return subject  # headline ellipsis: "22 killed as police fire on protesters"
    return None


def _mention(kind: str, count: int | None, tokens: list[Token], trigger: Token,
             revised: bool = False) -> CasualtyMention:
    doc = trigger.doc
    first, last = (tokens[0], tokens[-1]) if tokens else (trigger, trigger)
    text = doc[first.i:last.i + 1]
    return CasualtyMention(kind, count, text.text, text.start_char, text.end_char,
                           trigger.text, revised)


def _verb_mentions(tokens: Iterable[Token]) -> list[CasualtyMention]:
    out = []
    for verb in tokens:
        if verb.pos_ not in {"VERB", "AUX", "ADJ"}:
            continue
        kind = _verb_kind(verb)
        if kind is None or _is_hypothetical(verb):
            continue
        victim = _victim(verb, kind)
        if victim is None:
            continue
        stated, count, number_tokens = _count_with_conjuncts(victim)
        if stated:
            out.append(_mention(KILLED if kind == "die" else kind, count, number_tokens, verb))
    return out


def _life_mentions(tokens: Iterable[Token]) -> list[CasualtyMention]:
    """ "claimed 30 lives", "13 people lost their lives"."""
    out = []
    for verb in tokens:
        if verb.lemma_.lower() not in LIFE_VERBS or _is_hypothetical(verb):
            continue
        lives = _child(verb, {"dobj"})
        if lives is None or lives.lemma_.lower() not in LIFE_NOUNS:
            continue
        stated, count, number_tokens = _count_of(lives)
        if not stated and verb.lemma_.lower() == "lose":
            subject = _child(verb, {"nsubj"})
            if subject is not None:
                stated, count, number_tokens = _count_with_conjuncts(subject)
        if stated:
            out.append(_mention(KILLED, count, number_tokens, verb))
    return out


def _word_kind(token: Token) -> str | None:
    word = token.lemma_.lower()
    if word in KILLED_WORDS or token.lower_ in KILLED_WORDS:
        return KILLED
    if (word in BODY_NOUNS and token.dep_ in {"dobj", "nsubjpass"}
            and token.head.lemma_.lower() in BODY_VERBS):
        return KILLED
    if word in INJURED_WORDS or token.lower_ in INJURED_WORDS:
        return INJURED
    return None


def _noun_mentions(tokens: Iterable[Token]) -> list[CasualtyMention]:
    """ "22 deaths", "3 dead and 10 wounded", "left 4 people dead"."""
    out = []
    for token in tokens:
        if token.pos_ == "VERB" and token.dep_ != "oprd":
            continue
        kind = _word_kind(token)
        if kind is None:
            continue
        if token.dep_ in {"oprd", "acomp", "xcomp"} and token.head.lemma_ in RESULT_VERBS:
            victim = _child(token.head, {"dobj"})
            if victim is not None:
                stated, count, number_tokens = _count_with_conjuncts(victim)
                if stated:
                    out.append(_mention(kind, count, number_tokens, token))
                continue
        for child in token.children:
            if child.dep_ in {"nummod", "compound", "quantmod"} and child.i < token.i and (
                _is_number(child)
            ):
                number_tokens = _number_phrase(child)
                text = token.doc[number_tokens[0].i:number_tokens[-1].i + 1].text
                out.append(_mention(kind, parse_number(text), number_tokens, token))
                break
    return out


def _toll_kind(noun: Token) -> str:
    words = {c.lemma_.lower() for c in noun.children if c.dep_ in {"compound", "amod"}}
    if words & {"injury", "injured", "wounded"}:
        return INJURED
    return KILLED


def _count_noun_kind(noun: Token) -> str | None:
    """ "the number of dead" → killed; "the number of injured" → injured."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    kind = _word_kind(obj)
                    if kind is None:
                        participle = next((c for c in obj.children if c.dep_ in {"acl", "amod"}),
                                          None)
                        kind = _verb_kind(participle) if participle is not None else None
                    return kind if kind in {KILLED, INJURED} else None
    return None


def _toll_values(verb: Token, preps: set[str], objects: bool) -> list[Token]:
    values = []
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            values.extend(g for g in child.children if g.dep_ == "pobj")
        elif objects and child.dep_ in {"dobj", "attr", "npadvmod"}:
            values.append(child)
    return values


def _toll_mentions(tokens: Iterable[Token]) -> list[CasualtyMention]:
    """ "the death toll rose to 31", "raised the death toll to 22", "a toll of 40"."""
    out = []
    for noun in tokens:
        lemma = noun.lemma_.lower()
        if lemma in TOLL_NOUNS:
            kind = _toll_kind(noun)
        elif lemma in COUNT_NOUNS:
            kind = _count_noun_kind(noun)
            if kind is None:
                continue
        else:
            continue
        head = noun.head
        head_lemma = head.lemma_.lower()
        values: list[Token] = []
        revised = False
        if noun.dep_ in {"nsubj", "nsubjpass"}:
            if head_lemma in REVISED_INTRANSITIVE or head_lemma in REVISED_TRANSITIVE:
                values, revised = _toll_values(head, {"to"}, objects=True), True
            elif head_lemma in STATIC_VERBS:
                values = _toll_values(head, {"at"}, objects=True)
        elif noun.dep_ == "dobj":
            if head_lemma in REVISED_TRANSITIVE:
                values, revised = _toll_values(head, {"to"}, objects=False), True
            elif head_lemma in STATIC_VERBS:
                values = _toll_values(head, {"at"}, objects=False)
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in {"of", "at"}:
                values.extend(g for g in prep.children if g.dep_ == "pobj"
                              and (_is_number(g) or _word_kind(g)))
        for value in values:
            if _is_hypothetical(head) and head is not noun:
                break
            value_kind = _word_kind(value) or kind
            stated, count, number_tokens = _count_of(value)
            if stated:
                out.append(_mention(value_kind, count, number_tokens, noun, revised))
                for conj in value.conjuncts:
                    c_stated, c_count, c_tokens = _count_of(conj)
                    if c_stated and conj.i > value.i:
                        out.append(_mention(_word_kind(conj) or kind, c_count, c_tokens, noun,
                                            revised))
                break
    return out


# --------------------------------------------------------------------------- fallback

_NUM_WORD = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + "|".join(list(TENS) + list(UNITS))
             + r")(?:[- ](?:" + "|".join(UNITS) + r"))?)")
_QUALIFIED = r"(?:(?:" + "|".join(re.escape(q) for q in NUMBER_QUALIFIERS) + r")\s+)?"
_FALLBACK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (KILLED, re.compile(r"\b(?:kill(?:ed|ing|s)?|massacr(?:ed|ing)|shot dead)\s+(?P<num>"
                        + _QUALIFIED + _NUM_WORD + r")\b(?![\s-]*(?:year|hour|day|%|per))",
                        re.I)),
    (INJURED, re.compile(r"\b(?:wound(?:ed|ing|s)?|injur(?:ed|ing|es|e))\s+(?P<num>"
                         + _QUALIFIED + _NUM_WORD + r")\b(?![\s-]*(?:year|hour|day|%|per))",
                         re.I)),
    (KILLED, re.compile(r"(?<![\w,.])(?P<num>" + _QUALIFIED + _NUM_WORD
                        + r")\s+(?:[a-z]+\s+){0,3}?(?:were|was|have been|had been|are|been)"
                        r"\s+(?:[a-z]+ly\s+)?(?:killed|massacred|shot dead)\b", re.I)),
    (INJURED, re.compile(r"(?<![\w,.])(?P<num>" + _QUALIFIED + _NUM_WORD
                         + r")\s+(?:[a-z]+\s+){0,3}?(?:were|was|have been|had been|are|been)"
                         r"\s+(?:[a-z]+ly\s+)?(?:wounded|injured|hurt)\b", re.I)),
)
_FALLBACK_TOLL = re.compile(
    r"\b(?:toll|number of (?:dead|deaths|people killed))\b[^.;]{0,60}?\b"
    r"(?:rose|risen|rises|climbed|increased|jumped|reached|hit|raised|brought|pushed|"
    r"taken|took|revised)\b[^.;]{0,30}?\b(?:to\s+)?(?P<num>" + _QUALIFIED + _NUM_WORD + r")\b",
    re.I,
)


def _looks_like_year(value: int | None, text: str) -> bool:
    return value is not None and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", text.strip())


def _fallback_mentions(span: Span | Doc, kinds: set[str]) -> list[CasualtyMention]:
    text = span.text
    offset = span.start_char if isinstance(span, Span) else 0
    out = []
    for kind, pattern in _FALLBACK_PATTERNS:
        if kind not in kinds:
            continue
        for m in pattern.finditer(text):
            number = m.group("num")
            value = parse_number(number)
            if value is None or _looks_like_year(value, number):
                continue
            out.append(CasualtyMention(kind, value, number, m.start("num") + offset,
                                       m.end("num") + offset, m.group(0).split()[0]))
    return out


def _check(span: Span | Doc) -> None:
    if not isinstance(span, Span | Doc):
        raise BadInput("span", f"expected a spaCy Span or Doc, got {type(span).__name__}")


# --------------------------------------------------------------------------- public API


def casualty_mentions(span: Span | Doc) -> list[CasualtyMention]:
    """Every casualty count stated in a sentence or document, in text order.

    Args:
        span: a spaCy ``Span`` (usually a sentence or clause) or ``Doc``.

    Returns:
        The mentions, including vague ones (``count=None``) and death tolls
        (``revised=True`` for "the toll rose to 31").

    Raises:
        BadInput: when ``span`` is not a spaCy Span or Doc.
    """
    _check(span)
    tokens = list(span)
    found = (_verb_mentions(tokens) + _life_mentions(tokens) + _noun_mentions(tokens)
             + _toll_mentions(tokens))
    # The regular expressions only stand in for a parse that found no kill/injure
    # verb at all; a verb the parse saw and set aside (negated, hypothetical, no
    # count) stays set aside.
    seen = {KILLED if kind == "die" else kind
            for kind in (_verb_kind(t) for t in tokens if t.pos_ in {"VERB", "AUX", "ADJ"})
            if kind is not None}
    missing = {KILLED, INJURED} - {m.kind for m in found} - seen
    if missing:
        found += _fallback_mentions(span, missing)
    unique: dict[tuple[int, int, str], CasualtyMention] = {}
    for mention in sorted(found, key=lambda m: (m.start, not m.revised)):
        unique.setdefault((mention.start, mention.end, mention.kind), mention)
    # A number read as both killed (by its verb) and injured (by a later word) keeps the first.
    by_span: dict[tuple[int, int], CasualtyMention] = {}
    for mention in unique.values():
        by_span.setdefault((mention.start, mention.end), mention)
    return sorted(by_span.values(), key=lambda m: m.start)


def casualties(span: Span | Doc) -> Casualties:
    """The killed and injured counts stated in a sentence or clause (ANNOTATION.md §6).

    The first exact count of each kind is taken ("Four soldiers were martyred,
    while twelve attackers were killed" gives 4); use ``casualty_mentions`` to see
    them all. Vague counts ("injuring several others") leave the kind None.

    Args:
        span: a spaCy ``Span`` (usually a sentence or clause) or ``Doc``.

    Returns:
        ``Casualties(killed, injured)``.

    Raises:
        BadInput: when ``span`` is not a spaCy Span or Doc.
    """
    mentions = casualty_mentions(span)
    killed = next((m.count for m in mentions if m.kind == KILLED and m.count is not None), None)
    injured = next((m.count for m in mentions if m.kind == INJURED and m.count is not None),
                   None)
    return Casualties(killed, injured)


def revised_toll(span: Span | Doc) -> Casualties:
    """A revised toll stated in a sentence: "the toll had risen to 105" (ANNOTATION.md §6).

    Args:
        span: a spaCy ``Span`` (usually a sentence) or ``Doc``.

    Returns:
        ``Casualties`` with the revised killed count, and the injured count when
        the revision states one ("rose to 31 dead and 50 wounded"); both None when
        the sentence revises nothing.

    Raises:
        BadInput: when ``span`` is not a spaCy Span or Doc.
    """
    _check(span)
    tokens = list(span)
    mentions = _toll_mentions(tokens)
    if not any(m.revised for m in mentions):
        offset = span.start_char if isinstance(span, Span) else 0
        m = _FALLBACK_TOLL.search(span.text)
        value = parse_number(m.group("num")) if m else None
        if m is None or value is None or _looks_like_year(value, m.group("num")):
            return Casualties(None, None)
        mentions = [CasualtyMention(KILLED, value, m.group("num"), m.start("num") + offset,
                                    m.end("num") + offset, "toll", True)]
    revised = [m for m in mentions if m.revised]
    if not revised:
        return Casualties(None, None)
    first = revised[0]
    killed = next((m.count for m in revised if m.kind == KILLED and m.count is not None), None)
    injured = next((m.count for m in revised if m.kind == INJURED and m.count is not None), None)
    if injured is None:
        # "the toll rose to 31 dead and 50 wounded": the injured count follows the toll.
        later = [m for m in casualty_mentions(span)
                 if m.kind == INJURED and m.start > first.start and m.count is not None]
        injured = later[0].count if later else None
    return Casualties(killed, injured)
