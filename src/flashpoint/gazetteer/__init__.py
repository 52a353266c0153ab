"""Flashpoint's built-in knowledge base: who is who in conflict news.

The knowledge base turns the names a news article uses into actor codes
(ANNOTATION.md §3: ISO3 country + sector, ``"IGO"`` + org for international
organisations). It answers six kinds of question:

* ``country("Pak")`` → ``"PAK"``; ``demonym("Congolese")`` → ``"COD"``;
  ``capital("the Kremlin")`` → ``"RUS"``;
* ``organisation("IAF")`` → Indian Air Force (IND MIL), also for
  ``"Azerbaijan's Defence Ministry"`` (AZE GOV) or ``"Pakistani troops"``
  (PAK MIL), built from a country and a group noun;
* ``person("Rubio", on=date(2025, 5, 8))`` → Marco Rubio (USA GOV, secretary
  of state) and ``office_holder("USA", "secretary of state", on)``;
* ``role("spokeswoman")`` → the title, the sector it implies and whether it
  names one person.

Every lookup normalises whitespace, curly apostrophes, a leading "the " and a
trailing possessive "'s", and returns ``None`` for text it does not know: it
never guesses. Short all-capital forms are case-sensitive ("US" is the United
States, "us" is not); other names are not, except a few that are also ordinary
English words ("turkey", "chad") when written in lower case.

The data ships as CSV/TSV files in ``flashpoint/gazetteer/data/`` (one row per
entry; see each file's header). ``default_kb()`` loads them once per process
and then every file named in the ``FLASHPOINT_KB`` environment variable
(separated by ``os.pathsep``).

User files
----------
``KnowledgeBase.add_file(path)`` adds entries from a CSV (``.csv``), TSV
(``.tsv``) or YAML (``.yaml``/``.yml``) file. User entries win over built-in
ones that share a name or alias. Fields:

========  ==================================================================
name      canonical name (required)
aliases   other names; a list in YAML, ``|``-separated in CSV
short     persons only: surname-like short forms matched only when
          unambiguous on the date asked (default: derived from the name;
          ``-`` for none)
country   ISO3 code (or a country name), ``IGO`` or empty
sector    one of GOV MIL COP SPY JUD LEG PTY OPP REB UAF CVL MED BUS NGO REL
          LAB EDU IGO, or empty
org       short code of an international organisation (required with IGO)
kind      person, institution, igo, group or media (default: person when a
          role, short form or date is given; else igo, group or media from
          the country/sector; else institution)
role      persons: the title held ("prime minister")
start     first day in office or in effect, ISO date (optional)
end       last day, ISO date (optional; empty while still in office)
terms     YAML only: a list of {role, start, end, country, sector, org}
          mappings, one per term, that override the fields above
note      free text, ignored
========  ==================================================================

Rows that share a name add terms to the same person (or dated variants to the
same organisation). Example YAML::

    - name: Jane Doe
      aliases: [J. Doe]
      country: KEN
      sector: GOV
      terms:
        - {role: interior minister, start: 2024-08-08}
        - {role: senator, sector: LEG, start: 2017-08-31, end: 2024-08-07}
    - name: Coastal Liberation Front
      aliases: [CLF]
      country: KEN
      sector: REB

The same as CSV::

    name,aliases,country,sector,org,kind,role,start,end
    Jane Doe,J. Doe,KEN,GOV,,person,interior minister,2024-08-08,
    Jane Doe,J. Doe,KEN,LEG,,person,senator,2017-08-31,2024-08-07
    Coastal Liberation Front,CLF,KEN,REB,,group,,,

A problem in a user file raises :class:`~flashpoint.errors.KnowledgeBaseError`
naming the file and the line (CSV) or entry and line (YAML).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flashpoint.errors import KnowledgeBaseError
from flashpoint.model import SECTORS

__all__ = ["Entry", "KnowledgeBase", "Role", "default_kb"]

KINDS = ("country", "capital", "institution", "igo", "group", "person", "media")
_USER_KINDS = frozenset({"institution", "igo", "group", "person", "media"})
_FIELDS = ("name", "aliases", "short", "country", "sector", "org", "kind", "role",
           "start", "end", "note", "terms")
_TERM_FIELDS = frozenset({"role", "start", "end", "country", "sector", "org", "note"})
_ORG_FILES = (("institutions.csv", "institution"), ("igos.csv", "igo"),
              ("armed_groups.csv", "group"), ("media.csv", "media"),
              ("ngos.csv", "institution"))
_ENV_VAR = "FLASHPOINT_KB"
_EXTRA = "\0extra"

# Surname rules: family name first, or no family name at all.
_FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM"})
_GIVEN_NAME_USED = frozenset({"ETH", "ERI"})
_NO_SURNAME = frozenset({"MMR"})
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_PATRONYMIC = frozenset({"bin", "bint", "ibn", "binti"})
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "du", "la", "le", "del",
                        "della", "dos", "das", "al", "el", "ter", "vel"})
_ARTICLE_PREFIXES = ("al-", "el-", "as-", "ad-", "ash-", "ar-", "an-", "at-")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "sheikh",
                         "shaikh", "prince", "princess", "mawlawi", "mullah", "sayyed",
                         "sayyid", "hon", "honourable", "senior", "acting", "former",
                         "ousted", "deputy", "top", "new", "interim", "caretaker"})
_PP_SPLIT = re.compile(r"\s+(?:in|to|at|for|of|on|from|with)\s+", re.IGNORECASE)
_MINISTRY = re.compile(
    r"^(?:(?:[a-z'&]+,? )(?:and )?){0,4}(?:ministry|department)$"
    r"|^(?:ministry|department|secretariat) (?:of|for) .+$")

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u2010": "-", "\u2011": "-", "\u00a0": " "})


@dataclass(frozen=True)
class Entry:
    """A known actor: a country, capital, institution, IGO, armed group, outlet or person.

    Attributes:
        name: Canonical name ("Marco Rubio", "State Department", "Hamas").
        country: ISO3 code, ``"IGO"``, ``"XKX"`` (Kosovo), or ``None``.
        sector: One of ``model.SECTORS`` or ``None``.
        org: Short code of an international organisation when ``country`` is
            ``"IGO"`` ("UN", "NATO", "EU").
        kind: "country", "capital", "institution", "igo", "group", "person" or "media".
        role: For persons, the title held on the date asked ("prime minister").
    """

    name: str
    country: str | None
    sector: str | None
    org: str | None = None
    kind: str = ""
    role: str | None = None


@dataclass(frozen=True)
class Role:
    """A title or group noun and the sector it implies.

    Attributes:
        title: Normalised title ("prime minister", "spokesperson", "armed forces").
        sector: Sector it implies, or ``None`` when it comes from the body named
            with it (a spokesperson speaks for someone).
        person: True for titles of individuals ("minister"), False for group
            nouns and plurals ("troops", "ministers").
    """

    title: str
    sector: str | None
    person: bool


@dataclass(frozen=True)
class _Term:
    """One office (or state) of a person or dated organisation."""

    country: str | None
    sector: str | None
    org: str | None
    role: str | None
    start: date | None
    end: date | None

    @property
    def timeless(self) -> bool:
        return self.start is None and self.end is None

    def covers(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class _Record:
    """One validated row of a data or user file."""

    name: str
    aliases: tuple[str, ...]
    short: tuple[str, ...] | None
    kind: str
    term: _Term
    where: str


@dataclass
class _Person:
    name: str
    terms: list[_Term] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    short: set[str] = field(default_factory=set)


@dataclass
class _Org:
    name: str
    kind: str
    source: int
    variants: list[_Term] = field(default_factory=list)


@dataclass(frozen=True)
class _RoleDef:
    title: str
    sector: str | None
    person: bool
    inherits: bool


@dataclass(frozen=True)
class _Tables:
    """Parsed built-in data (shared by every KnowledgeBase instance)."""

    countries: tuple[tuple[str, str, tuple[str, ...]], ...]
    demonyms: tuple[tuple[str, str, tuple[str, ...]], ...]
    capitals: tuple[tuple[str, str, tuple[str, ...]], ...]
    homographs: frozenset[str]
    roles: tuple[tuple[str, str | None, bool, bool, tuple[str, ...], tuple[str, ...]], ...]
    offices: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]
    org_rows: tuple[tuple[str, str, int, dict[str, str]], ...]
    person_rows: tuple[tuple[str, int, dict[str, str]], ...]


# --------------------------------------------------------------------------- text helpers


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    """Normalise quotes, dashes and whitespace; drop a trailing possessive."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = " ".join(text.split()).strip(" ,;:!?\"")
    if text.endswith("'s") or text.endswith("'S"):
        text = text[:-2]
    elif text.endswith("'") and len(text) > 1 and text[-2] in "sS":
        text = text[:-1]
    return text.strip()


