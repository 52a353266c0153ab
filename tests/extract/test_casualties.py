"""Casualty counts stated in a sentence (ANNOTATION.md §6)."""

from __future__ import annotations

import pytest

from flashpoint.errors import BadInput
from flashpoint.extract.casualties import (
    Casualties,
    CasualtyMention,
    casualties,
    casualty_mentions,
    parse_number,
    revised_toll,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26", 26),
        ("1,200", 1200),
        ("14,000", 14000),
        ("thirteen", 13),
        ("forty", 40),
        ("Twenty-five", 25),
        ("one hundred and twenty", 120),
        ("two dozen", 24),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("1.2 million", 1_200_000),
        ("at least 26", 26),
        ("more than 5,000", 5000),
        ("about 60", 60),
        ("some 1,200", 1200),
        ("nearly 700", 700),
        ("as many as 30", 30),
        ("several", None),
        ("many", None),
        ("scores", None),
        ("dozens", None),
        ("hundreds", None),
        ("tens of thousands", None),
        ("a few", None),
        ("35-year-old", None),
        ("first", None),
        ("a", None),
        ("nonsense", None),
        ("", None),
    ],
)
def test_casualties_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Active verbs: the object is the victim.
        ("Terrorists attacked the tourist spot, killing 26 civilians on April 22.", (26, None)),
        ("Gunmen killed at least 13 people in the village.", (13, None)),
        ("Police shot dead at least 13 people yesterday.", (13, None)),
        ("The fighting has killed at least 600 people and wounded more than 5,000.",
         (600, 5000)),
        ("Fighters stormed the town, killing some 1,200 people and seizing about 240 hostages.",
         (1200, None)),
        ("Last October, an air strike on a concert killed about 60 people.", (60, None)),
        ("Special police units killed three of them in a gun battle.", (3, None)),
        ("The strikes had killed five of the group's fighters and wounded six.", (5, 6)),
        ("The firing killed 13 Indians and injured several others.", (13, None)),
        ("Militants killed 5 soldiers and 3 civilians.", (8, None)),
        ("Rebels shot and killed 12 villagers.", (12, None)),
        ("Troops gunned down seven protesters.", (7, None)),
        ("The air strike killed seven members of the Guards, including two generals.", (7, None)),
        # Passive verbs and reduced relatives: the subject is the victim.
        ("The minister said 49 Armenian soldiers had been killed.", (49, None)),
        ("It said 50 of its servicemen had been killed by Armenian fire.", (50, None)),
        ("It followed the bombing in which forty CRPF personnel were killed.", (40, None)),
        ("One officer was killed and another was wounded.", (1, 1)),
        ("A seven-year-old girl was seriously wounded by shrapnel.", (None, 1)),
        ("Two Frontier Corps soldiers were wounded.", (None, 2)),
        ("Armenia says 105 soldiers killed in Azerbaijani attacks", (105, None)),
        ("22 killed as police fire on protesters", (22, None)),
        ("At least 40 soldiers were killed and 20 others wounded.", (40, 20)),
        ("Four soldiers were martyred, while twelve attackers were killed.", (4, None)),
        ("No one was killed in the attack.", (0, None)),
        # Intransitive verbs and nouns that name the dead.
        ("Nine soldiers died in the ambush.", (9, None)),
        ("Thirteen people lost their lives.", (13, None)),
        ("The attack claimed 30 lives.", (30, None)),
        ("The attack left 3 dead and 10 wounded.", (3, 10)),
        ("The raid left four people dead.", (4, None)),
        ("Officials reported 53 deaths and 120 injuries.", (53, 120)),
        ("Rescuers initially counted 53 bodies.", (53, None)),
        ("Two UN bodies condemned the attack.", (None, None)),
        # Vague quantities state no number.
        ("Several other soldiers were wounded, and dozens of the attackers were killed.",
         (None, None)),
        ("The war has killed tens of thousands of people.", (None, None)),
        ("Hundreds were killed.", (None, None)),
        # Numbers that are not casualties.
        ("Armenia says 105 soldiers were deployed to the border.", (None, None)),
        ("The blockade has trapped some 20 million tonnes of grain in silos.", (None, None)),
        ("The rebels gave soldiers 48 hours to surrender their weapons.", (None, None)),
        ("IAF Mirage 2000 jets struck the camp in 2019.", (None, None)),
        ("The 35-year-old officer was killed.", (None, None)),
        # Statements that are not facts.
        ("Rebels threatened to kill 10 hostages.", (None, None)),
        ("The bomb did not kill anyone.", (None, None)),
        # Bad input.
        ("", (None, None)),
        ("Colourless green ideas sleep furiously.", (None, None)),
    ],
)
def test_casualties_casualties(nlp, text: str, expected: tuple[int | None, int | None]) -> None:
    assert casualties(nlp(text)) == Casualties(*expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On Wednesday he said the toll had risen to 105.", (105, None)),
        ("By this morning, the commission had raised the death toll to 22.", (22, None)),
        ("The death toll rose to 31.", (31, None)),
        ("The death toll rose to 31 dead and 50 wounded.", (31, 50)),
        ("The number of dead climbed to 133.", (133, None)),
        ("The new attacks brought the death toll to 200.", (200, None)),
        # Not a revision.
        ("The death toll stood at 40.", (None, None)),
        ("The death toll from the fighting rose sharply.", (None, None)),
        ("Gunmen killed at least 13 people.", (None, None)),
        ("", (None, None)),
    ],
)
def test_casualties_revised_toll(nlp, text: str, expected: tuple[int | None, int | None]) -> None:
    assert revised_toll(nlp(text)) == Casualties(*expected)


def test_casualties_counts_only_the_given_sentence(nlp) -> None:
    doc = nlp("Four soldiers were martyred. Twelve attackers were killed by security forces.")
    first, second = doc.sents
    assert casualties(first) == Casualties(4, None)
    assert casualties(second) == Casualties(12, None)


def test_casualties_mentions_carry_offsets(nlp) -> None:
    doc = nlp("The toll rose. The fighting has killed at least 600 people and wounded 5,000.")
    mentions = casualty_mentions(list(doc.sents)[1])
    assert all(isinstance(m, CasualtyMention) for m in mentions)
    assert [(m.kind, m.count, doc.text[m.start:m.end]) for m in mentions] == [
        ("killed", 600, "at least 600"),
        ("injured", 5000, "5,000"),
    ]


def test_casualties_vague_mentions_are_kept_without_count(nlp) -> None:
    (mention,) = casualty_mentions(nlp("The shelling wounded several others."))
    assert (mention.kind, mention.count) == ("injured", None)


@pytest.mark.parametrize("func", [casualties, revised_toll, casualty_mentions])
@pytest.mark.parametrize("span", ["killing 26 civilians", None])
def test_casualties_refuse_non_spans(func, span: object) -> None:
    with pytest.raises(BadInput, match="span"):
        func(span)
