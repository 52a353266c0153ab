"""The dateline: where a story was filed, found in every usual form and never an actor."""

from __future__ import annotations

import pytest

import flashpoint
from flashpoint.extract.places import Dateline, find_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
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
def test_dateline_forms(text: str, expected: str) -> None:
    dateline = find_dateline(text)
    assert isinstance(dateline, Dateline)
    assert dateline.text == expected
    assert text[dateline.start:dateline.end] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hamas—the militant group—said it would free more hostages.",
        "The army said on Monday—after days of fighting—that it had retaken the town.",
    ],
)
def test_dateline_none(text: str) -> None:
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "not_actors"),
    [
        ("TIANJIN, China (Wire) - Indian Prime Minister Narendra Modi and Pakistani Prime "
         "Minister Shehbaz Sharif exchanged greetings at the summit.", {"China", "Wire"}),
        ("KYIV, Ukraine, Nov 3 (Reuters) - Russian drones hit a power plant in Kharkiv, "
         "Ukrainian officials said.", {"Ukraine", "Reuters"}),
        ("WASHINGTON, D.C. - The State Department said talks would resume.", {"D.C."}),
        ("KYIV, Ukraine—Russian drones hit a power plant, officials said.", {"Ukraine"}),
    ],
)
def test_dateline_country_and_agency_are_no_actors(text: str, not_actors: set[str]) -> None:
    result = flashpoint.extract(text, published="2025-09-01")
    names = {n for a in result.actors for n in (a.name, *a.aliases)}
    assert not names & not_actors, names


def test_dateline_does_not_hide_the_lead() -> None:
    result = flashpoint.extract("HONG KONG (Wire) - Hong Kong police arrested pro-democracy "
                                "activists on Monday.", published="2020-08-11")
    police = [a for a in result.actors if "police" in a.name.lower()]
    assert police and police[0].country == "HKG"
