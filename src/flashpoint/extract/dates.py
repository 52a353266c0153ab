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

Refinements beyond the guideline's examples:

- anaphoric expressions ("the same day", "hours later", "later in the day", "two
  days after", "overnight") take their day from the nearest day the story names
  before them in the span passed to ``date_mentions`` (after them if there is none
  before), and are ``unknown`` without one;
- names in a clause with a future auxiliary ("the truce will become binding on
  August 3") resolve forward, to the first such day not before ``published``;
- deictic words inside a quotation ("'we spoke this evening,' he said") count from
  the day the story is at when the words were spoken, not from ``published``;
- a time after a bounding word ("since midnight", "from dawn") is a limit, not
  the time of an event.

Which event a date belongs to follows the grammar (``event_date``): a date dates
the verb whose clause contains it, not a verb of an embedded relative clause, and
not anything but its noun when it modifies one ("the truce of March 3", "the
March 28 floods"). An event with no date of its own takes the story's
*reference day*: the last day a sentence's main line has named (see
``date_mentions``), carried forward only, never back to sentences before it.

Expressions are found with the regular expressions below, built from the word
lists at the top of this module; spaCy ``DATE``/``TIME`` entities that no pattern
covers are added as a fallback (durations, ages and frequencies are dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Span, Token

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
# Nouns whose "of" phrase is itself a time ("the night of May 7"), unlike an event noun
# that a date only describes ("the truce of March 3").
TIME_NOUNS: frozenset[str] = frozenset(
    set(DAY_PARTS) | {"hour", "day", "eve", "end", "start", "beginning", "middle", "turn",
                      "week", "weekend", "month", "year", "dusk", "daybreak", "date"}
)
# Subordinators of a clause that happens at the time of the clause or time it modifies
# ("in 2019, when the king hosted them"; "as the talks opened").
SIMULTANEOUS_MARKERS: frozenset[str] = frozenset({"when", "as", "while", "whilst", "once",
                                                  "where"})
# Words before a clause that dates it relative to the main clause ("two days after …").
RELATIONAL_MARKERS: frozenset[str] = frozenset({"after", "before"})
# Deictic words that count from the moment of speaking, not from the publication date,
# when they stand inside a quotation ("'We spoke this evening,' he said").
DEICTIC_DAYS: frozenset[str] = frozenset(RELATIVE_DAYS)

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
        + r"(?:(?:few|" + _NUMBER + r")" + _WS + r")?(?:days|weeks|months|years))",
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
    sets_reference (bool): the expression may become the story's reference day, the
        day that later sentences with no date of their own take (see ``date_mentions``).
    """

    text: str
    start: int
    end: int
    date: str | None
    precision: str
    sets_reference: bool = False


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
    r"|in the (?:morning|afternoon|evening|night)|overnight"
    r"|(?:(?:shortly|just|soon|around|about|at|before|after|until|by) )*"
    r"(?:midnight|noon|midday|dawn|dusk|daybreak|nightfall"
    r"|\d{1,2}(?:[:.]\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d\d))$"
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


# --------------------------------------------------------------------------- attaching

_VERBAL = frozenset({"VERB", "AUX"})
_NOMINAL = frozenset({"NOUN", "PROPN"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Dependencies of a date written before the noun it describes ("the March 28 floods",
# "last month's massacre").
_PRENOMINAL = frozenset({"compound", "nmod", "poss", "amod", "nummod", "npadvmod"})
# Clauses inside a noun or prepositional phrase ('a nurse who was abducted on …', 'in
# what officials called a reply to strikes on Wednesday'): the day they name is a
# participant's story, not the point the story has reached.
_EMBEDDED = frozenset({"relcl", "acl", "pcomp"})
_QUOTE_MARKS = re.compile("[\"\u201c\u201d\n]")
_BOUND_BEFORE = re.compile(r"(?i)\b(?:" + "|".join(sorted(UNDATED_PREFIXES)) + r")" + _WS + r"$")


@dataclass(frozen=True)
class _Attachment:
    """Where a date expression hangs in the parse.

    kind: "clause" when it dates the clause of ``host`` (a verb, or the root of a
        verbless sentence); "modifier" when it only describes the noun ``host``
        ("the truce of March 3") and so dates nothing but what that noun names.
    host: the verb (or noun) dated.
    head: the word the expression hangs on directly ("talks" in "talks on Monday").
    """

    kind: str
    host: Token
    head: Token


def _attachment(doc: Doc, start: int, end: int) -> _Attachment | None:
    """The clause or noun a date expression at ``start:end`` belongs to."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    inside = range(span.start, span.end)
    for token in span:  # "two days after his troops detained …": it dates the detention
        if token.dep_ == "mark" and token.lower_ in RELATIONAL_MARKERS \
                and token.head.i not in inside:
            return _Attachment("clause", token.head, token.head)
    root = span.root
    head = root.head
    if head.i == root.i:
        return _Attachment("clause", root, root)
    if head.pos_ in _NOMINAL and head.i >= span.end and root.dep_ in _PRENOMINAL:
        return _Attachment("modifier", head, head)
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in _NOMINAL \
            and head.head.lemma_.lower() not in TIME_NOUNS:
        return _Attachment("modifier", head.head, head.head)
    host = head
    for _ in range(12):  # 'talks with the envoy on Monday': through the nouns to their verb
        if (host.pos_ in _VERBAL and not _ongoing(host)) or host.head.i == host.i:
            break
        host = host.head
    return _Attachment("clause", host, head)


def _ongoing(verb: Token) -> bool:
    """A present participle with no subject of its own ('a depot storing fuel',
    'fired, killing four'): it holds at the time of the clause it hangs on, so a date
    the parser hangs on it dates that clause."""
    return verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl") and not any(
        c.dep_ in _SUBJECTS or c.dep_ == "mark" for c in verb.children)


def _coordination(verb: Token) -> list[Token]:
    """The verb's coordination: its first conjunct, then every verb conjoined with it."""
    top = verb
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    group = [top]
    for member in group:
        group.extend(c for c in member.children if c.dep_ == "conj" and c.pos_ in _VERBAL)
    return group


def _verb_above(token: Token) -> Token | None:
    """``token`` itself when a verb, else the nearest verb above it."""
    node = token
    for _ in range(6):
        if node.pos_ in _VERBAL:
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _governing_clause(top: Token) -> Token | None:
    """The clause whose time ``top``'s clause shares, or None when it has its own time.

    A purpose or participle clause ('flew to Kigali to meet the president', 'fired, killing
    four'), a complement ('was ready to talk') and a clause of simultaneity ('when',
    'as', 'while') happen when their governing clause does, and so, as far as the
    text tells, does reported speech ('said on Thursday that his country was ready').
    Relative clauses and clauses of cause or sequence ('after', 'because') keep their
    own time.
    """
    if top.dep_ in ("xcomp", "acomp"):
        return _verb_above(top.head)
    if top.dep_ == "advcl":
        markers = {c.lower_ for c in top.children if c.dep_ in ("mark", "advmod")}
        purpose = any(c.dep_ == "aux" and c.lower_ == "to" for c in top.children)
        participle = top.tag_ in ("VBG", "VBN") and not any(
            c.dep_ in _SUBJECTS or c.dep_ == "mark" for c in top.children)
        if markers & SIMULTANEOUS_MARKERS or purpose or participle:
            return _verb_above(top.head)
        return None
    if top.dep_ in ("ccomp", "parataxis"):
        return _verb_above(top.head)
    return None


def _main_clause(verb: Token) -> bool:
    """Whether ``verb`` heads the sentence's main clause (or a clause coordinated with
    it), counting a report placed before its 'officials said' as the main clause."""
    top = _coordination(verb)[0]
    if top.dep_ == "ROOT":
        return True
    return top.dep_ in ("ccomp", "parataxis") and top.i < top.head.i and top.head.dep_ == "ROOT"


def _in_phrase(token: Token, noun: Token) -> bool:
    """Whether ``token`` lies in ``noun``'s phrase outside any relative clause in it."""
    node = token
    for _ in range(12):
        if node.i == noun.i:
            return True
        if node.dep_ == "relcl" or node.head.i == node.i:
            return False
        node = node.head
    return False


def _best(found: list[DateMention]) -> DateMention:
    """The first mention that names a time, else the first (a vague time stated)."""
    return next((m for m in found if m.precision != "unknown"), found[0])


def _noun_date(anchor: Token, trigger: Token | None,
               attached: list[tuple[DateMention, _Attachment]]) -> DateMention | None:
    """A date said of the event noun itself: 'the February 14 bombing', 'the attack on
    May 3', 'the bans imposed last month'."""
    words = {anchor.i} | ({trigger.i} if trigger is not None else set())
    own = [m for m, a in attached if a.kind == "modifier" and a.head.i in words]
    if anchor.pos_ in _NOMINAL or anchor.dep_ in _SUBJECTS:
        own += [m for m, a in attached if a.kind == "clause" and _in_phrase(a.head, anchor)]
    return _best(own) if own else None


def _clause_date(clause: Token | None, attached: list[tuple[DateMention, _Attachment]],
                 reference: DateMention | None) -> DateMention | None:
    """The date of ``clause``: its own, its coordinated verbs', that of the clause it
    shares its time with, or ``reference``."""
    for _ in range(5):
        if clause is None:
            break
        group = _coordination(clause)
        members = {t.i for t in group}
        found = [m for m, a in attached if a.kind == "clause" and a.host.i == clause.i]
        found = found or [m for m, a in attached if a.kind == "clause" and a.host.i in members]
        if found:
            return _best(found)
        top = group[0]
        if top.dep_ == "relcl":
            # 'in 2019, when the king hosted them': a clause that hangs on the date itself.
            return next((m for m, a in attached
                         if m.start <= top.head.idx < m.end), reference)
        clause = _governing_clause(top)
    return reference


def event_date(
    anchor: Token,
    mentions: list[DateMention],
    reference: DateMention | None,
    *,
    trigger: Token | None = None,
) -> DateMention | None:
    """The date of the event whose clause is headed by ``anchor``.

    A date expression dates the verb whose clause contains it: not the verb of a
    relative or other embedded clause ('freed a nurse who had been abducted last
    month'), and not as a noun's modifier ('talks since the truce of March 3', 'the
    March 28 floods'), which dates only what
    that noun names. Verbs coordinated with the anchor share its date; a clause
    that happens when another does ('to meet', 'when', reported speech) takes that
    clause's date; a clause that hangs on a date ('in 2019, when the king hosted them')
    takes that date. With none of these the event takes the reference day: one
    this sentence sets, else ``reference``.

    Args:
        anchor: the verb (or event noun) whose clause states the event.
        mentions: the date mentions of the sentence, from ``date_mentions``.
        reference: the story's reference day before this sentence.
        trigger: the event word when it differs from ``anchor`` ('held talks').

    Returns:
        The mention that dates the event, or the reference day (None when unset).
    """
    attached = [(m, a) for m in mentions
                if (a := _attachment(anchor.doc, m.start, m.end)) is not None]
    reference = next((m for m in reversed(mentions) if m.sets_reference), reference)
    if (own := _noun_date(anchor, trigger, attached)) is not None:
        return own
    if anchor.dep_ in _SUBJECTS:  # 'Fighting erupted on April 15'
        clause = _verb_above(anchor.head)
    else:
        clause = None if anchor.pos_ in _NOMINAL else _verb_above(anchor)
    return _clause_date(clause, attached, reference)


# --------------------------------------------------------------------------- finding all


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges inside double quotation marks; a paragraph end closes a quote."""
    ranges: list[tuple[int, int]] = []
    opened: int | None = None
    for m in _QUOTE_MARKS.finditer(text):
        mark = m.group()
        if mark == "\n":
            if opened is not None:
                ranges.append((opened, m.start()))
            opened = None
        elif opened is None and mark != "\u201d":
            opened = m.start()
        elif opened is not None and mark != "\u201c":
            ranges.append((opened, m.end()))
            opened = None
    if opened is not None:
        ranges.append((opened, len(text)))
    return ranges


@dataclass
class _Found:
    """A date expression while ``date_mentions`` resolves it (offsets into the span)."""

    start: int
    end: int
    expression: str
    date: str | None
    precision: str
    attachment: _Attachment | None
    quoted: bool
    future: bool
    anaphoric: bool

    @property
    def relational(self) -> bool:
        """'two days after …': it dates the clause it introduces, not the story's day."""
        return self.expression.lower().rsplit(maxsplit=1)[-1] in RELATIONAL_MARKERS

    @property
    def narrative(self) -> bool:
        """A day the story itself is at: an anchor for 'the same day' and for quotes."""
        a = self.attachment
        return (self.precision == "day" and self.date is not None and not self.quoted
                and not self.future and not self.relational
                and (a is None or (a.kind == "clause" and a.host.dep_ not in _EMBEDDED)))

    @property
    def main(self) -> bool:
        return self.attachment is None or _main_clause(self.attachment.host)


def _expressions(span: Span | Doc, text: str, offset: int) -> list[tuple[int, int]]:
    """Offsets (into ``text``) of the date expressions: pattern matches, longest first
    where they overlap, then spaCy DATE/TIME entities that no pattern covered."""
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
            # 'since midnight', 'from dawn': the bounding word makes it a limit.
            bound = _BOUND_BEFORE.search(text, max(0, start - 16), start)
            chosen.append((bound.start() if bound else start, end))
    return sorted(chosen)


def _deictic(expression: str) -> bool:
    words = _strip_leading(_normalise(expression))
    return words in DEICTIC_DAYS or _strip_trailing(words) in DEICTIC_DAYS


def _day(mention: _Found | None) -> date | None:
    return date.fromisoformat(mention.date) if mention and mention.date else None


def _utterance_day(found: list[_Found], k: int, sentence_end: int) -> date | None:
    """The day the quotation holding ``found[k]`` was spoken: the story's day at that
    point, else a day named later in the sentence ("'… tonight,' he said on Friday")."""
    before = [f for f in found[:k] if f.narrative]
    later = [f for f in found[k + 1:] if f.narrative and f.start < sentence_end]
    return _day(before[-1] if before else later[0] if later else None)


def _anchor_day(found: list[_Found], k: int) -> date | None:
    """The day an anaphor ('the same day', 'hours later') counts from: the nearest day
    the story names before it, else after it; the story's own days first."""
    at = found[k].start
    for pool in ([f for f in found if f.narrative],
                 [f for f in found if f.precision == "day" and f.date and not f.anaphoric]):
        before = [f for f in pool if f.start < at]
        after = [f for f in pool if f.start > at]
        if before or after:
            return _day(before[-1] if before else after[0])
    return None


def _resolve_relative(found: list[_Found], published: date, doc: Doc, offset: int) -> None:
    """Date anaphors from their anchor, and deictic words in quotes from the day spoken."""
    for k, f in enumerate(found):
        if f.anaphoric:
            anchor = _anchor_day(found, k)
            if anchor is not None:
                f.date, f.precision = resolve_date(f.expression, published, anchor=anchor)
        elif f.quoted and _deictic(f.expression):
            token = doc.char_span(f.start + offset, f.end + offset, alignment_mode="expand")
            end = token.sent.end_char - offset if token is not None else f.end
            spoken = _utterance_day(found, k, end)
            if spoken is not None:
                f.date, f.precision = resolve_date(f.expression, spoken, future=f.future)


def _without_hedges(found: list[_Found], text: str) -> list[_Found]:
    """Drop 'recently' right next to a date: 'most recently on April 8'."""
    return [
        f for k, f in enumerate(found)
        if f.expression.lower() not in HEDGE_ADVERBS or not any(
            other.precision != "unknown"
            and not text[min(f.end, other.end):max(f.start, other.start)].strip(" ,")
            for other in found[max(k - 1, 0):k + 2] if other is not f
        )
    ]


def _with_references(found: list[_Found], offset: int) -> list[DateMention]:
    """The mentions, marking those that move the story's reference day.

    A day of the story's own line moves it; one in a subordinate clause only when it
    is not earlier than the day already set: an earlier day there is a flashback
    ('noted that he had visited the base yesterday').
    """
    out: list[DateMention] = []
    reference: str | None = None
    for f in found:
        sets = f.narrative and (f.main or reference is None
                                or (f.date or "") >= reference)
        if sets:
            reference = f.date
        out.append(DateMention(f.expression, f.start + offset, f.end + offset, f.date,
                               f.precision, sets))
    return out


def date_mentions(span: Span | Doc, published: date | datetime | str) -> list[DateMention]:
    """Find and resolve the date expressions of a sentence or document.

    Anaphoric expressions ("the same day", "hours later", "two days after") are
    resolved from the nearest day the story names before them in ``span`` (or,
    failing that, after them), so passing a whole ``Doc`` lets "the same day"
    refer back to the previous sentence; days named in quotations, embedded
    clauses, future clauses or as a noun's modifier serve only when no other day
    does. Names in a clause with a future auxiliary ("will take effect on August
    3") resolve forward. Deictic words inside a quotation ("'we spoke this
    evening,' he said") count from the day the story is at, where the words were
    spoken, rather than from the publication date.

    A mention *sets the reference*, the day that later sentences with no date of
    their own take, when it names a day for the clause of one of the story's
    events: not in a quotation, a relative or other embedded clause, a future
    clause or a noun's modifier, not a day relative to another clause ("ten days
    after …"), and not a subordinate clause's flashback to a day before the
    reference already set.

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
    quoted = _quoted_ranges(text)
    found: list[_Found] = []
    for start, end in _expressions(span, text, offset):
        expression = text[start:end]
        future = _is_future(doc, start + offset, end + offset)
        iso, precision = resolve_date(expression, pub, future=future)
        anaphoric = precision == "unknown" and \
            resolve_date(expression, pub, anchor=pub)[1] == "day"
        found.append(_Found(start, end, expression, iso, precision,
                            _attachment(doc, start + offset, end + offset),
                            any(s <= start < e for s, e in quoted), future, anaphoric))
    _resolve_relative(found, pub, doc, offset)
    return _with_references(_without_hedges(found, text), offset)
