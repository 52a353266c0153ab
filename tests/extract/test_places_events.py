"""Where events happen: the location rules of event coding (ANNOTATION.md §5).

Each sentence here is invented; the rules are the ones ``events`` applies to the place
mentions of ``extract.places``.
"""

from __future__ import annotations

import pytest

import flashpoint
from flashpoint.model import Event

PUBLISHED = "2025-06-10"


def located(text: str) -> list[tuple[str, tuple[str, str | None, str] | None]]:
    """Each event as (CAMEO root, (place name, country, precision) or None)."""
    result = flashpoint.extract(text, published=PUBLISHED)
    return [(e.cameo_root, where(e)) for e in result.events]


def where(event: Event) -> tuple[str, str | None, str] | None:
    loc = event.location
    return (loc.name, loc.country, loc.precision) if loc is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Police acting on their own people, in a story that names no place: their country.
        ("NAIROBI (Wire) - Kenyan police shot dead four protesters on Tuesday, rights groups "
         "said.", [("19", ("Kenya", "KEN", "country"))]),
        # ... but not a coast guard acting on a foreign boat.
        ("Chinese coast guard ships fired water cannon at a Philippine supply boat.",
         [("17", None)]),
    ],
)
def test_places_events_home_ground(text: str, expected: list) -> None:
    assert located(text) == expected


def test_places_events_nationality_names_the_ground() -> None:
    text = "Azerbaijani forces shelled Armenian border villages on Tuesday, killing two civilians."
    assert located(text) == [("19", ("Armenia", "ARM", "country"))]


def test_places_events_capital_by_rank() -> None:
    text = "Protesters clashed with police in the Kenyan capital on Tuesday."
    assert located(text) == [("14", ("Nairobi", "KEN", "city"))]


def test_places_events_capital_as_subject_is_a_government() -> None:
    # 'a law that Moscow drafted': Moscow acts; the arrests happened where the story is.
    text = ("Belarusian police arrested 20 activists under a law that Moscow drafted last year. "
            "The arrests took place in Minsk.")
    assert ("17", ("Minsk", "BLR", "city")) in located(text)


def test_places_events_words_placed_through_their_audience() -> None:
    text = "Speaking to reporters in Geneva, Iran's foreign minister accused Israel of sabotage."
    assert located(text) == [("11", ("Geneva", "CHE", "city"))]


def test_places_events_venue_abroad() -> None:
    # A meeting placed only by a country is there when the story's place is elsewhere.
    text = ("Pakistani troops shelled Indian posts near Poonch on Monday. On Tuesday, US "
            "Secretary of State Marco Rubio met Indian Foreign Minister S Jaishankar in Qatar.")
    assert located(text) == [("19", ("Poonch", "IND", "city")),
                             ("04", ("Qatar", "QAT", "country"))]


def test_places_events_occasion_venue() -> None:
    # Agreed after talks held in a country: there, though the text names only the country.
    text = "Ethiopia and Somalia agreed on Wednesday to restore relations after talks in Turkey."
    assert located(text) == [("03", ("Turkey", "TUR", "country"))] * 2


def test_places_events_talks_yet_to_happen_do_not_place() -> None:
    assert located("Germany urged Russia to join talks in Turkey.") == [("02", None)]


def test_places_events_appeal_about_a_country_is_not_placed() -> None:
    # 'in Ukraine' says where the offensive is, not where the appeal was made.
    assert located("Germany urged Russia to halt its offensive in Ukraine.") == [("02", None)]
