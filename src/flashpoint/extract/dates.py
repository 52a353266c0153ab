"""Date expressions in news text, resolved against the publication date.

The rules are those of the gold annotation guideline, ANNOTATION.md §5 ("When and
where"):

- a weekday ("on Thursday", "early on Wednesday", "Thursday night") is the most
  recent such weekday not after ``published`` (the same day when the article
  appeared on that weekday); "last Saturday" is the most recent Saturday strictly
  before ``published``;
- a day of a month without a year ("April 22", "22 April") is the most recent such
  date not after ``published``; with a year it is taken as written;
- "yesterday"/"last night" is the day before ``published``; "today", "tonight",
  "this morning"/"this evening" are ``published`` itself;
- months ("In August", "in late March", "at the end of June", "last month",
  "earlier this month", "November 2020") have month precision and are written as
  the first of the month; "last October" is the most recent October strictly
  before the month of publication;
- "in 1999" has year precision (``YYYY-01-01``); attributive years ("the 2020
  war") are not treated as event times;
- vague expressions ("last week", "this year", "weeks earlier", "recently",
  "since April", "until Monday") are mentions with precision ``unknown`` and no
  date.

Two refinements go beyond the guideline's examples. Anaphoric expressions ("the
same day", "hours later", "later in the day", "two days after") take their day
from the nearest day-precision mention before them in the span passed to
``date_mentions`` (after them if there is none before), and are ``unknown``
without one. Names in a clause with a future auxiliary ("the truce will become
binding on August 3") resolve forward, to the first such day not before
``published``.

Expressions are found with the regular expressions below, built from the word
lists at the top of this module; spaCy ``DATE``/``TIME`` entities that no pattern
covers are added as a fallback (durations, ages and frequencies are dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Span

from flashpoint.errors import BadInput

# --------------------------------------------------------------------------- lexicon

WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
MONTHS: tuple[str, ...] = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
# Abbreviations are only recognised next to a day number ("Sept. 14", "14 Dec").
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
DAY_PARTS: tuple[str, ...] = (
    "morning", "afternoon", "evening", "night", "midday", "noon", "dawn",
)
# Relative day words and their offset in days from the publication date.
RELATIVE_DAYS: dict[str, int] = {
    "the day before yesterday": -2,
    "yesterday": -1,
    "last night": -1,
    "last evening": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "this night": 0,
    "tomorrow": 1,
}
# Small number words, for "two days ago".
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
# Words that may precede a date without changing the day it names. They are kept
# in the mention text but ignored when resolving. Longest first.
LEADING_FILLERS: tuple[str, ...] = (
    "in the early hours of", "in the small hours of", "early in the morning of",
    "in the early morning of", "in the morning of", "in the afternoon of",
    "in the evening of", "on the morning of", "on the afternoon of",
    "on the evening of", "on the night of", "the night of", "the morning of",
    "towards the end of", "toward the end of", "by the end of", "at the end of",
    "at the start of", "at the beginning of", "at the turn of", "in the middle of",
    "the end of", "the start of", "the beginning of", "the middle of",
    "early on", "late on", "earlier on", "later on", "as of",
    "early", "late", "earlier", "later", "mid", "on", "in", "at", "by", "during", "of",
)
# A date after one of these words bounds the event rather than dating it.
UNDATED_PREFIXES: frozenset[str] = frozenset({
    "since", "until", "till", "before", "after", "beyond", "from", "through",
    "throughout", "within", "for", "every", "each", "next", "coming", "following",
})
# Relative periods: month or year precision, or explicitly not datable.
RELATIVE_PERIODS: dict[str, tuple[str, int] | None] = {
    "last month": ("month", -1),
    "past month": ("month", -1),
    "this month": ("month", 0),
    "last year": ("year", -1),
    "past year": ("year", -1),
    "this year": None,
    "last week": None,
    "this week": None,
    "past week": None,
    "last weekend": None,
    "this weekend": None,
}
# Frequencies and durations that spaCy tags DATE/TIME but which never date an event.
FREQUENCY_WORDS: frozenset[str] = frozenset({
    "daily", "weekly", "monthly", "yearly", "annually", "annual", "hourly", "nightly",
})
TIME_UNITS: tuple[str, ...] = (
    "second", "minute", "hour", "day", "week", "fortnight", "month", "year",
    "decade", "century", "centuries",
)
# Words that make a spaCy DATE/TIME entity worth keeping as a (possibly undated) mention.
DATE_WORDS: frozenset[str] = frozenset(
    set(WEEKDAYS) | set(MONTHS) | set(DAY_PARTS)
    | {"yesterday", "today", "tonight", "tomorrow", "midnight", "overnight", "weekend",
       "hours", "recently", "ago", "earlier", "later", "am", "pm", "a.m.", "p.m."}
)

# Undated adverbs dropped when a date follows or precedes them directly.
HEDGE_ADVERBS: frozenset[str] = frozenset({"recently", "lately"})
# Auxiliaries that put a clause in the future ("will take effect on August 3").
FUTURE_AUXILIARIES: frozenset[str] = frozenset({"will", "shall", "'ll", "wo"})

YEAR_MIN, YEAR_MAX = 1000, 2199
_MONTH_NUMBER: dict[str, int] = {name: i + 1 for i, name in enumerate(MONTHS)}
_MONTH_NUMBER.update(MONTH_ABBREVIATIONS)

# --------------------------------------------------------------------------- patterns

_WS = r"[^\S\n]+"
_DAYPART = "|".join(DAY_PARTS)
_WEEKDAY = "|".join(w.capitalize() for w in WEEKDAYS) + "|" + "|".join(WEEKDAYS)
_MONTH_FULL = "|".join(m.capitalize() for m in MONTHS)
_MONTH_ANY = (
    _MONTH_FULL + "|"
    + "|".join(a.capitalize() + r"\.?" for a in sorted(MONTH_ABBREVIATIONS, key=len,
                                                          reverse=True))
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d\-])"
_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)(?![\d\-])"
_NUMBER = r"\d+|" + "|".join(NUMBER_WORDS)
_LEAD = (
    r"(?:(?i:in the (?:early|small) hours of|on the (?:morning|afternoon|evening|night) of"
    r"|in the (?:morning|afternoon|evening) of|(?:early|late|earlier|later) on|as of"
    r"|early|late|earlier|later|on|in|by|since|until|till|before|after|beyond|from|during)"
    + _WS + ")?"
)
# "by", "before", "after" are left out: "by May" is as likely Theresa May as a month.
_MONTH_LEAD = (
    r"(?i:(?:(?:in|since|until|till|during)" + _WS + r")"
    r"(?:(?:early|late|mid)(?:-|" + _WS + r")|the" + _WS + r"(?:end|start|beginning|middle)"
    + _WS + r"of" + _WS + r")?"
    r"|(?:at|by|towards?)" + _WS + r"the" + _WS + r"(?:end|start|beginning|middle|turn)"
    + _WS + r"of" + _WS
    + r"|(?:early|late|mid)(?:-|" + _WS + r")"
    r"|(?:last|this|past|earlier" + _WS + r"in|later" + _WS + r"in)" + _WS + r")"
)

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(r"(?<![\w\-])" + body + r"(?![\w\-])")
    for body in (
        # ISO dates.
        r"\d{4}-\d{2}-\d{2}",
        # Month and day, optional weekday and year: "Friday, April 22, 2023 morning".
        _LEAD + r"(?:(?:" + _WEEKDAY + r"),?" + _WS + r")?(?:" + _MONTH_ANY + r")" + _WS
        + _DAY + r"(?:,?" + _WS + _YEAR + r")?(?:" + _WS + r"(?i:" + _DAYPART + r"))?",
        # Day and month: "22 April", "the 3rd of December 2023".
        _LEAD + r"(?:(?:" + _WEEKDAY + r"),?" + _WS + r")?(?:(?i:the)" + _WS + r")?" + _DAY
        + _WS + r"(?:of" + _WS + r")?(?:" + _MONTH_ANY + r")(?:,?" + _WS + _YEAR + r")?",
        # Month and year: "November 2020", "mid-March 2021".
        _LEAD + r"(?:(?i:early|late|mid)(?:-|" + _WS + r"))?(?:" + _MONTH_FULL + r"),?"
        + _WS + _YEAR,
        # A month named on its own needs a cue: "In August", "at the end of June".
        _MONTH_LEAD + r"(?:" + _MONTH_FULL + r")(?!" + _WS + r"?\d)",
        # Weekdays: "early on Wednesday", "last Saturday", "Thursday night".
        _LEAD + r"(?:(?i:last|this|past|next)" + _WS + r")?(?:" + _WEEKDAY + r")"
        + r"(?:" + _WS + r"(?i:" + _DAYPART + r"))?",
        # Relative days: "yesterday", "last night", "this evening", "two days ago".
        _LEAD + r"(?i:(?:(?:early|late)" + _WS + r")?(?:the day before yesterday|yesterday"
        r"|today|tonight|tomorrow|(?:this|last)" + _WS + r"(?:" + _DAYPART + r"))"
        r"(?:" + _WS + r"(?:" + _DAYPART + r"))?)",
        r"(?i:(?:" + _NUMBER + r")" + _WS + r"days?" + _WS + r"ago)",
        # Relative periods: "last month", "earlier this month", "this year", "last week".
        _LEAD + r"(?i:(?:(?:earlier|later)" + _WS + r")?(?:this|last|past|next)" + _WS
        + r"(?:week|weekend|month|year))",
        # Anaphora, dated only from an anchor day ("the same day", "two days after",
        # "hours later") or not at all ("weeks earlier", "recently").
        r"(?i:(?:(?:a few|several|many|some|" + _NUMBER + r")" + _WS + r")?"
        r"(?:hours?|days?|weeks?|months?|years?|decades?)" + _WS
        + r"(?:ago|earlier|later|before|after|previously))",
        r"(?i:in" + _WS + r"the" + _WS + r"(?:morning|afternoon|evening))",
        r"(?i:(?:in|over)" + _WS + r"(?:the" + _WS + r")?(?:recent|past|last)" + _WS
        + r"(?:few" + _WS + r")?(?:days|weeks|months|years))",
        r"(?i:recently|lately|overnight|(?:earlier|later)" + _WS + r"(?:that|in the|the same)" + _WS
        + r"day|(?:on" + _WS + r")?the" + _WS + r"(?:same|previous|following|next)" + _WS
        + r"(?:day|night|morning|evening|week|month|year)|the day before)",
        # Years with a cue: "in 1999", "since 2014", "mid-2020".
        r"(?i:(?:in|during|since|until|till|before|after|from)" + _WS + r")"
        r"(?:(?i:early|late|mid)(?:-|" + _WS + r"))?(?:(?i:the" + _WS + r"year)" + _WS
        + r")?" + _YEAR + r"(?!s)",
        r"(?i:early|late|mid)(?:-|" + _WS + r")" + _YEAR + r"(?!s)",
    )
)

_AGE = re.compile(r"\d+\s*-?\s*years?\s*-?\s*old|\w+-years?-old|-old$", re.I)
_DURATION = re.compile(
    r"^(?:(?:about|around|nearly|almost|over|more than|less than|at least|up to|some|"
    r"just|only|roughly|another|the|a|an|its|their|his|her|first|second|third|"
    r"several|few|many|\d[\d,.]*|" + "|".join(NUMBER_WORDS) + r"|eleven|twelve|"
    r"twenty|thirty|forty|fifty|sixty|hundred|hundreds|thousands|tens of)[\s\-]+)*"
    r"(?:" + "|".join(TIME_UNITS) + r")s?$",
    re.I,
)
_BARE_YEAR = re.compile(r"^(?:the\s+)?\d{4}s?$", re.I)
_PREVIOUS_WORD = re.compile(r"(?:^|\s)([A-Z][\w'\-]*)[^\S\n]+$")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text, resolved against the publication date.

    text (str): the expression as written ("early on Wednesday", "April 22").
    start, end (int): character offsets of the expression in the doc.
    date (str | None): ISO date; month precision is the first of the month, year
        precision ``YYYY-01-01``; None when the expression cannot be dated.
    precision (str): "day", "month", "year" or "unknown".
    """

    text: str
    start: int
    end: int
    date: str | None
    precision: str


