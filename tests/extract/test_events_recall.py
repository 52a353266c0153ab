"""Events stated indirectly: reported claims, implicit sides, refusals, plural actors.

Each case is a sentence written for the test; the rules they exercise are grammar and
lexicon rules of ``flashpoint.extract.events`` and ``ontology/triggers.yaml``.
"""

from __future__ import annotations

import pytest

import flashpoint
from flashpoint.model import ArticleResult

PUBLISHED = "2024-03-08"  # a Friday

Dyad = tuple[str | None, str | None, str | tuple[str, ...], bool]


def extract(text: str) -> ArticleResult:
    return flashpoint.extract(text, published=PUBLISHED)


def dyads(result: ArticleResult) -> list[tuple[str | None, str | None, str, bool]]:
    """Each event as (source country, target country, CAMEO code, negated)."""
    return [(e.source.country if e.source else None, e.target.country if e.target else None,
             e.cameo, e.negated) for e in result.events]


def has(result: ArticleResult, expected: Dyad) -> bool:
    """Whether an event matches; the code must start with one of the given prefixes."""
    source, target, codes, negated = expected
    codes = (codes,) if isinstance(codes, str) else codes
    return any(d[:2] == (source, target) and d[2].startswith(codes) and d[3] is negated
               for d in dyads(result))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A pronoun subject under a verb of saying is whoever says it.
        ("Ethiopia's foreign ministry said it had lodged a formal protest with Eritrea.",
         [("ETH", "ERI", "114", False)]),
        # 'its positions' belongs to the side that reports the attack on them.
        ("Kenya's defence ministry said Somali militiamen attacked its positions near Mandera.",
         [("SOM", "KEN", ("18", "19"), False)]),
        # An act joined to one addressed to someone is addressed there too.
        ("The Indian army raised the incident with the Pakistani side over the hotline and "
         "lodged a strong protest.", [("IND", "PAK", "114", False)]),
        # 'its units' are the reporting side's own forces.
        ("Armenian forces opened fire on Azerbaijani positions on Monday. Azerbaijan's "
         "defence ministry said its units had returned fire.",
         [("AZE", "ARM", "19", False)]),
    ],
)
def test_events_reported_pronouns(text: str, expected: list[Dyad]) -> None:
    result = extract(text)
    for dyad in expected:
        assert has(result, dyad), f"{dyad} not in {dyads(result)}"


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # A party that opens with its claim that the other side attacked it accuses it.
        ("Serbia's interior ministry said Kosovo police had fired on Serbian villagers near "
         "Zubin Potok.", ("SRB", "XKX", "112", False), None),
        # A source cited after the report only attributes it.
        ("Kosovo police fired on Serbian villagers near Zubin Potok, Serbia's interior "
         "ministry said.", ("XKX", "SRB", "19", False), ("SRB", "XKX", "11")),
        # A report of one's own side's act accuses no one.
        ("Israel's army said its jets had struck Hezbollah positions in southern Lebanon.",
         ("ISR", "LBN", "19", False), ("ISR", "LBN", "11")),
    ],
)
def test_events_reported_attack_is_an_accusation(
        text: str, expected: Dyad, absent: tuple[str, str, str] | None) -> None:
    result = extract(text)
    assert has(result, expected), dyads(result)
    if absent is not None:
        assert not has(result, (*absent, False)), dyads(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thai troops shelled Cambodian villages on Monday. Each side accused the other of "
         "starting the fighting.",
         [("THA", "KHM", "112", False), ("KHM", "THA", "112", False)]),
        ("Egypt and Sudan blamed each other for the collapse of the talks.",
         [("EGY", "SDN", "112", False), ("SDN", "EGY", "112", False)]),
    ],
)
def test_events_mutual_accusations(text: str, expected: list[Dyad]) -> None:
    result = extract(text)
    for dyad in expected:
        assert has(result, dyad), f"{dyad} not in {dyads(result)}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The act alleged and then rejected is reported as denied, by its alleged author.
        ("The Houthis accused the Saudi-led coalition of bombing a market in Saada, a charge "
         "the coalition rejected.", ("SAU", "YEM", "19", True)),
        # 'denied that X had any role in …': X's part in the violence, denied.
        ("Gunmen ambushed a Nigerien army convoy near Tillaberi on Sunday, killing six "
         "soldiers. Burkina Faso's president denied that Burkina Faso had any role in the "
         "ambush.", ("BFA", "NER", "19", True)),
        # Troops sent to fight alongside rebels: military cooperation, here denied.
        ("Rwanda denies sending troops to fight alongside the M23 rebels.",
         ("RWA", "COD", "062", True)),
    ],
)
def test_events_denied_acts(text: str, expected: Dyad) -> None:
    result = extract(text)
    assert has(result, expected), dyads(result)
    source, target, _, _ = expected
    assert not [d for d in dyads(result) if d[:2] == (source, target) and not d[3]
                and d[2][:2] in ("06", "18", "19")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A refusal stated as a stand is a rejection, not a negated act.
        ("Venezuela will not negotiate with Guyana over the Essequibo, Maduro said.",
         ("VEN", "GUY", "125", False)),
        ("Serbia does not recognise the authority of the Kosovo government, Vucic said.",
         ("SRB", "XKX", "12", False)),
        ("The Kremlin said Russia would never recognise Ukraine's sovereignty over Crimea.",
         ("RUS", "UKR", "12", False)),
        # Turning down an offer to mediate rejects the mediation (126) of whoever offered it.
        ("Armenia rejected an offer from Iran to mediate in the dispute.",
         ("ARM", "IRN", "126", False)),
        ("Iran rejected the proposal by the United States to hold direct talks.",
         ("IRN", "USA", "125", False)),
        # A past act that did not happen stays a negated act.
        ("India did not attend the meeting with Pakistan.", ("IND", "PAK", "04", True)),
    ],
)
def test_events_refusals(text: str, expected: Dyad) -> None:
    result = extract(text)
    assert has(result, expected), dyads(result)