def _without_the(text: str) -> str | None:
    """The text without a leading article, or None when it has none."""
    if text[:4].lower() == "the " and len(text) > 4:
        return text[4:].strip()
    return None


@lru_cache(maxsize=65536)
def _deaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Case-, accent-, hyphen- and period-insensitive key."""
    text = _deaccent(text).casefold().replace(".", "").replace("-", " ")
    return " ".join(text.split())


def _is_exact_form(form: str) -> bool:
    """Forms matched case-sensitively: all-capital acronyms and camel-case short forms."""
    letters = [c for c in form if c.isalpha()]
    if not letters:
        return True
    if not any(c.islower() for c in letters):
        return True
    return " " not in form and any(b.isupper() and a.islower() for a, b in zip(form, form[1:],
                                                                               strict=False))


def _exact_key(text: str) -> str:
    return " ".join(_deaccent(text).split())


def _role_key(text: str) -> str:
    text = _clean(text)
    bare = _without_the(text)
    return _fold(bare if bare is not None else text)


def _singulars(word: str) -> list[str]:
    """Candidate singular forms of an English plural (last word of a phrase)."""
    out: list[str] = []
    for plural, singular in (("people", "person"), ("children", "child"), ("men", "man"),
                             ("ies", "y"), ("ves", "f"), ("ses", "s"), ("xes", "x"),
                             ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            out.append(word[: -len(plural)] + singular)
    return out


def _split_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split("|")
    elif isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = [str(value)]
    return tuple(p.strip() for p in parts if p and p.strip())


def _surnames(name: str, country: str | None) -> tuple[str, ...]:
    """Default short forms of a person's name (see the module docstring)."""
    tokens = [t for t in name.split() if t.lower() not in _NAME_SUFFIXES]
    if len(tokens) < 2 or country in _NO_SURNAME:
        return ()
    if any(t.lower() in _PATRONYMIC for t in tokens):
        return ()
    if country in _FAMILY_NAME_FIRST or country in _GIVEN_NAME_USED:
        return (tokens[0],)
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1].lower() in _PARTICLES:
        i -= 1
    surname = " ".join(tokens[i:])
    out = [surname]
    lowered = surname.lower()
    for prefix in _ARTICLE_PREFIXES:
        if lowered.startswith(prefix) and len(surname) > len(prefix) + 1:
            out.append(surname[len(prefix):])
    return tuple(out)