# --------------------------------------------------------------------------- resolving


def _as_date(published: date | datetime | str) -> date:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    if isinstance(published, str):
        try:
            return date.fromisoformat(published.strip()[:10])
        except ValueError:
            pass
    raise BadInput("published", f"expected a date or an ISO date string, got {published!r}")


def _normalise(expression: str) -> str:
    s = expression.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"(\b(?:" + "|".join(MONTH_ABBREVIATIONS) + r"))\.", r"\1", s)
    s = re.sub(r"[,;:()\"]", " ", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" .!?-")


def _strip_leading(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        for filler in LEADING_FILLERS:
            if s == filler:
                return ""
            if s.startswith(filler + " "):
                rest = s[len(filler) + 1:]
                # "earlier this month", "later this week": the filler is part of the phrase.
                if filler in {"earlier", "later"} and rest.split()[0] in {"this", "that"}:
                    return rest
                s = rest
                changed = True
                break
    return s


def _strip_trailing(s: str) -> str:
    words = s.split()
    while len(words) > 1 and words[-1] in DAY_PARTS:
        words.pop()
    return " ".join(words)


def _nearest_day(month: int, day: int, published: date, *, future: bool) -> date | None:
    """The last such day not after ``published`` (or the first not before it)."""
    years = (range(published.year, published.year + 9) if future
             else range(published.year, published.year - 9, -1))
    for year in years:
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if (candidate >= published) if future else (candidate <= published):
            return candidate
    return None


def _month_start(year: int, month: int) -> str:
    return date(year, month, 1).isoformat()


def _shift_month(published: date, months: int) -> tuple[int, int]:
    index = published.year * 12 + published.month - 1 + months
    return index // 12, index % 12 + 1


_UNKNOWN: tuple[None, str] = (None, "unknown")
_RE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RE_DAYS_AGO = re.compile(r"^(" + _NUMBER + r") days? ago$")
_RE_WEEKDAY = re.compile(r"^(?:(last|this|past) )?(" + "|".join(WEEKDAYS) + r")$")
_MONTH_WORD = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_RE_MONTH_DAY = re.compile(
    r"^(?:(?:" + "|".join(WEEKDAYS) + r") )?(?:the )?"
    r"(?:(?P<m1>" + _MONTH_WORD + r") (?P<d1>\d{1,2})(?:st|nd|rd|th)?"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?P<m2>" + _MONTH_WORD + r"))"
    r"(?: (?P<y>\d{4}))?$"
)
_RE_MONTH_YEAR = re.compile(r"^(?:(?:early|late|mid) )?(" + "|".join(MONTHS) + r") (\d{4})$")
_RE_MONTH = re.compile(r"^(?:(last|this|past) )?(" + "|".join(MONTHS) + r")$")
_RE_YEAR = re.compile(r"^(?:(?:early|late|mid) )?(?:the year )?(\d{4})$")
# Anaphoric expressions, datable only from an anchor day stated nearby.
_RE_SAME_DAY = re.compile(
    r"^(?:on )?(?:the same day|that day|(?:later|earlier) (?:that|in the|the same) day"
    r"|(?:(?:a few|several|some|" + _NUMBER + r") )?hours? (?:later|earlier)"
    r"|in the (?:morning|afternoon|evening|night)"
    r"|(?:(?:shortly|just|soon|around|about|at|before|after|until|by) )*"
    r"(?:midnight|noon|midday|dawn|dusk|daybreak|nightfall"
    r"|\d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d\d))$"
)
_RE_NEXT_DAY = re.compile(r"^(?:on )?the (next|following|previous) (?:day|night|morning|evening)$")
_RE_DAYS_FROM = re.compile(r"^(" + _NUMBER + r") days? (later|earlier|after|before)$")
_DAY_SHIFT_SIGN = {"later": 1, "before": 1, "next": 1, "following": 1,
                   "earlier": -1, "after": -1, "previous": -1}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _resolve_anaphor(s: str, anchor: date | None) -> tuple[str | None, str] | None:
    """Expressions such as "the same day" or "two days after": None if not one."""
    if m := _RE_SAME_DAY.match(s):
        shift = 0
    elif m := _RE_NEXT_DAY.match(s):
        shift = _DAY_SHIFT_SIGN[m[1]]
    elif m := _RE_DAYS_FROM.match(s):
        # "X on Friday, two days after Y": Y happened two days before the anchor.
        shift = _DAY_SHIFT_SIGN[m[2]] * _number(m[1])
    else:
        return None
    if anchor is None:
        return _UNKNOWN
    return (anchor + timedelta(days=shift)).isoformat(), "day"


