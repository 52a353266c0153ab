"""Tests for ``flashpoint.extract.places``: datelines, geocoding and place mentions."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from flashpoint.eval import _location_place_ok
from flashpoint.extract import places
from flashpoint.extract.places import (
    Dateline,
    PlaceMention,
    country_location,
    find_dateline,
    geocode,
    place_mentions,
)
from flashpoint.model import Location

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


# ----------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New York: US Secretary of State Marco Rubio on Thursday spoke separately with "
         "External Affairs Minister S Jaishankar and Prime Minister Shehbaz Sharif.", "New York"),
        ("KYIV (Wire) - Russian cruise missiles struck the Black Sea port of Odesa.", "KYIV"),
        ("ISLAMABAD (Reuters) - Pakistan said on Friday it had closed the border.", "ISLAMABAD"),
        ("DOHA, Nov 24 (AFP) – Hamas freed 13 hostages on Friday.", "DOHA"),
        ("MANILA: China Coast Guard ships fired water cannon at a resupply boat.", "MANILA"),
        ("KYIV, Ukraine (AP) — Russia launched dozens of drones overnight.", "KYIV"),
        ("WASHINGTON — The Senate voted on Tuesday to pass the bill.", "WASHINGTON"),
        ("RIO DE JANEIRO (Reuters) - Brazil said on Monday it would host talks.",
         "RIO DE JANEIRO"),
        ("Rubio urges de-escalation\nNew York: US Secretary of State Marco Rubio on Thursday "
         "spoke with both ministers.", "New York"),
        ("Strikes hit Gaza\nBy Jane Doe\nGAZA CITY, Gaza Strip (AP) — Israeli strikes hit "
         "the north of the territory.", "GAZA CITY"),
        # CITY, Country (Agency) -
        ("TIANJIN, China (Wire) - Indian Prime Minister Narendra Modi met his host.", "TIANJIN"),
        # CITY, Country, date (Agency) -
        ("KYIV, Ukraine, Nov 3 (Reuters) - Russia fired 40 drones overnight.", "KYIV"),
        ("PARIS, France, Nov. 3, 2025 (AFP) - France recalled its ambassador.", "PARIS"),
        ("GAZA CITY — Israeli strikes killed 20 people overnight.", "GAZA CITY"),
        ("Beirut, Lebanon – Israeli strikes hit the southern suburbs on Sunday.", "Beirut"),
        ("UNITED NATIONS (AP) — The Security Council met behind closed doors.",
         "UNITED NATIONS"),
        ("ISLAMABAD: Pakistan said it had closed the border.", "ISLAMABAD"),
        ("WASHINGTON, D.C. - The State Department said talks would resume.", "WASHINGTON"),
        # An em dash with no spaces around it.
        ("KYIV, Ukraine—Russia launched dozens of drones overnight.", "KYIV"),
        ("Truce talks resume\nDOHA, Qatar (Wire) - Mediators met on Monday.", "DOHA"),
    ],
)
def test_places_find_dateline(text: str, expected: str) -> None:
    dateline = find_dateline(text)
    assert isinstance(dateline, Dateline)
    assert dateline.text == expected
    assert text[dateline.start:dateline.end] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The army said on Monday it had retaken the town after days of fighting.",
        "Gaza: Israeli strikes kill 20\nThe health ministry said on Monday 20 were killed.",
        "Analysis: what the deal means\nThe deal signed on Friday is fragile.",
        "BREAKING: Something happened.",
        "Hamas - the militant group - said it would free more hostages.",
        "Office of the Spokesperson\nFebruary 20, 2023\nThe below is attributable to Ned Price:",
        "Hamas—the militant group—said it would free more hostages.",
        "The army said on Monday—after days of fighting—that it had retaken the town.",
    ],
)
def test_places_find_dateline_none(text: str) -> None:
    assert find_dateline(text) is None


# ------------------------------------------------------------------------------- geocode


@pytest.mark.parametrize(
    ("name", "country", "admin1", "precision"),
    [
        ("Pahalgam", "IND", "Jammu and Kashmir", "city"),
        ("Pulwama", "IND", "Jammu and Kashmir", "city"),
        ("Balakot", "PAK", "Khyber Pakhtunkhwa", "city"),
        ("Odesa", "UKR", "Odesa Oblast", "city"),
        ("Odessa", "UKR", "Odesa Oblast", "city"),
        ("Kiev", "UKR", "Kyiv", "city"),
        ("Jeddah", "SAU", "Makkah", "city"),
        ("Khartoum", "SDN", "Khartoum", "city"),
        ("Omdurman", "SDN", "Khartoum", "city"),
        ("Goma", "COD", "North Kivu", "city"),
        ("Jermuk", "ARM", "Vayots Dzor", "city"),
        ("Kanyakumari", "IND", "Tamil Nadu", "city"),
        ("Nantucket", "USA", "Massachusetts", "city"),
        ("Istanbul", "TUR", "Istanbul", "city"),
        ("Muzaffarabad", "PAK", "Azad Kashmir", "city"),
        ("ISLAMABAD", "PAK", "Islamabad Capital Territory", "city"),
        ("PoK", "PAK", "Azad Kashmir", "admin1"),
        ("Pakistan-occupied Kashmir", "PAK", "Azad Kashmir", "admin1"),
        ("Indian-administered Kashmir", "IND", "Jammu and Kashmir", "admin1"),
        ("Jammu and Kashmir", "IND", "Jammu and Kashmir", "admin1"),
        ("Khyber Pakhtunkhwa", "PAK", "Khyber Pakhtunkhwa", "admin1"),
        ("Odesa Oblast", "UKR", "Odesa Oblast", "admin1"),
        ("Kharkiv region", "UKR", "Kharkiv Oblast", "admin1"),
        ("Kachin state", "MMR", "Kachin", "admin1"),
        ("Norte de Santander province", "COL", "Norte de Santander", "admin1"),
        ("Gaza Strip", "PSE", "Gaza Strip", "admin1"),
        ("West Bank", "PSE", "West Bank", "admin1"),
        ("Crimea", "RUS", "Crimea", "admin1"),
        ("Sevastopol", "RUS", "Sevastopol", "city"),
        ("Donetsk", "UKR", "Donetsk Oblast", "city"),
        ("Golan Heights", "ISR", "Northern District", "region"),
        ("southern Israel", "ISR", "Southern District", "region"),
        ("northern Gaza", "PSE", "Gaza Strip", "region"),
        ("eastern Congo", "COD", None, "region"),
        ("Second Thomas Shoal", "PHL", "Palawan", "city"),
        ("Ayungin Shoal", "PHL", "Palawan", "city"),
        ("Scarborough Shoal", "PHL", "Zambales", "city"),
        ("Essequibo", "GUY", None, "region"),
        ("Nagorno-Karabakh", "AZE", None, "region"),
        ("Torkham border crossing", "PAK", "Khyber Pakhtunkhwa", "city"),
        ("Wagah", "PAK", "Punjab", "city"),
        ("Preah Vihear temple", "KHM", "Preah Vihear", "admin1"),
        ("Tseung Kwan O", "HKG", "Sai Kung", "city"),
        ("Kremlin", "RUS", "Moscow", "city"),
        ("White House", "USA", "District of Columbia", "city"),
        ("Washington", "USA", "District of Columbia", "city"),
        ("Pakistan", "PAK", None, "country"),
        ("the United States", "USA", None, "country"),
        ("Congo", "COD", None, "country"),
    ],
)
def test_places_geocode(name: str, country: str, admin1: str | None, precision: str) -> None:
    location = geocode(name)
    assert isinstance(location, Location)
    assert (location.country, location.admin1, location.precision) == (
        country, admin1, precision)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kanyakumari", "Kanyakumari"),  # as written, not GeoNames' "Kanniyākumāri"
        ("Gaza", "Gaza Strip"),  # curated canonical name
        ("PoK", "PoK"),  # disputed territory: as written
        ("the Kachin state", "Kachin state"),
        ("Chitral district", "Chitral"),
        ("ISLAMABAD", "Islamabad"),
    ],
)
def test_places_geocode_name(name: str, expected: str) -> None:
    location = geocode(name)
    assert location is not None
    assert location.name == expected


@pytest.mark.parametrize(
    "name", ["Black Sea", "Red Sea", "Kashmir", "Sahel", "Spratly Islands", "Middle East"])
def test_places_geocode_no_single_country(name: str) -> None:
    location = geocode(name)
    assert location is not None
    assert location.country is None
    assert location.precision == "region"


@pytest.mark.parametrize(
    ("name", "hint", "country"),
    [("Punjab", "IND", "IND"), ("Punjab", "PAK", "PAK"), ("Sahel", "BFA", "BFA"),
     ("Hebron", "USA", "USA"), ("Hebron", None, "PSE")],
)
def test_places_geocode_country_hint(name: str, hint: str | None, country: str) -> None:
    location = geocode(name, country=hint)
    assert location is not None
    assert location.country == country


def test_places_geocode_coordinates_and_ids() -> None:
    location = geocode("Pahalgam")
    assert location is not None
    assert location.geonames_id == 1260880
    assert location.lat == pytest.approx(34.0, abs=0.1)
    assert location.lon == pytest.approx(75.3, abs=0.1)


@pytest.mark.parametrize(
    "name",
    ["", "   ", "Xqzzyvillebergstadt", "12345", "!!!", "x" * 10_000,
     "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor",
     "\x00\x01\x02 garbage \ufffd"],
)
def test_places_geocode_unknown(name: str) -> None:
    assert geocode(name) is None


def test_places_geocode_garbage_is_fast() -> None:
    geocode("warm up")
    garbage = "ab cd " * 1700  # ~10 KB
    started = time.perf_counter()
    assert geocode(garbage) is None
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize("value", [None, 42, b"Odesa"])
def test_places_geocode_non_string(value: object) -> None:
    assert geocode(value) is None  # type: ignore[arg-type]


# ------------------------------------------------------------------------ place mentions


def _mentions(nlp, text: str, **kwargs) -> list[PlaceMention]:
    doc = nlp(text)
    return [m for sent in doc.sents for m in place_mentions(sent, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Indian armed forces conducted precision strikes early on Wednesday in Pakistan and "
         "Pakistan-occupied Kashmir (PoK).",
         {("Pakistan", "PAK"), ("Pakistan-occupied Kashmir", "PAK"), ("PoK", "PAK")}),
        ("Rubio condemned the attack by terrorists in Jammu and Kashmir's tourist spot "
         "Pahalgam killing 26 civilians.",
         {("Jammu and Kashmir", "IND"), ("Pahalgam", "IND")}),
        ("Hamas fighters stormed into southern Israel, killing some 1,200 people.",
         {("southern Israel", "ISR")}),
        ("Russian cruise missiles struck the Black Sea port of Odesa on Saturday.",
         {("Black Sea port", None), ("Odesa", "UKR")}),
        ("Pakistan handed over the pilot at the Wagah border crossing near Lahore.",
         {("Pakistan", "PAK"), ("Wagah border crossing", "PAK"), ("Lahore", "PAK")}),
        ("Azerbaijani troops attacked positions near the towns of Jermuk, Goris and Vardenis.",
         {("Jermuk", "ARM"), ("Goris", "ARM"), ("Vardenis", "ARM")}),
        ("Last October, an air strike on a concert in Kachin state killed about 60 people.",
         {("Kachin state", "MMR")}),
        ("The strikes hit 16 locations, including the capital Sanaa and the port city of "
         "Hodeidah.", {("Sanaa", "YEM"), ("Hodeidah", "YEM")}),
        ("Israeli troops raided Jenin refugee camp in the occupied West Bank.",
         {("Jenin refugee camp", "PSE"), ("occupied West Bank", "PSE")}),
    ],
)
def test_places_place_mentions(nlp, text: str, expected: set[tuple[str, str | None]]) -> None:
    found = {(m.text, m.location.country) for m in _mentions(nlp, text)}
    assert found == expected


def test_places_place_mentions_offsets(nlp) -> None:
    doc = nlp("Fighting between the army and the RSF erupted in Khartoum on April 15.")
    (mention,) = place_mentions(doc[:])
    assert doc.text[mention.start:mention.end] == mention.text == "Khartoum"
    assert mention.location.admin1 == "Khartoum"


def test_places_place_mentions_excludes_dateline(nlp) -> None:
    text = "NAIROBI (Wire) - Protesters in Kinshasa attacked the embassies of Rwanda and France."
    dateline = find_dateline(text)
    assert dateline is not None
    doc = nlp(text)
    found = [m.text for sent in doc.sents
             for m in place_mentions(sent, exclude=(dateline.start, dateline.end))]
    assert "NAIROBI" not in found
    assert found[:1] == ["Kinshasa"]


@pytest.mark.parametrize(
    "text",
    [
        "In March, the ministry said it would act.",
        "He spoke in Parliament on Monday.",
        "The Thai government sent more troops.",
        "Rebels seized Russian-held villages overnight.",
        "Investors fled the capital markets.",
        "He is the regional capital's mayor.",
        "He got a call from Zelensky and a letter from Putin.",
        "Indian and Pakistani officials met on Friday.",
        "Airlines flying to the Gulf took longer routes.",
        "Troops moved up the valley toward the border.",
    ],
)
def test_places_place_mentions_not_places(nlp, text: str) -> None:
    assert _mentions(nlp, text) == []


def test_places_place_mentions_surnames_are_not_towns(nlp) -> None:
    # Rubio (Venezuela) and Dar (Cambodia) are towns too.
    text = ("US Secretary of State Marco Rubio spoke with Foreign Minister Ishaq Dar. "
            "Rubio also held a call with Dar and with officials in Islamabad.")
    found = {m.text for m in _mentions(nlp, text)}
    assert "Islamabad" in found
    assert not found & {"Rubio", "Dar"}


def test_places_place_mentions_countries_as_actors(nlp) -> None:
    (mention,) = _mentions(nlp, "Pakistan denied any role in the attack.")
    assert mention.location.precision == "country"
    assert mention.location.country == "PAK"


def test_places_place_mentions_document_context(nlp) -> None:
    # A Jenin in Poland exists; a story naming the West Bank means the Palestinian one.
    text = ("Israeli forces entered the West Bank on Monday. Clashes broke out in Jenin "
            "overnight.")
    found = {m.text: m.location.country for m in _mentions(nlp, text)}
    assert found.get("Jenin") == "PSE"


def test_places_place_mentions_country_hint(nlp) -> None:
    text = "Police fired tear gas at protesters in Hebron."
    found = _mentions(nlp, text, country="USA")
    assert [(m.text, m.location.country) for m in found] == [("Hebron", "USA")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Militia fighters shelled Kenyan border towns overnight.",
         [("Kenyan border towns", "Kenya", "KEN")]),
        ("A drone strayed into Iraqi airspace on Sunday.", [("Iraqi airspace", "Iraq", "IRQ")]),
        ("Soldiers burned a Malian village, residents said.", [("Malian village", "Mali", "MLI")]),
    ],
)
def test_places_place_mentions_national_areas(nlp, text: str,
                                               expected: list[tuple[str, str, str]]) -> None:
    # Ground named by a nationality is that country's, at country precision.
    found = _mentions(nlp, text)
    assert [(m.text, m.location.name, m.location.country) for m in found] == expected
    assert all(m.location.precision == "country" for m in found)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("Gunmen stormed a hotel in the Somali capital on Friday.", None,
         ("Somali capital", "Mogadishu", "SOM")),
        ("Protests spread to Nepal's capital on Monday.", None,
         ("Nepal's capital", "Kathmandu", "NPL")),
        ("A car bomb exploded in the capital of Chad.", None,
         ("capital of Chad", "N'Djamena", "TCD")),
        ("Shelling hit the besieged capital overnight.", "UKR",
         ("besieged capital", "Kyiv", "UKR")),
        ("Students marched through the capital city.", "BGD",
         ("capital city", "Dhaka", "BGD")),
    ],
)
def test_places_place_mentions_capitals(nlp, text: str, hint: str | None,
                                        expected: tuple[str, str, str]) -> None:
    found = _mentions(nlp, text, country=hint)
    assert [(m.text, m.location.name, m.location.country) for m in found] == [expected]
    assert found[0].location.precision == "city"


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        # A bare "the capital" needs the story's focus country.
        ("Shelling hit the besieged capital overnight.", None, []),
        # A capital named beside it is that name, whatever the focus.
        ("Strikes hit the capital Bamako on Monday.", "FRA", [("Bamako", "MLI")]),
        # The capital of a province is no national capital.
        ("Rebels entered Bukavu, the capital of South Kivu.", "COD",
         [("Bukavu", "COD"), ("South Kivu", "COD")]),
    ],
)
def test_places_place_mentions_capitals_left_alone(nlp, text: str, hint: str | None,
                                                   expected: list[tuple[str, str]]) -> None:
    found = _mentions(nlp, text, country=hint)
    assert [(m.text, m.location.country) for m in found] == expected


def test_places_place_mentions_village_after_place_noun(nlp) -> None:
    # A town of about 1,000 that the model reads as a person: "the village of" vouches.
    found = {m.text: m.location.country
             for m in _mentions(nlp, "Troops entered the village of Tessalit at dawn.")}
    assert found == {"Tessalit": "MLI"}


def test_places_place_mentions_most_named_country_wins(nlp) -> None:
    # Houla is a Syrian town and a Lebanese village; the story is about Lebanon.
    text = ("Lebanon said an Israeli strike hit a house in Houla. Lebanon's army deployed "
            "in the south. A Syrian official condemned the strike.")
    found = {m.text: m.location.country for m in _mentions(nlp, text)}
    assert found["Houla"] == "LBN"


def test_places_place_mentions_focus_country_wins(nlp) -> None:
    text = "Shells landed in Houla overnight, witnesses said."
    assert [m.location.country for m in _mentions(nlp, text, country="LBN")] == ["LBN"]
    assert [m.location.country for m in _mentions(nlp, text, country="SYR")] == ["SYR"]


@pytest.mark.parametrize(
    ("name", "country", "admin1"),
    [
        ("Al-Mawasi", "PSE", "Gaza Strip"),
        ("Mawasi", "PSE", "Gaza Strip"),
        ("Deir el-Balah", "PSE", "Gaza Strip"),
        ("Bint Jbeil", "LBN", "Nabatieh"),
        ("Qamishli", "SYR", "Hasakah"),
        ("Robotyne", "UKR", "Zaporizhzhia Oblast"),
        ("Kiwanja", "COD", "North Kivu"),
        ("Miranshah", "PAK", "Khyber Pakhtunkhwa"),
        ("Cite Soleil", "HTI", "Ouest"),
        ("Inda Selassie", "ETH", "Tigray"),
    ],
)
def test_places_geocode_conflict_towns(name: str, country: str, admin1: str) -> None:
    # Villages, camps and districts that GeoNames lacks come from towns.tsv.
    location = geocode(name)
    assert location is not None
    assert (location.country, location.admin1, location.precision) == (country, admin1, "city")
    assert location.lat is not None and location.lon is not None


@pytest.mark.parametrize(("name", "country"), [("Mughayyir", "PSE"), ("Al Jarabulus", "SYR")])
def test_places_geocode_arabic_article(name: str, country: str) -> None:
    location = geocode(name)
    assert location is not None
    assert location.country == country
    assert location.name == name


def test_places_country_location() -> None:
    location = country_location("ken")
    assert location == Location("Kenya", None, "KEN", None, None, 192950, "country")
    assert country_location("ZZZ") is None
    assert country_location(None) is None  # type: ignore[arg-type]


def test_places_towns_table_errors_name_the_line(tmp_path, monkeypatch) -> None:
    (tmp_path / "towns.tsv").write_text("# header\nUKR\tRobotyne\tZaporizhzhia Oblast\t47.4\n",
                                        encoding="utf-8")
    monkeypatch.setattr(places, "_DATA", tmp_path)
    with pytest.raises(ValueError, match=r"towns\.tsv, line 2: expected 6 or 7"):
        places._read_towns()


# ----------------------------------------------------------------------------- gold data


def _gold_articles() -> list[dict]:
    articles = []
    for name in ("seed.jsonl", "dev.jsonl"):
        path = SHARED / "gold" / name
        if path.exists():
            articles += [json.loads(line) for line in path.read_text().splitlines() if line]
    return articles


def _agrees(gold: dict, location: Location) -> bool:
    """The scorer's place test (ANNOTATION.md §8): country, and name or admin1."""
    return _location_place_ok({"location": gold}, {"location": location.to_dict()})


@pytest.mark.skipif(not _gold_articles(), reason="../shared/gold is not present")
def test_places_gold_locations_reachable(nlp) -> None:
    """Most gold event places are among the mentions of their article (46 of 48 now)."""
    found, total = 0, 0
    for article in _gold_articles():
        title = article.get("title") or ""
        full = f"{title}\n{article['text']}" if title else article["text"]
        offset = len(title) + 1 if title else 0
        dateline = find_dateline(article["text"])
        exclude = (dateline.start + offset, dateline.end + offset) if dateline else None
        doc = nlp(full)
        mentions = [m for sent in doc.sents for m in place_mentions(sent, exclude=exclude)]
        places = {(e["location"]["name"], e["location"]["country"]): e["location"]
                  for e in article["events"] if e.get("location")}
        total += len(places)
        found += sum(any(_agrees(gold, m.location) for m in mentions)
                     for gold in places.values())
    assert total >= 40
    assert found >= 45
