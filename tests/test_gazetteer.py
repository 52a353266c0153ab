"""Tests for the built-in knowledge base (flashpoint.gazetteer)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from flashpoint.errors import KnowledgeBaseError
from flashpoint.gazetteer import Entry, KnowledgeBase, Role, default_kb
from flashpoint.model import SECTORS

DATA = Path(__file__).resolve().parents[1] / "src" / "flashpoint" / "gazetteer" / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pakistan", "PAK"), ("Pak", "PAK"), ("US", "USA"), ("U.S.", "USA"), ("USA", "USA"),
        ("the US", "USA"), ("the United States", "USA"), ("America", "USA"), ("UK", "GBR"),
        ("Britain", "GBR"), ("DR Congo", "COD"), ("DRC", "COD"), ("Congo", "COD"),
        ("Republic of the Congo", "COG"), ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"),
        ("South Korea", "KOR"), ("North Korea", "PRK"), ("DPRK", "PRK"), ("Russia", "RUS"),
        ("Iran", "IRN"), ("Syria", "SYR"), ("Turkey", "TUR"), ("Türkiye", "TUR"),
        ("Palestine", "PSE"), ("Palestinian territories", "PSE"), ("Gaza", "PSE"),
        ("West Bank", "PSE"), ("Kosovo", "XKX"), ("Taiwan", "TWN"), ("Hong Kong", "HKG"),
        ("Myanmar", "MMR"), ("Burma", "MMR"), ("UAE", "ARE"), ("Czechia", "CZE"),
        ("Israel's", "ISR"), ("Israel’s", "ISR"), ("  the   Philippines ", "PHL"),
        ("PAKISTAN", "PAK"), ("Georgia", "GEO"), ("Western Sahara", "ESH"),
    ],
)
def test_gazetteer_country(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.country(text) == expected


@pytest.mark.parametrize(
    "text",
    ["us", "turkey", "chad", "Korea", "Kashmir", "Brussels", "", "   ", "Atlantis",
     "Pakistani", "Islamabad"],
)
def test_gazetteer_country_unknown(kb: KnowledgeBase, text: str) -> None:
    assert kb.country(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pakistani", "PAK"), ("Pakistanis", "PAK"), ("Indian", "IND"), ("Indians", "IND"),
        ("Israeli", "ISR"), ("Israelis", "ISR"), ("Congolese", "COD"), ("Filipino", "PHL"),
        ("Philippine", "PHL"), ("Saudi", "SAU"), ("Emirati", "ARE"), ("Afghan", "AFG"),
        ("Burkinabe", "BFA"), ("Nigerien", "NER"), ("Nigerian", "NGA"),
        ("South Sudanese", "SSD"), ("Sudanese", "SDN"), ("Kosovar", "XKX"),
        ("Palestinian", "PSE"), ("British", "GBR"), ("American", "USA"), ("US", "USA"),
        ("Azerbaijani", "AZE"), ("Azeri", "AZE"), ("Ukrainian", "UKR"), ("Russians", "RUS"),
    ],
)
def test_gazetteer_demonym(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.demonym(text) == expected


@pytest.mark.parametrize("text", ["Tigrayan", "Korean", "Kurdish", "Pashtun", "Arab", "Serb"])
def test_gazetteer_demonym_regional_is_not_a_country(kb: KnowledgeBase, text: str) -> None:
    assert kb.demonym(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Islamabad", "PAK"), ("New Delhi", "IND"), ("Washington", "USA"), ("Moscow", "RUS"),
        ("Kremlin", "RUS"), ("the Kremlin", "RUS"), ("Beijing", "CHN"), ("Kyiv", "UKR"),
        ("Kiev", "UKR"), ("Tehran", "IRN"), ("Riyadh", "SAU"), ("Baku", "AZE"),
        ("Yerevan", "ARM"), ("Belgrade", "SRB"), ("Pristina", "XKX"), ("Kigali", "RWA"),
        ("Kinshasa", "COD"), ("Pyongyang", "PRK"), ("Seoul", "KOR"), ("Tokyo", "JPN"),
        ("Manila", "PHL"), ("Jerusalem", "ISR"), ("Ramallah", "PSE"), ("Caracas", "VEN"),
        ("Georgetown", "GUY"), ("Addis Ababa", "ETH"), ("Downing Street", "GBR"),
        ("White House", "USA"), ("the White House", "USA"), ("Elysee", "FRA"),
        ("Élysée", "FRA"), ("Kremlin's", "RUS"),
    ],
)
def test_gazetteer_capital(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.capital(text) == expected


@pytest.mark.parametrize("text", ["Brussels", "The Hague", "Geneva", "New York", "Lahore"])
def test_gazetteer_capital_not_a_government(kb: KnowledgeBase, text: str) -> None:
    assert kb.capital(text) is None


def test_gazetteer_brussels_is_the_eu(kb: KnowledgeBase) -> None:
    entry = kb.organisation("Brussels")
    assert entry is not None and (entry.country, entry.sector, entry.org) == ("IGO", "IGO", "EU")


# --------------------------------------------------------------------------- organisations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("State Department", ("USA", "GOV", None)),
        ("US State Department", ("USA", "GOV", None)),
        ("Pentagon", ("USA", "GOV", None)),
        ("Treasury", ("USA", "GOV", None)),
        ("Department of the Treasury", ("USA", "GOV", None)),
        ("External Affairs Ministry", ("IND", "GOV", None)),
        ("MEA", ("IND", "GOV", None)),
        ("Indian Air Force", ("IND", "MIL", None)),
        ("IAF", ("IND", "MIL", None)),
        ("AFP", ("PHL", "MIL", None)),
        ("KDF", ("KEN", "MIL", None)),
        ("IDF", ("ISR", "MIL", None)),
        ("People's Liberation Army", ("CHN", "MIL", None)),
        ("PLA", ("CHN", "MIL", None)),
        ("CRPF", ("IND", "COP", None)),
        ("BSF", ("IND", "COP", None)),
        ("China Coast Guard", ("CHN", "COP", None)),
        ("PCG", ("PHL", "COP", None)),
        ("ISI", ("PAK", "SPY", None)),
        ("RAW", ("IND", "SPY", None)),
        ("CIA", ("USA", "SPY", None)),
        ("Mossad", ("ISR", "SPY", None)),
        ("FSB", ("RUS", "SPY", None)),
        ("SBU", ("UKR", "SPY", None)),
        ("Radio Pakistan", ("PAK", "MED", None)),
        ("KCNA", ("PRK", "MED", None)),
        ("Xinhua", ("CHN", "MED", None)),
        ("TASS", ("RUS", "MED", None)),
        ("Al Jazeera", ("QAT", "MED", None)),
        ("Reuters", ("GBR", "MED", None)),
        ("BJP", ("IND", "PTY", None)),
        ("PTI", ("PAK", "PTY", None)),
        ("ANC", ("ZAF", "PTY", None)),
        ("Knesset", ("ISR", "LEG", None)),
        ("Kosovo Police", ("XKX", "COP", None)),
        ("ISPR", ("PAK", "MIL", None)),
        ("Revolutionary Guards", ("IRN", "MIL", None)),
        ("United Nations", ("IGO", "IGO", "UN")),
        ("UN", ("IGO", "IGO", "UN")),
        ("the UN Security Council", ("IGO", "IGO", "UN")),
        ("UNSC", ("IGO", "IGO", "UN")),
        ("UNHCR", ("IGO", "IGO", "UNHCR")),
        ("WHO", ("IGO", "IGO", "WHO")),
        ("IAEA", ("IGO", "IGO", "IAEA")),
        ("ICJ", ("IGO", "IGO", "ICJ")),
        ("NATO", ("IGO", "IGO", "NATO")),
        ("KFOR", ("IGO", "IGO", "NATO")),
        ("European Union", ("IGO", "IGO", "EU")),
        ("European Commission", ("IGO", "IGO", "EU")),
        ("African Union", ("IGO", "IGO", "AU")),
        ("ECOWAS", ("IGO", "IGO", "ECOWAS")),
        ("CSTO", ("IGO", "IGO", "CSTO")),
        ("MONUSCO", ("IGO", "IGO", "UN")),
        ("Red Cross", ("IGO", "IGO", "ICRC")),
        ("G7", ("IGO", "IGO", "G7")),
        ("Quad", ("IGO", "IGO", "QUAD")),
        ("Hamas", ("PSE", "REB", None)),
        ("Qassam Brigades", ("PSE", "REB", None)),
        ("Hezbollah", ("LBN", "REB", None)),
        ("Houthis", ("YEM", "REB", None)),
        ("Ansar Allah", ("YEM", "REB", None)),
        ("Jaish-e-Mohammed", ("PAK", "REB", None)),
        ("JeM", ("PAK", "REB", None)),
        ("LeT", ("PAK", "REB", None)),
        ("TTP", ("PAK", "REB", None)),
        ("Islamic State", (None, "REB", None)),
        ("ISIS", (None, "REB", None)),
        ("Daesh", (None, "REB", None)),
        ("al-Qaeda", (None, "REB", None)),
        ("al-Shabaab", ("SOM", "REB", None)),
        ("Boko Haram", ("NGA", "REB", None)),
        ("M23", ("COD", "REB", None)),
        ("Rapid Support Forces", ("SDN", "REB", None)),
        ("TPLF", ("ETH", "REB", None)),
        ("ELN", ("COL", "REB", None)),
        ("PKK", ("TUR", "REB", None)),
        ("Wagner", ("RUS", "MIL", None)),
        ("Arakan Army", ("MMR", "REB", None)),
        ("NPA", ("PHL", "REB", None)),
        ("Naxals", ("IND", "REB", None)),
        ("Polisario Front", ("ESH", "REB", None)),
        ("Azov", ("UKR", "MIL", None)),
    ],
)
def test_gazetteer_organisation(kb: KnowledgeBase, text: str,
                                expected: tuple[str | None, str, str | None]) -> None:
    entry = kb.organisation(text)
    assert entry is not None
    assert (entry.country, entry.sector, entry.org) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Azerbaijan's Defence Ministry", ("Azerbaijani Defence Ministry", "AZE", "GOV")),
        ("Japanese Defence Ministry", ("Japanese Defence Ministry", "JPN", "GOV")),
        ("Japan's Defense Ministry", ("Japanese Defense Ministry", "JPN", "GOV")),
        ("Russian Foreign Ministry", ("Russian Foreign Ministry", "RUS", "GOV")),
        ("Qatar’s foreign ministry", ("Qatari foreign ministry", "QAT", "GOV")),
        ("Ukrainian Infrastructure Ministry", ("Ukrainian Infrastructure Ministry", "UKR", "GOV")),
        ("Indian armed forces", ("Indian armed forces", "IND", "MIL")),
        ("Pakistani troops", ("Pakistani troops", "PAK", "MIL")),
        ("Congolese police", ("Congolese police", "COD", "COP")),
        ("Congolese soldiers", ("Congolese soldiers", "COD", "MIL")),
        ("the Israeli military", ("Israeli military", "ISR", "MIL")),
        ("Sudan's army", ("Sudanese Armed Forces", "SDN", "MIL")),
        ("US forces", ("US forces", "USA", "MIL")),
        ("South African government", ("South African government", "ZAF", "GOV")),
        ("South Korea's Joint Chiefs of Staff", ("South Korean Joint Chiefs of Staff", "KOR",
                                                 "MIL")),
        ("Nigerien security forces", ("Nigerien security forces", "NER", "COP")),
        ("Iran's mission to the United Nations", ("Iranian mission to the United Nations",
                                                  "IRN", "GOV")),
        ("Ministry of Defence of Ukraine", ("Ukrainian Ministry of Defence", "UKR", "GOV")),
        ("Burkina Faso's military government", ("Burkinabe military government", "BFA", "GOV")),
        ("Ethiopian federal forces", ("Ethiopian federal forces", "ETH", "MIL")),
        ("Kenyan police", ("National Police Service of Kenya", "KEN", "COP")),
        ("Hamas fighters", ("Hamas", "PSE", "REB")),
        ("M23 rebels", ("M23", "COD", "REB")),
        ("NATO forces", ("North Atlantic Treaty Organization", "IGO", "IGO")),
        ("European Union delegation in Moscow", ("European Union", "IGO", "IGO")),
    ],
)
def test_gazetteer_organisation_composed(kb: KnowledgeBase, text: str,
                                         expected: tuple[str, str, str]) -> None:
    entry = kb.organisation(text)
    assert entry is not None
    assert (entry.name, entry.country, entry.sector) == expected


@pytest.mark.parametrize(
    "text",
    ["who", "us", "Pakistani Prime Minister", "Indian Ocean", "Foreign Ministry", "the bloc",
     "Rangers", "Congress", "Security", "Dawn", "", "Let", "Indian"],
)
def test_gazetteer_organisation_unknown(kb: KnowledgeBase, text: str) -> None:
    assert kb.organisation(text) is None


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        ("Taliban", date(2020, 2, 29), "REB"),
        ("Taliban", date(2023, 2, 1), "GOV"),
        ("Taliban", None, "GOV"),
        ("RSF", date(2022, 1, 1), "MIL"),
        ("RSF", date(2023, 11, 1), "REB"),
        ("HTS", date(2020, 1, 1), "REB"),
    ],
)
def test_gazetteer_organisation_dated(kb: KnowledgeBase, text: str, on: date | None,
                                      expected: str) -> None:
    entry = kb.organisation(text, on)
    assert entry is not None and entry.sector == expected


# --------------------------------------------------------------------------- persons


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        ("Marco Rubio", date(2025, 5, 8), ("Marco Rubio", "USA", "GOV", "secretary of state")),
        ("Rubio", date(2025, 5, 8), ("Marco Rubio", "USA", "GOV", "secretary of state")),
        ("Marco Rubio", date(2020, 8, 10), ("Marco Rubio", "USA", "LEG", "senator")),
        ("Jaishankar", date(2025, 5, 8),
         ("S Jaishankar", "IND", "GOV", "external affairs minister")),
        ("Subrahmanyam Jaishankar", None,
         ("S Jaishankar", "IND", "GOV", "external affairs minister")),
        ("Muhammad Shehbaz Sharif", date(2025, 5, 8),
         ("Shehbaz Sharif", "PAK", "GOV", "prime minister")),
        ("Sharif", date(2025, 5, 8), ("Shehbaz Sharif", "PAK", "GOV", "prime minister")),
        ("Shahbaz Sharif", date(2021, 1, 1),
         ("Shehbaz Sharif", "PAK", "OPP", "opposition leader")),
        ("Zelenskiy", date(2022, 7, 23), ("Volodymyr Zelenskyy", "UKR", "GOV", "president")),
        ("Zelensky", None, ("Volodymyr Zelenskyy", "UKR", "GOV", "president")),
        ("Hemedti", date(2023, 11, 7), ("Mohamed Hamdan Dagalo", "SDN", "REB", "RSF commander")),
        ("Burhan", date(2023, 11, 7), ("Abdel Fattah al-Burhan", "SDN", "MIL", "army chief")),
        ("Guterres", date(2024, 1, 1), ("Antonio Guterres", "IGO", "IGO", "secretary general")),
        ("Borrell", date(2021, 2, 5), ("Josep Borrell", "IGO", "IGO", "high representative")),
        ("Borrell", date(2019, 6, 1), ("Josep Borrell", "ESP", "GOV", "foreign minister")),
        ("Erdoğan", date(2022, 7, 1), ("Recep Tayyip Erdogan", "TUR", "GOV", "president")),
        ("Kim Jong-un", None, ("Kim Jong Un", "PRK", "GOV", "supreme leader")),
        ("Xi", date(2024, 1, 1), ("Xi Jinping", "CHN", "GOV", "president")),
        ("Abiy", date(2022, 11, 2), ("Abiy Ahmed", "ETH", "GOV", "prime minister")),
        ("Kurti", date(2023, 9, 24), ("Albin Kurti", "XKX", "GOV", "prime minister")),
        ("Jolani", date(2020, 1, 1), ("Ahmed al-Sharaa", "SYR", "REB", "HTS leader")),
        ("Ahmed al-Sharaa", date(2025, 6, 1), ("Ahmed al-Sharaa", "SYR", "GOV", "president")),
        ("Imran Khan", date(2020, 1, 1), ("Imran Khan", "PAK", "GOV", "prime minister")),
        ("Raila Odinga", date(2024, 6, 26), ("Raila Odinga", "KEN", "OPP", "opposition leader")),
        ("Maria Zakharova", None,
         ("Maria Zakharova", "RUS", "GOV", "foreign ministry spokesperson")),
        ("Kim Yo Jong", None, ("Kim Yo Jong", "PRK", "GOV", "vice department director")),
        ("US Secretary of State Marco Rubio", date(2025, 5, 8),
         ("Marco Rubio", "USA", "GOV", "secretary of state")),
        ("Pakistani Prime Minister Muhammad Shehbaz Sharif", date(2025, 5, 8),
         ("Shehbaz Sharif", "PAK", "GOV", "prime minister")),
        ("Secretary Blinken", date(2021, 6, 1),
         ("Antony Blinken", "USA", "GOV", "secretary of state")),
        ("Trump", date(2022, 6, 1), ("Donald Trump", "USA", "GOV", "president")),
    ],
)
def test_gazetteer_person(kb: KnowledgeBase, text: str, on: date | None,
                          expected: tuple[str, str, str, str]) -> None:
    entry = kb.person(text, on)
    assert entry is not None
    assert (entry.name, entry.country, entry.sector, entry.role) == expected
    assert entry.kind == "person"


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Khan", date(2025, 1, 1)),  # Imran Khan and Karim Khan
        ("Kim", date(2024, 10, 1)),  # Kim Jong Un and defence minister Kim Yong-hyun
        ("Sinwar", date(2024, 1, 1)),  # Yahya and Mohammed Sinwar
        ("Aoun", date(2020, 3, 1)),  # President Michel Aoun and army chief Joseph Aoun
        ("Duterte", date(2023, 1, 1)),
        ("rubio", date(2025, 5, 8)),  # names are written with capitals
        ("John Smith", None),
        ("", None),
    ],
)
def test_gazetteer_person_ambiguous_or_unknown(kb: KnowledgeBase, text: str,
                                               on: date | None) -> None:
    assert kb.person(text, on) is None


@pytest.mark.parametrize(
    ("country", "role", "on", "expected"),
    [
        ("USA", "secretary of state", date(2025, 5, 9), "Marco Rubio"),
        ("USA", "Secretary of State", date(2020, 6, 1), "Mike Pompeo"),
        ("USA", "secretary of state", date(2023, 1, 1), "Antony Blinken"),
        ("USA", "Foreign Minister", date(2023, 1, 1), "Antony Blinken"),
        ("USA", "president", date(2022, 1, 1), "Joe Biden"),
        ("USA", "head of state", date(2025, 6, 1), "Donald Trump"),
        ("USA", "defence minister", date(2025, 6, 1), "Pete Hegseth"),
        ("PAK", "Prime Minister", date(2020, 1, 1), "Imran Khan"),
        ("PAK", "PM", date(2023, 1, 1), "Shehbaz Sharif"),
        ("PAK", "prime minister", date(2023, 10, 1), "Anwaar-ul-Haq Kakar"),
        ("PAK", "prime minister", date(2025, 5, 8), "Shehbaz Sharif"),
        ("PAK", "army chief", date(2023, 6, 1), "Asim Munir"),
        ("IND", "Foreign Minister", date(2025, 5, 8), "S Jaishankar"),
        ("IND", "External Affairs Minister", date(2019, 1, 1), "Sushma Swaraj"),
        ("IND", "foreign secretary", date(2019, 2, 27), "Vijay Gokhale"),
        ("GBR", "foreign minister", date(2024, 1, 1), "David Cameron"),
        ("GBR", "prime minister", date(2022, 10, 1), "Liz Truss"),
        ("GBR", "head of state", date(2021, 1, 1), "Elizabeth II"),
        ("DEU", "prime minister", date(2023, 1, 1), "Olaf Scholz"),
        ("RUS", "defence minister", date(2022, 7, 23), "Sergei Shoigu"),
        ("UKR", "foreign minister", date(2022, 7, 23), "Dmytro Kuleba"),
        ("ISR", "prime minister", date(2021, 12, 1), "Naftali Bennett"),
        ("IRN", "head of state", date(2024, 1, 1), "Ali Khamenei"),
        ("IRN", "president", date(2024, 6, 1), "Mohammad Mokhber"),
        ("KOR", "president", date(2023, 1, 1), "Yoon Suk Yeol"),
        ("JPN", "prime minister", date(2025, 11, 1), "Sanae Takaichi"),
        ("Pakistan", "Prime Minister", date(2025, 5, 8), "Shehbaz Sharif"),
        ("UN", "Secretary-General", date(2024, 1, 1), "Antonio Guterres"),
        ("NATO", "secretary general", date(2023, 1, 1), "Jens Stoltenberg"),
        ("NATO", "secretary general", date(2025, 1, 1), "Mark Rutte"),
        ("EU", "high representative", date(2022, 1, 1), "Josep Borrell"),
        ("AU", "commission chairperson", date(2023, 1, 1), "Moussa Faki Mahamat"),
        ("IAEA", "director general", date(2023, 1, 1), "Rafael Grossi"),
    ],
)
def test_gazetteer_office_holder(kb: KnowledgeBase, country: str, role: str, on: date,
                                 expected: str) -> None:
    entry = kb.office_holder(country, role, on)
    assert entry is not None and entry.name == expected


@pytest.mark.parametrize(
    ("country", "role", "on"),
    [("USA", "prime minister", date(2024, 1, 1)), ("PAK", "president", date(1900, 1, 1)),
     ("XYZ", "president", date(2024, 1, 1))],
)
def test_gazetteer_office_holder_none(kb: KnowledgeBase, country: str, role: str,
                                      on: date) -> None:
    assert kb.office_holder(country, role, on) is None


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prime Minister", Role("prime minister", "GOV", True)),
        ("PM", Role("prime minister", "GOV", True)),
        ("President", Role("president", "GOV", True)),
        ("Foreign Minister", Role("foreign minister", "GOV", True)),
        ("External Affairs Minister", Role("external affairs minister", "GOV", True)),
        ("Secretary of State", Role("secretary of state", "GOV", True)),
        ("US Secretary of State", Role("secretary of state", "GOV", True)),
        ("Secretary", Role("secretary", "GOV", True)),
        ("Defence Cabinet Secretary", Role("defence cabinet secretary", "GOV", True)),
        ("Minister", Role("minister", "GOV", True)),
        ("ministers", Role("minister", "GOV", False)),
        ("spokesperson", Role("spokesperson", None, True)),
        ("spokesman", Role("spokesperson", None, True)),
        ("Spokeswoman", Role("spokesperson", None, True)),
        ("Foreign Ministry spokeswoman", Role("foreign ministry spokesperson", "GOV", True)),
        ("police spokeswoman", Role("police spokesperson", "COP", True)),
        ("M23 spokesman", Role("m23 spokesperson", "REB", True)),
        ("Kremlin spokesman", Role("kremlin spokesperson", "GOV", True)),
        ("ambassador", Role("ambassador", "GOV", True)),
        ("envoy", Role("envoy", "GOV", True)),
        ("diplomat", Role("diplomat", "GOV", True)),
        ("General", Role("general", "MIL", True)),
        ("Gen.", Role("general", "MIL", True)),
        ("army chief", Role("army chief", "MIL", True)),
        ("commander", Role("commander", "MIL", True)),
        ("rebel commander", Role("rebel commander", "REB", True)),
        ("colonel", Role("colonel", "MIL", True)),
        ("Wing Commander", Role("wing commander", "MIL", True)),
        ("soldier", Role("soldier", "MIL", True)),
        ("officer", Role("officer", "MIL", True)),
        ("police officer", Role("police officer", "COP", True)),
        ("police chief", Role("police chief", "COP", True)),
        ("commissioner", Role("commissioner", "COP", True)),
        ("lawmaker", Role("lawmaker", "LEG", True)),
        ("MP", Role("mp", "LEG", True)),
        ("senator", Role("senator", "LEG", True)),
        ("judge", Role("judge", "JUD", True)),
        ("opposition leader", Role("opposition leader", "OPP", True)),
        ("rebel", Role("rebel", "REB", True)),
        ("insurgent", Role("insurgent", "REB", True)),
        ("militant", Role("militant", "UAF", True)),
        ("gunman", Role("gunman", "UAF", True)),
        ("terrorist", Role("terrorist", "UAF", True)),
        ("civilian", Role("civilian", "CVL", True)),
        ("hostage", Role("hostage", "CVL", True)),
        ("journalist", Role("journalist", "MED", True)),
        ("imam", Role("imam", "REL", True)),
        ("union", Role("union", "LAB", False)),
        ("executive director", Role("executive director", "NGO", True)),
        ("troops", Role("troops", "MIL", False)),
        ("soldiers", Role("soldiers", "MIL", False)),
        ("warplanes", Role("warplanes", "MIL", False)),
        ("drones", Role("drones", "MIL", False)),
        ("police", Role("police", "COP", False)),
        ("officers", Role("officers", "COP", False)),
        ("coast guard", Role("coast guard", "COP", False)),
        ("government", Role("government", "GOV", False)),
        ("officials", Role("officials", "GOV", False)),
        ("authorities", Role("authorities", "GOV", False)),
        ("parliament", Role("parliament", "LEG", False)),
        ("rebels", Role("rebels", "REB", False)),
        ("gunmen", Role("gunmen", "UAF", False)),
        ("masked men", Role("masked men", "UAF", False)),
        ("civilians", Role("civilians", "CVL", False)),
        ("protesters", Role("protesters", "CVL", False)),
        ("children", Role("children", "CVL", False)),
        ("state media", Role("state media", "MED", False)),
        ("news agency", Role("news agency", "MED", False)),
        ("generals", Role("general", "MIL", False)),
        ("spokesmen", Role("spokesperson", None, False)),
    ],
)
def test_gazetteer_role(kb: KnowledgeBase, text: str, expected: Role) -> None:
    assert kb.role(text) == expected


@pytest.mark.parametrize("text", ["", "banana", "Pakistan", "the"])
def test_gazetteer_role_unknown(kb: KnowledgeBase, text: str) -> None:
    assert kb.role(text) is None


# --------------------------------------------------------------------------- user files


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return path


def test_gazetteer_add_file_yaml(tmp_path: Path) -> None:
    kb = KnowledgeBase()
    kb.add_file(_write(tmp_path, "kb.yaml", """
        - name: Jane Doe
          aliases: [J. Doe]
          country: KEN
          sector: GOV
          terms:
            - {role: interior minister, start: 2024-08-08}
            - {role: senator, sector: LEG, start: 2017-08-31, end: 2024-08-07}
        - name: Coastal Liberation Front
          aliases: [CLF]
          country: Kenya
          sector: REB
        - name: AFP
          aliases: [Agence France-Presse]
          country: FRA
          sector: MED
          kind: media
    """))
    assert kb.person("Jane Doe", date(2025, 1, 1)) == Entry(
        "Jane Doe", "KEN", "GOV", None, "person", "interior minister")
    assert kb.person("Doe", date(2020, 1, 1)) == Entry(
        "Jane Doe", "KEN", "LEG", None, "person", "senator")
    assert kb.office_holder("KEN", "interior minister", date(2025, 1, 1)).name == "Jane Doe"
    assert kb.organisation("CLF") == Entry("Coastal Liberation Front", "KEN", "REB", None,
                                           "group")
    assert kb.organisation("AFP") == Entry("AFP", "FRA", "MED", None, "media")  # user wins
    assert KnowledgeBase().organisation("AFP").country == "PHL"  # built-ins untouched


def test_gazetteer_add_file_csv(tmp_path: Path) -> None:
    kb = KnowledgeBase()
    kb.add_file(_write(tmp_path, "kb.csv", """
        name,aliases,country,sector,org,kind,role,start,end
        Jane Doe,J. Doe,KEN,GOV,,person,interior minister,2024-08-08,
        Jane Doe,J. Doe,KEN,LEG,,person,senator,2017-08-31,2024-08-07
        Coastal Liberation Front,CLF|Coastal Front,KEN,REB,,group,,,
        Lake Commission,LKC,IGO,IGO,LKC,,,,
    """))
    assert kb.person("J. Doe", date(2018, 1, 1)).sector == "LEG"
    assert kb.organisation("Coastal Front").sector == "REB"
    assert kb.organisation("LKC") == Entry("Lake Commission", "IGO", "IGO", "LKC", "igo")


def test_gazetteer_add_file_tsv(tmp_path: Path) -> None:
    kb = KnowledgeBase()
    kb.add_file(_write(tmp_path, "kb.tsv", "name\tcountry\tsector\nRiver Front\tUGA\tREB\n"))
    assert kb.organisation("River Front").country == "UGA"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("kb.yaml", "- name: X\n  sector: GOV\n  country: [PAK\n",
         r"kb\.yaml, line \d+: malformed YAML"),
        ("kb.yaml", "- name: X\n  sector: GOVT\n",
         r"kb\.yaml, entry 1 \(line 1\) \(X\): unknown sector 'GOVT'"),
        ("kb.yaml", "- name: A\n  sector: REB\n- name: B\n  sector: WAT\n",
         r"kb\.yaml, entry 2 \(line 3\) \(B\): unknown sector 'WAT'"),
        ("kb.yaml", "- name: X\n  country: ZZZ\n",
         r"entry 1 \(line 1\) \(X\): unknown country 'ZZZ'"),
        ("kb.yaml", "- name: X\n  start: 2020-13-01\n",
         r"entry 1 .*start '2020-13-01' is not an ISO date"),
        ("kb.yaml", "- name: X\n  start: 2021-01-01\n  end: 2020-01-01\n",
         r"start 2021-01-01 is after end"),
        ("kb.yaml", "- name: X\n  colour: red\n",
         r"entry 1 \(line 1\): unknown field\(s\) 'colour'"),
        ("kb.yaml", "- sector: GOV\n", r"entry 1 \(line 1\): missing 'name'"),
        ("kb.yaml", "- name: X\n  country: IGO\n", r"\(X\): an IGO entry needs an 'org' code"),
        ("kb.yaml", "- name: X\n  kind: capital\n", r"\(X\): unknown kind 'capital'"),
        ("kb.yaml", "name: X\n", r"kb\.yaml: expected a list of entries"),
        ("kb.yaml", "- just a string\n", r"entry 1 \(line 1\): expected a mapping"),
        ("kb.yaml", "- name: X\n  terms: [{role: pm, colour: red}]\n",
         r"entry 1 \(line 1\), term 1"),
        ("kb.csv", "name,country,sector\nA,PAK,GOV\nB,IND,MILITARY\n",
         r"kb\.csv, line 3 \(B\): unknown sector 'MILITARY'"),
        ("kb.csv", "name,country,sector\nA,PAK,GOV,extra\n",
         r"kb\.csv, line 2: 4 fields for 3 columns"),
        ("kb.csv", "name,colour\nA,red\n", r"kb\.csv, line 1: unknown column\(s\) 'colour'"),
        ("kb.csv", "country,sector\nPAK,GOV\n",
         r"kb\.csv, line 1: the header needs a 'name' column"),
        ("kb.csv", "name,start\nA,yesterday\n", r"kb\.csv, line 2 \(A\): start 'yesterday'"),
        ("kb.csv", 'name,country\nA,PAK\n"B,IND\n',
         r"kb\.csv, line 3: unexpected end of data"),
        ("kb.json", "[]", r"kb\.json: unsupported file type '\.json'"),
    ],
)
def test_gazetteer_add_file_bad(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=expected):
        KnowledgeBase().add_file(path)


def test_gazetteer_add_file_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(KnowledgeBaseError, match=r"nope\.yaml: knowledge-base file not found"):
        KnowledgeBase().add_file(missing)


def test_gazetteer_default_kb_cached_and_env(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    first = _write(tmp_path, "one.csv", "name,country,sector\nRiver Front,UGA,REB\n")
    second = _write(tmp_path, "two.yaml", "- {name: Hill Front, country: RWA, sector: REB}\n")
    monkeypatch.setenv("FLASHPOINT_KB", f"{first}{os.pathsep}{second}")
    default_kb.cache_clear()
    try:
        kb = default_kb()
        assert default_kb() is kb
        assert kb.organisation("River Front").country == "UGA"
        assert kb.organisation("Hill Front").country == "RWA"
        monkeypatch.setenv("FLASHPOINT_KB", str(tmp_path / "missing.csv"))
        default_kb.cache_clear()
        with pytest.raises(KnowledgeBaseError, match="missing.csv"):
            default_kb()
    finally:
        default_kb.cache_clear()


# --------------------------------------------------------------------------- the data itself


def test_gazetteer_default_kb_loads_fast() -> None:
    code = ("import time; from flashpoint import gazetteer; t = time.perf_counter(); "
            "gazetteer.default_kb(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PATH": "", "PYTHONPATH": os.pathsep.join(sys.path)})
    assert float(out.stdout) < 0.3


def test_gazetteer_builtin_data_counts(kb: KnowledgeBase) -> None:
    assert len(kb._iso3) >= 195
    capitals = sum(1 for line in (DATA / "capitals.tsv").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert capitals >= 185
    groups = {o.name for o in kb._orgs if o.kind == "group"}
    assert len(groups) >= 60
    rows = sum(len(p.terms) for p in kb._persons)
    assert rows >= 600
    dated = {t.country for p in kb._persons for t in p.terms if not t.timeless}
    assert len(dated - {"IGO"}) >= 60


def test_gazetteer_builtin_codes_are_valid(kb: KnowledgeBase) -> None:
    for org in kb._orgs:
        for term in org.variants:
            assert term.sector is None or term.sector in SECTORS, org.name
            assert term.country is None or term.country in kb._iso3 | {"IGO"}, org.name
            assert (term.country == "IGO") == (term.org is not None), org.name
    for person in kb._persons:
        for term in person.terms:
            assert term.sector in SECTORS, person.name
            assert term.country is None or term.country in kb._iso3 | {"IGO"}, person.name
            assert (term.country == "IGO") == (term.org is not None), person.name


def test_gazetteer_office_terms_do_not_overlap(kb: KnowledgeBase) -> None:
    """Two people never hold the same single-seat office on the same day."""
    single = {"president", "prime minister", "foreign minister", "defence minister",
              "monarch", "supreme leader", "secretary general", "high representative",
              "commission president"}
    seats: dict[tuple[str | None, str | None, str], list[tuple[date, date, str]]] = {}
    for person in kb._persons:
        for term in person.terms:
            office = kb._office_of_title(term.role, term.country)
            if term.timeless or office not in single or term.start is None:
                continue
            if term.role and term.role.startswith(("acting", "caretaker", "de facto")):
                continue
            seats.setdefault((term.country, term.org, office), []).append(
                (term.start, term.end or date.max, person.name))
    clashes = []
    for seat, spans in seats.items():
        spans.sort()
        for (_, e1, n1), (s2, _, n2) in zip(spans, spans[1:], strict=False):
            if s2 < e1 and n1 != n2:
                clashes.append((seat, n1, n2))
    assert clashes == []