def resolve_date(
    expression: str,
    published: date | datetime | str,
    *,
    anchor: date | None = None,
    future: bool = False,
) -> tuple[str | None, str]:
    """Resolve one date expression against the publication date (ANNOTATION.md §5).

    Args:
        expression: the expression as written, with or without its preposition
            ("on Thursday", "early on Wednesday", "April 22", "in late March").
        published: the article's publication date (a ``date``, ``datetime`` or ISO
            string).
        anchor: the day an anaphoric expression ("the same day", "hours later",
            "two days after") counts from; without it those are undated.
        future: the expression dates something still to come ("will take effect
            on August 3"): names without a year then resolve to the first such day
            or month not before ``published`` instead of the last one not after it.

    Returns:
        ``(iso_date, precision)``: the ISO date (first of the month for month
        precision, ``YYYY-01-01`` for year precision) and one of ``"day"``,
        ``"month"``, ``"year"``; ``(None, "unknown")`` when the expression does
        not name a datable time.

    Raises:
        BadInput: when ``published`` is not a date.
    """
    pub = _as_date(published)
    if not isinstance(expression, str):
        return _UNKNOWN
    s = _normalise(expression)
    if (out := _resolve_anaphor(s, anchor)) is not None:
        return out
    s = _strip_leading(s)
    if not s or s.split()[0] in UNDATED_PREFIXES:
        return _UNKNOWN
    if (out := _resolve_anaphor(s, anchor)) is not None:
        return out

    if s in RELATIVE_DAYS:
        return (pub + timedelta(days=RELATIVE_DAYS[s])).isoformat(), "day"
    if s in RELATIVE_PERIODS:
        rule = RELATIVE_PERIODS[s]
        if rule is None:
            return _UNKNOWN
        unit, offset = rule
        if unit == "month":
            return _month_start(*_shift_month(pub, offset)), "month"
        return date(pub.year + offset, 1, 1).isoformat(), "year"

    s = _strip_trailing(s)
    if s in RELATIVE_DAYS:  # "yesterday morning", "tomorrow night"
        return (pub + timedelta(days=RELATIVE_DAYS[s])).isoformat(), "day"

    if m := _RE_ISO.match(s):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "day"
        except ValueError:
            return _UNKNOWN
    if m := _RE_DAYS_AGO.match(s):
        return (pub - timedelta(days=_number(m[1]))).isoformat(), "day"
    if m := _RE_WEEKDAY.match(s):
        wanted = WEEKDAYS.index(m[2])
        if m[1] in {"last", "past"}:
            return (pub - timedelta(days=(pub.weekday() - wanted - 1) % 7 + 1)).isoformat(), "day"
        if future:
            return (pub + timedelta(days=(wanted - pub.weekday()) % 7)).isoformat(), "day"
        return (pub - timedelta(days=(pub.weekday() - wanted) % 7)).isoformat(), "day"
    if m := _RE_MONTH_DAY.match(s):
        month = _MONTH_NUMBER[m["m1"] or m["m2"]]
        day = int(m["d1"] or m["d2"])
        if m["y"]:
            try:
                return date(int(m["y"]), month, day).isoformat(), "day"
            except ValueError:
                return _UNKNOWN
        found = _nearest_day(month, day, pub, future=future)
        return (found.isoformat(), "day") if found else _UNKNOWN
    if m := _RE_MONTH_YEAR.match(s):
        year = int(m[2])
        if not YEAR_MIN <= year <= YEAR_MAX:
            return _UNKNOWN
        return _month_start(year, _MONTH_NUMBER[m[1]]), "month"
    if m := _RE_MONTH.match(s):
        month = _MONTH_NUMBER[m[2]]
        if m[1] in {"last", "past"}:
            year = pub.year if month < pub.month else pub.year - 1
        elif future:
            year = pub.year if month >= pub.month else pub.year + 1
        else:
            year = pub.year if month <= pub.month else pub.year - 1
        return _month_start(year, month), "month"
    if m := _RE_YEAR.match(s):
        year = int(m[1])
        if YEAR_MIN <= year <= YEAR_MAX:
            return date(year, 1, 1).isoformat(), "year"
    return _UNKNOWN