def test_events_two_leaders_are_a_pair() -> None:
    result = extract("A Tanzanian official attended the meeting. Kenyan President William "
                     "Ruto met Somali President Hassan Sheikh Mohamud in Nairobi on Monday, "
                     "and the two leaders agreed to reopen the border.")
    assert not [d for d in dyads(result) if "TZA" in d[:2]], dyads(result)


def test_events_side_clause_is_its_own_act() -> None:
    """'praised X, while Y rejected an offer': the rejection is no content of the praise."""
    result = extract("Blinken praised Qatar's mediation on Tuesday, while Israel rejected a "
                     "fresh offer from Egypt to mediate in the talks.")
    assert has(result, ("ISR", "EGY", "126", False)), dyads(result)


def test_events_headline_passive_names_the_victim() -> None:
    """'after soldier killed in border clash': the soldier was killed, killed no one."""
    result = flashpoint.extract("Kenya accuses Somalia after soldier killed in border clash",
                                published=PUBLISHED)
    assert not [e for e in result.events if e.cameo_root in ("18", "19")
                and e.source is not None and "soldier" in e.source.name]


def test_events_offer_content_is_not_coded() -> None:
    """'rejected an offer to mediate': no mediation, negated or not, is reported."""
    result = extract("Armenia rejected an offer from Iran to mediate in the dispute.")
    assert not [d for d in dyads(result) if d[2].startswith("04")], dyads(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A response still to come is a threat, aimed at the author of what it answers.
        ("Azerbaijan would respond to any provocation by Armenia, the defence ministry said.",
         ("AZE", "ARM", "138", False)),
        ("Israel will retaliate against Iran, the defence minister said.",
         ("ISR", "IRN", "138", False)),
        # Warning a neighbour of a flood shares information; it threatens no one.
        ("Georgia warned Armenia of heavy flooding on the Debed river.",
         ("GEO", "ARM", "064", False)),
        # A demand put as an expectation.
        ("Pakistan expects the Taliban government to release the detained aid workers.",
         ("PAK", "AFG", "10", False)),
        # Suspending offensive operations declares a truce.
        ("The ELN said it would suspend offensive operations against the Colombian army.",
         ("COL", "COL", "0871", False)),
        # Closing and reopening a border or airspace to a neighbour.
        ("Uganda closed its border with Kenya on Friday.", ("UGA", "KEN", "172", False)),
        ("Tajikistan reopened its airspace to Afghan airlines on Monday.",
         ("TJK", "AFG", "081", False)),
        # Executions by a state, of people in its hands.
        ("Kenya executed three convicted spies on Monday.", ("KEN", "KEN", "180", False)),
    ],
)
def test_events_lexicon_senses(text: str, expected: Dyad) -> None:
    result = extract(text)
    assert has(result, expected), dyads(result)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Georgia warned Armenia of heavy flooding on the Debed river.", "13"),
        ("India will respond to terrorism on its own terms.", "13"),
        ("Israel's army said it responded to the fire.", "13"),
        ("North Korea warned that its forces would shoot down any US spy plane.", "19"),
    ],
)
def test_events_lexicon_senses_not_taken(text: str, absent: str) -> None:
    assert not [d for d in dyads(extract(text)) if d[2].startswith(absent)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Several subjects meet or talk: each side to the other.
        ("Senior diplomats from Ethiopia and Somalia met in Ankara on Thursday.",
         [("ETH", "SOM", "04", False), ("SOM", "ETH", "04", False)]),
        ("Ethiopian Prime Minister Abiy Ahmed and Somali President Hassan Sheikh Mohamud "
         "talked for three hours in Ankara.",
         [("ETH", "SOM", "04", False), ("SOM", "ETH", "04", False)]),
        # 'the two leaders' who were just named, not a third party named before them.
        ("A Tanzanian official attended the meeting. Kenyan President William Ruto met "
         "Somali President Hassan Sheikh Mohamud in Nairobi on Monday, and the two leaders "
         "agreed to reopen the border.",
         [("KEN", "SOM", "03", False), ("SOM", "KEN", "03", False)]),
        # 'the two countries' that last acted together.
        ("Iran and Saudi Arabia signed an agreement in Beijing on Friday. The two countries "
         "said they would implement a security cooperation agreement signed in 2001.",
         [("IRN", "SAU", "03", False), ("SAU", "IRN", "03", False)]),
        # Acts counted in amounts keep their light verb: 'launched dozens of strikes'.
        ("The United States and Britain launched dozens of missile strikes against Houthi "
         "targets in Yemen.", [("USA", "YEM", "19", False), ("GBR", "YEM", "19", False)]),
        ("Qatari Prime Minister Mohammed bin Abdulrahman Al Thani led months of mediation "
         "between Israel and Hamas.", [("QAT", "ISR", "045", False), ("QAT", "PSE", "045",
                                                                         False)]),
        # Every party a phrase names: 'the people of Syria and Lebanon'.
        ("Russia announced $50 million in humanitarian aid for the people of Syria and "
         "Lebanon.", [("RUS", "SYR", "07", False), ("RUS", "LBN", "07", False)]),
    ],
)
def test_events_plural_parties(text: str, expected: list[Dyad]) -> None:
    result = extract(text)
    for dyad in expected:
        assert has(result, dyad), f"{dyad} not in {dyads(result)}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Fire 'from across' the line comes from the other side.
        ("An Israeli soldier was wounded by sniper fire from across the border with Lebanon "
         "on Wednesday, the army said. Israeli troops fired at Hezbollah positions in "
         "response.", ("LBN", "ISR", "19", False)),
        # A passive arrest with no agent is by whoever made the arrests told before.
        ("Hong Kong police arrested the editor Jimmy Lam on Monday. A British reporter was "
         "detained at the airport on Tuesday.", ("HKG", "GBR", "173", False)),
        # A new act of the same kind, dated apart, is by the same hand.
        ("Israeli warplanes bombed a camp in Lebanon on Tuesday. Last year, an air strike on "
         "a wedding in the same area killed 20 people.", ("ISR", "LBN", "195", False)),
        # 'the city' the sentence has just named.
        ("In Goma, M23 fighters, who seized most of the city in January, clashed with "
         "Congolese troops on Tuesday.", ("COD", "COD", "192", False)),
        # Violence aimed at no one named is aimed at the other side of the conflict.
        ("Ethiopian troops shelled Eritrean positions near Badme on Monday, the Eritrean "
         "army said. On Tuesday, Eritrean artillery opened fire overnight.",
         ("ERI", "ETH", "19", False)),
    ],
)
def test_events_implicit_sides(text: str, expected: Dyad) -> None:
    result = extract(text)
    assert has(result, expected), dyads(result)