# --------------------------------------------------------------------------- file parsing


def _data_text(name: str) -> str:
    return (resources.files("flashpoint.gazetteer") / "data" / name).read_text(encoding="utf-8")


def _tsv_rows(name: str) -> Iterator[list[str]]:
    for line in _data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _csv_dicts(text: str, where: str, delimiter: str = ",") -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from CSV text, refusing rows with too many fields."""
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, restkey=_EXTRA,
                            strict=True)
    if reader.fieldnames is None:
        return
    header = [h.strip() for h in reader.fieldnames]
    unknown = [h for h in header if h not in _FIELDS]
    if unknown:
        raise KnowledgeBaseError(
            f"{where}, line 1: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(f for f in _FIELDS if f != 'terms')}")
    if "name" not in header:
        raise KnowledgeBaseError(f"{where}, line 1: the header needs a 'name' column")
    reader.fieldnames = header
    last = reader.line_num
    try:
        for row in reader:
            line = last = reader.line_num
            extra = row.pop(_EXTRA, None)  # type: ignore[call-overload]
            if extra is not None:
                raise KnowledgeBaseError(
                    f"{where}, line {line}: {len(header) + len(extra)} fields "
                    f"for {len(header)} columns (quote values that contain the delimiter)")
            values = {k: (v or "").strip() for k, v in row.items()}
            if not any(values.values()) or values.get("name", "").startswith("#"):
                continue
            yield line, values
    except csv.Error as err:
        raise KnowledgeBaseError(f"{where}, line {last + 1}: {err}") from err


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML loader that leaves dates as text, so that they are checked like CSV ones."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_entries(text: str, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (location, mapping) for each entry of a YAML knowledge-base file."""
    try:
        node = yaml.compose(text, Loader=_YamlLoader)
        data = yaml.load(text, Loader=_YamlLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise KnowledgeBaseError(f"{where}{line}: malformed YAML: {problem}") from err
    if data is None:
        return
    items_node = node
    if isinstance(data, dict) and set(data) == {"entries"}:
        data = data["entries"]
        items_node = node.value[0][1]  # type: ignore[union-attr]
    if not isinstance(data, list):
        raise KnowledgeBaseError(
            f"{where}: expected a list of entries (or a mapping with one key 'entries')")
    for i, (item, item_node) in enumerate(zip(data, items_node.value, strict=False), start=1):
        loc = f"{where}, entry {i} (line {item_node.start_mark.line + 1})"
        if not isinstance(item, dict):
            raise KnowledgeBaseError(f"{loc}: expected a mapping of fields, got {item!r}")
        yield loc, item


def _csv_dicts_plain(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a trusted built-in CSV table."""
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Read every built-in data file once per process."""

    def split(cell: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in cell.split("|") if p.strip())

    def triples(name: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        out = []
        for cells in _tsv_rows(name):
            cells += [""] * (3 - len(cells))
            out.append((cells[0].strip(), cells[1].strip(), split(cells[2])))
        return tuple(out)

    roles = []
    for _, row in _csv_dicts_plain(_data_text("roles.csv")):
        roles.append((row["title"], row["sector"] or None, row["person"] == "1",
                      row["inherits"] == "1", split(row["synonyms"]), split(row["members"])))
    offices = []
    for _, row in _csv_dicts_plain(_data_text("offices.csv")):
        offices.append((row["kind"], row["office"], split(row["titles"]),
                        split(row["countries"])))
    homographs = frozenset(line.strip().casefold() for line in
                           _data_text("homographs.tsv").splitlines()
                           if line.strip() and not line.startswith("#"))
    org_rows = []
    for file_name, kind in _ORG_FILES:
        for line, row in _csv_dicts(_data_text(file_name), f"data/{file_name}"):
            org_rows.append((file_name, kind, line, row))
    person_rows = [("data/persons.csv", line, row)
                   for line, row in _csv_dicts(_data_text("persons.csv"), "data/persons.csv")]
    return _Tables(triples("countries.tsv"), triples("demonyms.tsv"), triples("capitals.tsv"),
                   homographs, tuple(roles), tuple(offices), tuple(org_rows),
                   tuple(person_rows))


# --------------------------------------------------------------------------- the knowledge base


class KnowledgeBase:
    """Countries, capitals, organisations, persons and roles, with their actor codes.

    A new instance holds the built-in data; :meth:`add_file` extends it. Use
    :func:`default_kb` for the shared, cached instance.
    """

    def __init__(self) -> None:
        """Build the lookup indexes from the built-in data files.

        Raises:
            KnowledgeBaseError: A built-in data file is malformed.
        """
        tables = _tables()
        self._homographs = tables.homographs
        self._iso3: set[str] = set()
        self._country_name: dict[str, str] = {}
        self._adjective: dict[str, str] = {}
        self._country_idx: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._demonym_idx: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._capital_idx: tuple[dict[str, str], dict[str, str]] = ({}, {})
        for iso, name, forms in tables.countries:
            self._iso3.add(iso)
            self._country_name[iso] = name
            self._index(self._country_idx, (name, *forms), iso)
        for iso, adjective, forms in tables.demonyms:
            self._adjective[iso] = adjective
            self._index(self._demonym_idx, (adjective, *forms), iso)
        for iso, capital, forms in tables.capitals:
            self._index(self._capital_idx, (capital, *forms), iso)

        self._roles: dict[str, _RoleDef] = {}
        self._role_words: set[str] = set()
        for title, sector, person, inherits, synonyms, members in tables.roles:
            canonical = _RoleDef(title, sector, person, inherits)
            for form in (title, *synonyms):
                self._roles.setdefault(_role_key(form), canonical)
            for form in members:
                self._roles.setdefault(_role_key(form), _RoleDef(_role_key(form), sector,
                                                                   person, inherits))
            for form in (title, *synonyms, *members):
                self._role_words.update(_role_key(form).split())

        self._office_of: dict[tuple[str, str | None], str] = {}
        self._office_query: dict[str, tuple[str, ...]] = {}
        for kind, office, titles, countries in tables.offices:
            if kind == "query":
                self._office_query[office] = tuple(titles)
                continue
            for title in titles:
                for country in countries or (None,):
                    self._office_of[(_role_key(title), country)] = office

        self._orgs: list[_Org] = []
        self._org_forms: set[str] = set()
        self._org_idx: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._org_key_of_name: dict[tuple[str, int], int] = {}
        self._persons: list[_Person] = []
        self._person_of_name: dict[str, int] = {}
        self._strong: dict[str, set[int]] = {}
        self._weak: dict[str, set[int]] = {}
        self._sources = 0

        source = self._new_source()
        for file_name, kind, line, row in tables.org_rows:
            record = self._record(row, f"data/{file_name}, line {line}", default_kind=kind)
            self._add_org(record, source)
        for where, line, row in tables.person_rows:
            self._add_person(self._record(row, f"{where}, line {line}", default_kind="person"))

    # ------------------------------------------------------------------ indexing

    def _index(self, idx: tuple[dict[str, str], dict[str, str]], forms: Iterable[str],
               value: str) -> None:
        exact, folded = idx
        for form in forms:
            form = _clean(form)
            if not form:
                continue
            if _is_exact_form(form):
                exact.setdefault(_exact_key(form), value)
            else:
                folded.setdefault(_fold(form), value)

    def _find(self, idx: tuple[dict[str, Any], dict[str, Any]], text: str) -> Any:
        """Look text up in an (exact, folded) index pair, with and without "the"."""
        cleaned = _clean(text)
        if not cleaned:
            return None
        candidates = [cleaned]
        bare = _without_the(cleaned)
        if bare:
            candidates.append(bare)
        exact, folded = idx
        for candidate in candidates:
            hit = exact.get(_exact_key(candidate))
            if hit is not None:
                return hit
            key = _fold(candidate)
            hit = folded.get(key)
            if hit is not None:
                if candidate.islower() and key in self._homographs:
                    return None
                return hit
        return None

    def _new_source(self) -> int:
        self._sources += 1
        return self._sources

    # ------------------------------------------------------------------ validation

    def _record(self, raw: dict[str, Any], where: str, *, default_kind: str | None = None,
                term_override: dict[str, Any] | None = None) -> _Record:
        """Validate one raw row into a record, or raise KnowledgeBaseError naming it."""
        unknown = [k for k in raw if k not in _FIELDS]
        if unknown:
            raise KnowledgeBaseError(
                f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; "
                f"expected some of {', '.join(_FIELDS)}")
        values = dict(raw)
        if term_override:
            values.update(term_override)

        def text(key: str) -> str:
            value = values.get(key)
            if value is None:
                return ""
            if isinstance(value, date):
                return value.isoformat()
            return str(value).strip()

        name = _clean(text("name"))
        if not name:
            raise KnowledgeBaseError(f"{where}: missing 'name'")
        country = text("country") or None
        if country is not None:
            if country.upper() == "IGO" or country.upper() in self._iso3:
                country = country.upper()
            else:
                resolved = self.country(country)
                if resolved is None:
                    raise KnowledgeBaseError(
                        f"{where} ({name}): unknown country {country!r}; "
                        "use an ISO 3166-1 alpha-3 code such as 'PAK', 'XKX' or 'IGO'")
                country = resolved
        sector = text("sector").upper() or None
        if sector is not None and sector not in SECTORS:
            raise KnowledgeBaseError(
                f"{where} ({name}): unknown sector {text('sector')!r}; "
                f"expected one of {', '.join(sorted(SECTORS))}")
        org = text("org") or None
        if country == "IGO" and not org:
            raise KnowledgeBaseError(
                f"{where} ({name}): an IGO entry needs an 'org' code such as 'UN' or 'NATO'")
        start, end = self._date(text("start"), "start", where, name), \
            self._date(text("end"), "end", where, name)
        if start and end and start > end:
            raise KnowledgeBaseError(
                f"{where} ({name}): start {start.isoformat()} is after end {end.isoformat()}")
        role = text("role") or None
        short_text = text("short")
        short = None if not short_text else () if short_text == "-" else _split_list(short_text)
        kind = text("kind").lower() or default_kind
        if kind is None:
            if role or short_text or start or end:
                kind = "person"
            elif country == "IGO":
                kind = "igo"
            elif sector in {"REB", "UAF"}:
                kind = "group"
            elif sector == "MED":
                kind = "media"
            else:
                kind = "institution"
        if kind not in _USER_KINDS:
            raise KnowledgeBaseError(
                f"{where} ({name}): unknown kind {kind!r}; expected one of "
                f"{', '.join(sorted(_USER_KINDS))}")
        return _Record(name, _split_list(values.get("aliases")), short, kind,
                       _Term(country, sector, org, role, start, end), where)

    @staticmethod
    def _date(value: str, key: str, where: str, name: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise KnowledgeBaseError(
                f"{where} ({name}): {key} {value!r} is not an ISO date (YYYY-MM-DD)") from None

    def _add_org(self, record: _Record, source: int) -> None:
        key = (_fold(record.name), source)
        index = self._org_key_of_name.get(key)
        if index is None:
            index = len(self._orgs)
            self._orgs.append(_Org(record.name, record.kind, source))
            self._org_key_of_name[key] = index
        self._orgs[index].variants.append(record.term)
        exact, folded = self._org_idx
        for form in (record.name, *record.aliases):
            form = _clean(form)
            if not form:
                continue
            self._org_forms.add(form)
            idx, k = (exact, _exact_key(form)) if _is_exact_form(form) else (folded, _fold(form))
            current = idx.get(k)
            # Within one source the first entry keeps a shared alias; a later source wins.
            if current is None or self._orgs[current].source != source:
                idx[k] = index

    def _add_person(self, record: _Record) -> None:
        key = _fold(record.name)
        index = self._person_of_name.get(key)
        if index is None:
            index = len(self._persons)
            self._persons.append(_Person(record.name))
            self._person_of_name[key] = index
        person = self._persons[index]
        person.terms.append(record.term)
        person.aliases.update(record.aliases)
        shorts = record.short if record.short is not None else _surnames(record.name,
                                                                         record.term.country)
        person.short.update(shorts)
        for form in (record.name, *record.aliases):
            self._strong.setdefault(_fold(_clean(form)), set()).add(index)
        for form in shorts:
            self._weak.setdefault(_fold(_clean(form)), set()).add(index)

    # ------------------------------------------------------------------ public API

    def country(self, text: str) -> str | None:
        """The ISO3 code of a country name, variant or abbreviation.

        Args:
            text: "Pakistan", "Pak", "the US", "DRC", "Türkiye", "Gaza", …

        Returns:
            The ISO3 code ("XKX" for Kosovo), or None for unknown text.
        """
        return self._find(self._country_idx, text)

    def demonym(self, text: str) -> str | None:
        """The ISO3 code of a nationality adjective or people noun.

        Args:
            text: "Pakistani", "Indians", "Israeli", "Philippine", "Congolese", …

        Returns:
            The ISO3 code, or None.
        """
        return self._find(self._demonym_idx, text)

    def capital(self, text: str) -> str | None:
        """The ISO3 code of a capital or seat of government used for a government.

        "Brussels" is not here: it stands for the EU (see :meth:`organisation`).

        Args:
            text: "Islamabad", "the Kremlin", "White House", "Downing Street", …

        Returns:
            The ISO3 code, or None.
        """
        return self._find(self._capital_idx, text)

    def organisation(self, text: str, on: date | None = None) -> Entry | None:
        """An institution, IGO, armed group or outlet by full name or acronym.

        Besides named entries this builds entries from a country and a group
        noun or ministry ("Azerbaijan's Defence Ministry" → AZE GOV, "Pakistani
        troops" → PAK MIL, "Congolese police" → COD COP, "Ministry of Defence of
        Ukraine" → UKR GOV), and reads "<organisation> <group noun>" as the
        organisation ("Hamas fighters" → Hamas).

        Args:
            text: The name as written.
            on: Date of the article, for organisations whose coding changed
                (the Taliban are GOV from 2021-08-15). Default: the latest coding.

        Returns:
            The entry, or None.
        """
        cleaned = _clean(text)
        if not cleaned:
            return None
        direct = self._org_direct(cleaned, on)
        if direct is not None:
            return direct
        bare = _without_the(cleaned)
        return self._org_composed(bare if bare is not None else cleaned, on)

    def organisation_forms(self) -> frozenset[str]:
        """Every name and alias of the organisations known (for phrase matching)."""
        return frozenset(self._org_forms)

    def person(self, name: str, on: date | None = None) -> Entry | None:
        """A person by full name, known alias or (when unambiguous) surname.

        A surname matches only when exactly one person known by it is in office
        on ``on`` (when nobody with it is in office, only when one person alone
        is known by it; with ``on=None``, only when one person alone is known
        by it). Titles in front of a name are skipped ("US Secretary of State
        Marco Rubio").

        Args:
            name: The name as written.
            on: Date of the article; picks the term (and so the country,
                sector and role) in force that day. People without dated
                terms ignore it.

        Returns:
            The entry with the role held on that date, or None.
        """
        cleaned = _clean(name)
        if not cleaned or not any(c.isupper() for c in cleaned):
            return None
        index = self._person_index(cleaned, on)
        if index is None:
            tokens = cleaned.split()
            for i in range(1, len(tokens)):
                if all(self._is_title_word(t) for t in tokens[:i]):
                    index = self._person_index(" ".join(tokens[i:]), on)
                    if index is not None:
                        break
        if index is None:
            return None
        return self._person_entry(self._persons[index], on)

    def office_holder(self, country: str, role: str, on: date) -> Entry | None:
        """Who held an office on a date.

        Args:
            country: ISO3 code or country name ("USA", "Pakistan"), or the org
                code of an international organisation ("UN", "NATO", "EU").
            role: The office, in any usual wording: "Prime Minister", "PM",
                "premier"; "Foreign Minister" also finds India's External
                Affairs Minister and the US Secretary of State; "head of state",
                "army chief", …
            on: The date.

        Returns:
            The office holder's entry, or None when nobody known held it.
        """
        code = country.strip()
        if code.upper() in self._iso3 or code.upper() == "IGO":
            code = code.upper()
        else:
            resolved = self.country(code)
            code = resolved if resolved is not None else code.upper()
        offices = self._offices_for_query(role, code)
        best: tuple[int, date, int, _Term] | None = None
        for index, person in enumerate(self._persons):
            for term in person.terms:
                if term.timeless or not term.covers(on):
                    continue
                if term.country != code and not (term.country == "IGO" and term.org == code):
                    continue
                office = self._office_of_title(term.role, term.country)
                if office not in offices:
                    continue
                rank = (offices.index(office), term.start or date.min, index, term)
                if best is None or rank[0] < best[0] or (rank[0] == best[0]
                                                         and rank[1] > best[1]):
                    best = rank
        if best is None:
            return None
        return self._entry_for(self._persons[best[2]], best[3])

    def role(self, text: str) -> Role | None:
        """A title or group noun, and the sector it implies.

        Case-insensitive and plural-aware; a leading country or demonym is
        skipped ("US Secretary of State"). For titles built on a known head
        ("foreign ministry spokeswoman", "police officer", "M23 spokesman"),
        the named body decides the sector when the head does not fix one.

        Args:
            text: "spokeswoman", "Secretary of State", "troops", "Wing Commander", …

        Returns:
            The role, or None.
        """
        cleaned = _clean(text)
        if not cleaned:
            return None
        found = self._role_simple(_role_key(cleaned))
        if found is not None:
            return found
        tokens = cleaned.split()
        bare = _without_the(cleaned)
        if bare is not None:
            tokens = bare.split()
        start = 0
        for i in range(len(tokens) - 1, 0, -1):
            if self._country_ref(" ".join(tokens[:i])) is not None:
                start = i
                break
        tokens = tokens[start:]
        if start:
            found = self._role_simple(_role_key(" ".join(tokens)))
            if found is not None:
                return found
        for i in range(1, len(tokens)):
            head = self._role_simple(_role_key(" ".join(tokens[i:])))
            if head is None:
                continue
            modifier = " ".join(tokens[:i])
            sector = head.sector
            definition = self._roles.get(_role_key(head.title))
            inherits = definition.inherits if definition is not None else False
            modifier_sector = self._modifier_sector(modifier)
            if modifier_sector is not None and (inherits or sector is None):
                sector = modifier_sector
            return Role(f"{_role_key(modifier)} {head.title}", sector, head.person)
        return None

    def add_file(self, path: str | os.PathLike[str]) -> None:
        """Add the entries of a user CSV, TSV or YAML file (format: module docstring).

        Args:
            path: The file.

        Raises:
            KnowledgeBaseError: The file is missing, unreadable or malformed;
                the message names the file and the line or entry.
        """
        file = Path(path)
        where = str(file)
        if not file.is_file():
            raise KnowledgeBaseError(f"{where}: knowledge-base file not found")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise KnowledgeBaseError(f"{where}: cannot read the file ({err})") from err
        suffix = file.suffix.lower()
        records: list[_Record] = []
        if suffix in {".csv", ".tsv"}:
            delimiter = "\t" if suffix == ".tsv" else ","
            for line, row in _csv_dicts(text, where, delimiter):
                records.append(self._record(row, f"{where}, line {line}"))
        elif suffix in {".yaml", ".yml"}:
            for loc, item in _yaml_entries(text, where):
                terms = item.get("terms")
                base = {k: v for k, v in item.items() if k != "terms"}
                if terms is None:
                    records.append(self._record(base, loc))
                    continue
                if not isinstance(terms, list) or not terms:
                    raise KnowledgeBaseError(f"{loc}: 'terms' must be a non-empty list")
                for j, term in enumerate(terms, start=1):
                    if not isinstance(term, dict) or set(term) - _TERM_FIELDS:
                        raise KnowledgeBaseError(
                            f"{loc}, term {j}: expected a mapping with some of "
                            f"{', '.join(sorted(_TERM_FIELDS))}")
                    records.append(self._record(base, f"{loc}, term {j}",
                                                default_kind="person", term_override=term))
        else:
            raise KnowledgeBaseError(
                f"{where}: unsupported file type {suffix or '(none)'!r}; use .csv, .tsv, "
                ".yaml or .yml")
        source = self._new_source()
        for record in records:
            if record.kind == "person":
                self._add_person(record)
            else:
                self._add_org(record, source)

    # ------------------------------------------------------------------ organisations

    def _org_direct(self, cleaned: str, on: date | None) -> Entry | None:
        index = self._find(self._org_idx, cleaned)
        if index is None:
            return None
        org = self._orgs[index]
        return self._org_entry(org, self._pick(org.variants, on))

    @staticmethod
    def _org_entry(org: _Org, term: _Term) -> Entry:
        return Entry(org.name, term.country, term.sector, term.org, org.kind)

    def _org_composed(self, text: str, on: date | None) -> Entry | None:
        tokens = text.split()
        for i in range(1, len(tokens)):
            prefix, rest = " ".join(tokens[:i]), " ".join(tokens[i:])
            iso = self._country_ref(prefix)
            if iso is not None:
                named = self._org_direct(rest, on)
                if named is not None and named.country == iso:
                    return named
                sector = self._group_sector(rest)
                if sector is not None:
                    adjective = self._adjective.get(iso, self._country_name.get(iso, iso))
                    return Entry(f"{adjective} {rest}", iso, sector, None, "institution")
                continue
            owner = self._org_direct(_clean(prefix), on)
            if owner is not None:
                noun = self.role(rest) or self.role(_PP_SPLIT.split(rest, maxsplit=1)[0])
                if noun is not None and not noun.person:
                    return owner
        for match in re.finditer(r" of ", text, re.IGNORECASE):
            head, place = text[: match.start()], text[match.end():]
            iso = self.country(place)
            sector = self._group_sector(head) if iso is not None else None
            if iso is not None and sector is not None:
                adjective = self._adjective.get(iso, self._country_name.get(iso, iso))
                return Entry(f"{adjective} {head}", iso, sector, None, "institution")
        return None

    def _group_sector(self, text: str) -> str | None:
        """Sector of a group noun or ministry name ("armed forces", "Foreign Ministry")."""
        for candidate in (text, _PP_SPLIT.split(text, maxsplit=1)[0]):
            if _MINISTRY.match(_fold(candidate)):
                return "GOV"
            found = self.role(candidate)
            if found is not None and not found.person and found.sector is not None:
                return found.sector
        return None

    def _country_ref(self, text: str) -> str | None:
        """ISO3 of a country name or demonym used as a modifier ("Sudan's", "Indian")."""
        cleaned = _clean(text)
        if not cleaned or (cleaned.islower() and not _is_exact_form(cleaned)):
            return None
        return self.demonym(cleaned) or self.country(cleaned)

    # ------------------------------------------------------------------ persons

    def _person_index(self, text: str, on: date | None) -> int | None:
        key = _fold(text)
        strong = self._strong.get(key)
        if strong:
            chosen = self._unique(strong, on, fallback_all=True)
            if chosen is not None:
                return chosen
            if len(strong) > 1:
                return None
        weak = self._weak.get(key)
        if weak:
            return self._unique(weak, on, fallback_all=False)
        return None

    def _unique(self, indexes: set[int], on: date | None, *, fallback_all: bool) -> int | None:
        """The one person among candidates, or None when the text is ambiguous.

        People in a dated office on ``on`` come first; people known without
        dates count only when nobody is in a dated office that day; when
        neither is, a form that only one known person has still names that
        person (a former office holder). Without a date every candidate counts.
        """
        if len(indexes) == 1 and (fallback_all or on is None):
            return next(iter(indexes))
        if on is None:
            return None
        in_office = [i for i in indexes
                     if any(not t.timeless and t.covers(on) for t in self._persons[i].terms)]
        if not in_office:
            in_office = [i for i in indexes
                         if any(t.timeless for t in self._persons[i].terms)]
        if not in_office:
            in_office = list(indexes)
        return in_office[0] if len(in_office) == 1 else None

    def _person_entry(self, person: _Person, on: date | None) -> Entry:
        return self._entry_for(person, self._pick(person.terms, on))

    @staticmethod
    def _entry_for(person: _Person, term: _Term) -> Entry:
        return Entry(person.name, term.country, term.sector, term.org, "person", term.role)

    @staticmethod
    def _pick(terms: list[_Term], on: date | None) -> _Term:
        """The term in force on a date (the current one when no date is given)."""
        if len(terms) == 1:
            return terms[0]
        if on is not None:
            covering = [t for t in terms if not t.timeless and t.covers(on)]
            if covering:
                return covering[0]
            timeless = [t for t in terms if t.timeless]
            if timeless:
                return timeless[0]
            before = [t for t in terms if t.end is not None and t.end < on]
            if before:
                return max(before, key=lambda t: t.end or date.min)
            return min(terms, key=lambda t: t.start or date.max)
        current = [t for t in terms if t.end is None]
        if current:
            return max(current, key=lambda t: t.start or date.min)
        return max(terms, key=lambda t: t.end or date.min)

    def _is_title_word(self, token: str) -> bool:
        key = _fold(token.strip(",:"))
        if not key:
            return False
        return (key in self._role_words or key in _HONORIFICS
                or self._country_ref(token) is not None
                or self._find(self._org_idx, token) is not None)

    # ------------------------------------------------------------------ roles and offices

    def _role_simple(self, key: str) -> Role | None:
        """Exact, singular or plural match of a normalised title or group noun."""
        if not key:
            return None
        definition = self._roles.get(key)
        if definition is not None:
            return Role(definition.title, definition.sector, definition.person)
        words = key.split()
        for singular in _singulars(words[-1]):
            definition = self._roles.get(" ".join([*words[:-1], singular]))
            if definition is not None:
                return Role(definition.title, definition.sector, False)
        for plural in (words[-1] + "s", words[-1] + "es"):
            definition = self._roles.get(" ".join([*words[:-1], plural]))
            if definition is not None and not definition.person:
                return Role(definition.title, definition.sector, False)
        return None

    def _modifier_sector(self, modifier: str) -> str | None:
        """Sector of the body named before a title ("police", "Foreign Ministry", "M23").

        A named organisation at the start wins ("Houthi military" → REB), then
        the longest group noun at the end ("Israeli military" → MIL), then a
        seat of government or a ministry (GOV).
        """
        tokens = modifier.split()
        for k in range(len(tokens), 0, -1):
            org = self._org_direct(_clean(" ".join(tokens[:k])), None)
            if org is not None and org.sector is not None:
                return org.sector
        for k in range(len(tokens)):
            found = self._role_simple(_role_key(" ".join(tokens[k:])))
            if found is not None and found.sector is not None:
                return found.sector
        if self.capital(modifier) is not None or _MINISTRY.match(_fold(modifier)):
            return "GOV"
        return None

    def _office_of_title(self, title: str | None, country: str | None) -> str | None:
        if title is None:
            return None
        key = _role_key(title)
        definition = self._roles.get(key)
        candidates = [key] if definition is None else [key, _role_key(definition.title)]
        for candidate in candidates:
            office = self._office_of.get((candidate, country)) or \
                self._office_of.get((candidate, None))
            if office is not None:
                return office
        return candidates[-1]

    def _offices_for_query(self, role: str, country: str) -> list[str]:
        key = _role_key(role)
        if key in self._office_query:
            return [_role_key(o) for o in self._office_query[key]]
        office = self._office_of_title(role, country) or key
        if office in self._office_query:
            return [_role_key(o) for o in self._office_query[office]]
        return [office]


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The process-wide knowledge base: built-in data plus files in ``FLASHPOINT_KB``.

    Cached: the first call builds it, later calls return the same object
    (``default_kb.cache_clear()`` forgets it).

    Returns:
        The shared KnowledgeBase.

    Raises:
        KnowledgeBaseError: A file named in ``FLASHPOINT_KB`` is missing or malformed.
    """
    kb = KnowledgeBase()
    for part in os.environ.get(_ENV_VAR, "").split(os.pathsep):
        if part.strip():
            kb.add_file(part.strip())
    return kb