# --------------------------------------------------------------------------- finding


def _capitalised_name_before(text: str, start: int) -> bool:
    """True when a month+day match directly follows a capitalised word inside a name.

    "The Unaizah May 1" is a boat, not a date; "Friday, May 1" and a sentence that
    starts with the month are not affected.
    """
    m = _PREVIOUS_WORD.search(text[:start])
    if not m:
        return False
    word = m.group(1)
    if word.lower() in WEEKDAYS or word.lower() in LEADING_FILLERS:
        return False
    before = text[: m.start(1)].strip()
    return bool(before) and before[-1] not in ".!?:\n\"'"


def _keep_entity(text: str) -> bool:
    """Whether a spaCy DATE/TIME entity no pattern covered is worth a mention."""
    low = text.lower().strip()
    if not low or _AGE.search(low) or low in FREQUENCY_WORDS:
        return False
    if _DURATION.match(low) or _BARE_YEAR.match(low):
        return False
    if re.sub(r"'s$", "", low) in MONTHS:
        return False  # a month without a cue ("by May's own party"): the patterns decide
    words = set(re.findall(r"[a-z.]+", low))
    return bool(words & DATE_WORDS) or bool(re.search(r"\b\d{4}\b", low))


def _is_future(doc: Doc, start: int, end: int) -> bool:
    """True when the clause the expression belongs to has a future auxiliary."""
    tokens = doc.char_span(start, end, alignment_mode="expand")
    if tokens is None or not len(tokens):
        return False
    verb = tokens.root
    for _ in range(4):
        if verb.pos_ in {"VERB", "AUX"} or verb.head is verb:
            break
        verb = verb.head
    clauses = [verb, verb.head] if verb.dep_ == "conj" else [verb]
    return any(child.dep_ in {"aux", "auxpass"} and child.lower_ in FUTURE_AUXILIARIES
               for clause in clauses for child in clause.children)