def test_events_implicit_act_keeps_its_own_toll_and_date() -> None:
    result = extract("Israeli warplanes bombed a camp in Lebanon on Tuesday. Last year, an air "
                     "strike on a wedding in the same area killed 20 people.")
    earlier = [e for e in result.events if e.killed == 20]
    assert [(e.date, e.date_precision) for e in earlier] == [("2023-01-01", "year")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Armed groups in combat with soldiers fight (19); against civilians they assault.
        ("Rebels ambushed an army convoy near Beni, killing nine soldiers.", "19"),
        ("Rebels attacked a village near Beni, killing nine civilians.", "18"),
        # An abduction in the course of an attack is an event of its own.
        ("Rebels stormed the town of Bunia, killing 12 people and seizing 30 hostages.", "181"),
    ],
)
def test_events_violence_codes(text: str, expected: str) -> None:
    codes = [d[2] for d in dyads(extract(text))]
    assert any(c.startswith(expected) for c in codes), codes


def test_events_violence_by_a_government_is_the_state() -> None:
    """'Baku denied targeting civilians': the state acts through its forces, whatever
    sector the capital's name has."""
    result = extract("Armenia said Azerbaijani shelling hit Goris. Baku denied targeting "
                     "civilian areas.")
    denied = [e for e in result.events if e.negated and e.cameo_root in ("18", "19")]
    assert denied and all(e.source.sector is None for e in denied)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # With no day of its own, what led to an act dated by month falls in that month.
        ("Riyadh cut ties with Tehran in January 2016 after protesters stormed its embassy "
         "in the Iranian capital.", ("2016-01-01", "month")),
    ],
)
def test_events_sequence_takes_the_period(text: str, expected: tuple[str, str]) -> None:
    storming = [e for e in extract(text).events if e.cameo_root == "14"]
    assert [(e.date, e.date_precision) for e in storming] == [expected]
    assert storming[0].target.country == "SAU"  # 'its embassy': Riyadh's


def test_events_background_past_perfect_keeps_the_story_day() -> None:
    """'had urged … last Saturday' sets the scene; a later undated act is not dated then."""
    result = extract("Maduro and Ali held talks on Thursday. Lula had urged Maduro in a phone "
                     "call last Saturday to avoid escalation. Guyana would not negotiate over "
                     "its territory, Ali said after the talks.")
    refusal = [e for e in result.events if e.cameo == "125"]
    assert refusal and all(e.date != "2024-03-02" for e in refusal)