def date_mentions(span: Span | Doc, published: date | datetime | str) -> list[DateMention]:
    """Find and resolve the date expressions of a sentence or document.

    Anaphoric expressions ("the same day", "hours later", "two days after") are
    resolved from the nearest day-precision mention before them in ``span`` (or,
    failing that, after them), so passing a whole ``Doc`` lets "the same day"
    refer back to the previous sentence. Names in a clause with a future
    auxiliary ("will take effect on August 3") resolve forward.

    Args:
        span: a spaCy ``Span`` (usually a sentence) or ``Doc``.
        published: the article's publication date.

    Returns:
        The mentions in text order, each with offsets into the doc and its
        resolution (see ``resolve_date``). Expressions that cannot be dated are
        included with precision ``"unknown"`` so that callers can tell "no date
        stated" from "a vague date stated".

    Raises:
        BadInput: when ``span`` is not a spaCy Span or Doc, or ``published`` is
            not a date.
    """
    if not isinstance(span, Span | Doc):
        raise BadInput("span", f"expected a spaCy Span or Doc, got {type(span).__name__}")
    pub = _as_date(published)
    text = span.text
    doc = span.doc if isinstance(span, Span) else span
    offset = span.start_char if isinstance(span, Span) else 0
    if not text.strip():
        return []

    found: list[tuple[int, int]] = []
    rejected: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if m.start() == m.end():
                continue
            first = m.group(0).split()[0]
            if first[0].isupper() and first.lower().rstrip(".") in _MONTH_NUMBER and (
                _capitalised_name_before(text, m.start())
            ):
                rejected.append((m.start(), m.end()))
                continue
            found.append((m.start(), m.end()))
    # Keep the longest match where matches overlap.
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda se: (-(se[1] - se[0]), se[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))

    for ent in span.ents:
        if ent.label_ not in {"DATE", "TIME"}:
            continue
        start, end = ent.start_char - offset, ent.end_char - offset
        if any(start < e and end > s for s, e in chosen + rejected):
            continue
        if _keep_entity(ent.text):
            chosen.append((start, end))
    chosen.sort()

    resolved: list[tuple[int, int, str, str | None, str]] = []
    pending: list[int] = []
    for start, end in chosen:
        expression = text[start:end]
        future = _is_future(doc, start + offset, end + offset)
        iso, precision = resolve_date(expression, pub, future=future)
        if precision == "unknown" and resolve_date(expression, pub, anchor=pub)[1] == "day":
            pending.append(len(resolved))  # anaphoric: needs an anchor
        resolved.append((start, end, expression, iso, precision))

    for index in pending:
        start, end, expression, _, _ = resolved[index]
        before = [r for r in resolved[:index] if r[4] == "day" and r[3]]
        after = [r for r in resolved[index + 1:] if r[4] == "day" and r[3]]
        anchor_mention = before[-1] if before else after[0] if after else None
        if anchor_mention is None:
            continue
        anchor = date.fromisoformat(anchor_mention[3])
        iso, precision = resolve_date(expression, pub, anchor=anchor)
        resolved[index] = (start, end, expression, iso, precision)

    # "most recently on April 8": "recently" right next to a date adds nothing.
    kept = [
        r for k, r in enumerate(resolved)
        if r[2].lower() not in HEDGE_ADVERBS or not any(
            other[4] != "unknown"
            and not text[min(r[1], other[1]):max(r[0], other[0])].strip(" ,")
            for other in resolved[max(k - 1, 0):k + 2] if other is not r
        )
    ]
    return [DateMention(expression, start + offset, end + offset, iso, precision)
            for start, end, expression, iso, precision in kept]
