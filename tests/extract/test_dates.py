"""Date expressions resolved against the publication date (ANNOTATION.md §5)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import flashpoint
from flashpoint.errors import BadInput
from flashpoint.extract.dates import DateMention, date_mentions, event_date, resolve_date

FRI = date(2025, 5, 9)  # a Friday
WED = date(2022, 9, 14)  # a Wednesday


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        # Weekdays: the most recent such day not after publication.
        ("on Thursday", FRI, ("2025-05-08", "day")),
        ("early on Wednesday", FRI, ("2025-05-07", "day")),
        ("late on Saturday", FRI, ("2025-05-03", "day")),
        ("Thursday night", FRI, ("2025-05-08", "day")),
        ("on Tuesday morning", FRI, ("2025-05-06", "day")),
        ("on Friday", FRI, ("2025-05-09", "day")),
        ("last Saturday", FRI, ("2025-05-03", "day")),
        ("last Friday", FRI, ("2025-05-02", "day")),
        ("Monday's", FRI, ("2025-05-05", "day")),
        # Day and month: the most recent such date not after publication.
        ("April 22", FRI, ("2025-04-22", "day")),
        ("on 22 April", FRI, ("2025-04-22", "day")),
        ("February 14", date(2019, 3, 2), ("2019-02-14", "day")),
        ("in the early hours of February 26", date(2019, 3, 2), ("2019-02-26", "day")),
        ("December 31", date(2023, 6, 9), ("2022-12-31", "day")),
        ("May 10", FRI, ("2024-05-10", "day")),  # after publication: a year earlier
        ("Sept. 14", FRI, ("2024-09-14", "day")),
        ("the 3rd of December", FRI, ("2024-12-03", "day")),
        ("February 29", date(2025, 3, 1), ("2024-02-29", "day")),
        ("February 20, 2023", FRI, ("2023-02-20", "day")),
        ("Friday, April 25, 2025", FRI, ("2025-04-25", "day")),
        ("2025-05-01", FRI, ("2025-05-01", "day")),
        # Relative days.
        ("yesterday", FRI, ("2025-05-08", "day")),
        ("last night", FRI, ("2025-05-08", "day")),
        ("today", FRI, ("2025-05-09", "day")),
        ("this evening", FRI, ("2025-05-09", "day")),
        ("By this morning", FRI, ("2025-05-09", "day")),
        ("tonight", FRI, ("2025-05-09", "day")),
        ("two days ago", FRI, ("2025-05-07", "day")),
        # Months.
        ("last month", FRI, ("2025-04-01", "month")),
        ("last month", date(2025, 1, 15), ("2024-12-01", "month")),
        ("earlier this month", FRI, ("2025-05-01", "month")),
        ("In August", date(2023, 12, 11), ("2023-08-01", "month")),
        ("In August", FRI, ("2024-08-01", "month")),
        ("in late March", date(2023, 6, 9), ("2023-03-01", "month")),
        ("at the end of June", date(2020, 8, 11), ("2020-06-01", "month")),
        ("Last October", date(2023, 4, 13), ("2022-10-01", "month")),
        ("last May", FRI, ("2024-05-01", "month")),
        ("November 2020", FRI, ("2020-11-01", "month")),
        ("in January 2016", FRI, ("2016-01-01", "month")),
        # Years.
        ("in 1999", FRI, ("1999-01-01", "year")),
        ("mid-2020", FRI, ("2020-01-01", "year")),
        ("last year", FRI, ("2024-01-01", "year")),
        # Not datable.
        ("this year", FRI, (None, "unknown")),
        ("last week", FRI, (None, "unknown")),
        ("weeks earlier", FRI, (None, "unknown")),
        ("recently", FRI, (None, "unknown")),
        ("since April", FRI, (None, "unknown")),
        ("until Monday", FRI, (None, "unknown")),
        ("next Monday", FRI, (None, "unknown")),
        ("2020 war", FRI, (None, "unknown")),
        ("the same day", FRI, (None, "unknown")),
        ("February 30", FRI, (None, "unknown")),
        ("2025-02-30", FRI, (None, "unknown")),
        ("nonsense words", FRI, (None, "unknown")),
        ("", FRI, (None, "unknown")),
        ("   ", FRI, (None, "unknown")),
    ],
)
def test_dates_resolve_date(expression: str, published: date, expected: tuple) -> None:
    assert resolve_date(expression, published) == expected


@pytest.mark.parametrize(
    ("expression", "anchor", "expected"),
    [
        ("the same day", date(2023, 9, 6), ("2023-09-06", "day")),
        ("hours later", date(2023, 11, 24), ("2023-11-24", "day")),
        ("later in the day", date(2023, 7, 12), ("2023-07-12", "day")),
        ("two days after", date(2023, 7, 28), ("2023-07-26", "day")),
        ("three days later", date(2023, 7, 28), ("2023-07-31", "day")),
        ("the next day", date(2023, 7, 28), ("2023-07-29", "day")),
        ("shortly after midnight", date(2022, 9, 13), ("2022-09-13", "day")),
        ("overnight", date(2022, 9, 13), ("2022-09-13", "day")),
        ("at 4.15 pm", date(2022, 9, 13), ("2022-09-13", "day")),
        ("weeks earlier", date(2023, 7, 28), (None, "unknown")),
        ("on Thursday", date(2000, 1, 1), ("2025-05-08", "day")),  # not anaphoric
    ],
)
def test_dates_resolve_date_anchor(expression: str, anchor: date, expected: tuple) -> None:
    assert resolve_date(expression, FRI, anchor=anchor) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on August 3", ("2025-08-03", "day")),
        ("on Monday", ("2025-05-12", "day")),
        ("on Friday", ("2025-05-09", "day")),
        ("in March", ("2026-03-01", "month")),
        ("last Saturday", ("2025-05-03", "day")),
    ],
)
def test_dates_resolve_date_future(expression: str, expected: tuple) -> None:
    assert resolve_date(expression, FRI, future=True) == expected


@pytest.mark.parametrize(
    "published", [FRI, datetime(2025, 5, 9, 23, 59), "2025-05-09", "2025-05-09T08:00:00"]
)
def test_dates_resolve_date_accepts_date_like_published(published: object) -> None:
    assert resolve_date("yesterday", published) == ("2025-05-08", "day")


@pytest.mark.parametrize("published", [None, "", "not a date", 20250509])
def test_dates_resolve_date_refuses_bad_published(published: object) -> None:
    with pytest.raises(BadInput, match="published"):
        resolve_date("yesterday", published)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "US Secretary of State Marco Rubio on Thursday spoke with S Jaishankar.",
            FRI,
            [("on Thursday", "2025-05-08", "day")],
        ),
        (
            "Indian armed forces conducted precision strikes early on Wednesday under "
            "Operation Sindoor, in response to the attack killing 26 civilians on April 22.",
            FRI,
            [("early on Wednesday", "2025-05-07", "day"), ("on April 22", "2025-04-22", "day")],
        ),
        (
            "Lula had urged Maduro in a phone call last Saturday to avoid unilateral steps.",
            date(2023, 12, 15),
            [("last Saturday", "2023-12-09", "day")],
        ),
        (
            "Federal forces captured the towns last month.",
            date(2022, 11, 3),
            [("last month", "2022-10-01", "month")],
        ),
        (
            "In late March, rebels killed nine soldiers in an attack on a base.",
            date(2023, 6, 9),
            [("In late March", "2023-03-01", "month")],
        ),
        (
            "The war erupted in November 2020 when the prime minister ordered an offensive.",
            date(2022, 11, 3),
            [("in November 2020", "2020-11-01", "month")],
        ),
        (
            "The ship was deliberately run aground on the shoal in 1999.",
            date(2023, 12, 11),
            [("in 1999", "1999-01-01", "year")],
        ),
        (
            "The fighting was the worst since their 2020 war.",
            WED,
            [],
        ),
        (
            "Nine soldiers were killed in fighting around the city last week.",
            date(2025, 1, 28),
            [("last week", None, "unknown")],
        ),
        (
            "Several short truces announced since April collapsed within hours.",
            date(2023, 5, 12),
            [("since April", None, "unknown")],
        ),
        (
            "Police arrested the tycoon yesterday; his aide was detained in the evening.",
            date(2020, 8, 11),
            [("yesterday", "2020-08-10", "day"), ("in the evening", "2020-08-10", "day")],
        ),
        (
            "The general proclaimed himself head of state on Friday, two days after his "
            "troops detained the president.",
            date(2023, 7, 31),
            [("on Friday", "2023-07-28", "day"), ("two days after", "2023-07-26", "day")],
        ),
        (
            "The truce will become fully binding on August 3.",
            date(2023, 6, 9),
            [("on August 3", "2023-08-03", "day")],
        ),
        (
            "The Unaizah May 1, a wooden boat, was carrying food to the marines.",
            date(2023, 12, 11),
            [],
        ),
        (
            "The 35-year-old officer was given 48 hours and a six-month deadline.",
            FRI,
            [],
        ),
        (
            "The EU has adopted five rounds of sanctions, most recently on April 8.",
            date(2022, 4, 29),
            [("on April 8", "2022-04-08", "day")],
        ),
        (
            "The rebels had recruited 300 fighters over the past two years.",
            FRI,
            [("over the past two years", None, "unknown")],
        ),
        # A bounding word makes a time a limit, not the time of an event.
        (
            "The border has been calm since midnight.",
            FRI,
            [("since midnight", None, "unknown")],
        ),
        (
            "Theresa May was criticised by May's own party.",
            FRI,
            [],
        ),
        ("Colourless green ideas sleep furiously.", FRI, []),
        ("", FRI, []),
    ],
)
def test_dates_date_mentions(nlp, text: str, published: date, expected: list) -> None:
    mentions = date_mentions(nlp(text), published)
    assert [(m.text, m.date, m.precision) for m in mentions] == expected


def test_dates_date_mentions_offsets_refer_to_the_doc(nlp) -> None:
    doc = nlp("The talks ended. Rubio spoke with Sharif on Thursday night.")
    sentence = list(doc.sents)[1]
    (mention,) = date_mentions(sentence, FRI)
    assert isinstance(mention, DateMention)
    assert doc.text[mention.start:mention.end] == mention.text == "on Thursday night"
    assert (mention.date, mention.precision) == ("2025-05-08", "day")


def test_dates_date_mentions_anaphora_across_sentences_in_a_doc(nlp) -> None:
    doc = nlp("Afghan forces opened fire on Wednesday. Pakistan closed the crossing the same day.")
    texts = [(m.text, m.date) for m in date_mentions(doc, date(2023, 9, 8))]
    assert texts == [("on Wednesday", "2023-09-06"), ("the same day", "2023-09-06")]


@pytest.mark.parametrize("span", ["on Thursday", None, 42])
def test_dates_date_mentions_refuses_non_spans(span: object) -> None:
    with pytest.raises(BadInput, match="span"):
        date_mentions(span, FRI)  # type: ignore[arg-type]


# ------------------------------------------------------------ the story's reference day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The day of a sentence's own line sets the reference.
        ("Troops clashed with bandits on Wednesday.", [("on Wednesday", True)]),
        # A day relative to another clause dates that clause only.
        ("The rebels seized the town on Wednesday, three days after the army withdrew.",
         [("on Wednesday", True), ("three days after", False)]),
        # What is still to come has not happened.
        ("The envoy will travel to Cairo on Monday.", [("on Monday", False)]),
        # A noun's modifier, a relative clause and a quotation date something else.
        ("The envoys met on Thursday, their first meeting since the truce of April 2.",
         [("on Thursday", True), ("April 2", False)]),
        ("Police freed a reporter who was seized on Monday.", [("on Monday", False)]),
        ('"We struck them on Tuesday," the commander said.', [("on Tuesday", False)]),
        # A subordinate clause's earlier day is a flashback; a later one moves the story on.
        ("The minister met the envoy today and noted that he toured the camps yesterday.",
         [("today", True), ("yesterday", False)]),
        ("The minister met the envoy on Tuesday and said that talks resumed today.",
         [("on Tuesday", True), ("today", True)]),
    ],
)
def test_dates_date_mentions_sets_reference(nlp, text: str, expected: list) -> None:
    mentions = date_mentions(nlp(text), FRI)
    assert [(m.text, m.sets_reference) for m in mentions] == expected


def test_dates_deictic_words_in_a_quote_count_from_the_day_spoken(nlp) -> None:
    doc = nlp('The general spoke to reporters on Wednesday. "We repelled them this morning," '
              "he said.")
    mentions = date_mentions(doc, FRI)
    assert [(m.text, m.date) for m in mentions] == [("on Wednesday", "2025-05-07"),
                                                    ("this morning", "2025-05-07")]


def dated(nlp, text: str, word: str, published: date = FRI) -> tuple[str | None, str]:
    """The date ``event_date`` gives the event of ``word``, with the reference day carried
    from earlier sentences as the event coder carries it."""
    doc = nlp(text)
    mentions = date_mentions(doc, published)
    anchor = next(t for t in doc if t.text == word)
    sentence = anchor.sent
    before = [m for m in mentions if m.end <= sentence.start_char and m.sets_reference]
    inside = [m for m in mentions if sentence.start_char <= m.start < sentence.end_char]
    mention = event_date(anchor, inside, before[-1] if before else None)
    return (mention.date, mention.precision) if mention else (None, "unknown")


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # A date in a relative clause dates that clause, not the verb whose object it
        # describes; coordinated verbs share the date of the coordination.
        ("Militia fighters freed a nurse who had been abducted last month, and the army "
         "released four detainees on Thursday.", "freed", ("2025-05-08", "day")),
        ("Militia fighters freed a nurse who had been abducted last month, and the army "
         "released four detainees on Thursday.", "abducted", ("2025-04-01", "month")),
        ("Police arrested six protesters and seized their banners on Saturday.", "arrested",
         ("2025-05-03", "day")),
        # A noun's modifier dates only what the noun names.
        ("The minister thanked the rescuers of the March 28 floods.", "thanked",
         (None, "unknown")),
        ("The minister thanked the rescuers of the March 28 floods.", "floods",
         ("2025-03-28", "day")),
        ("Mourners gathered for the victims of the attack on May 3.", "attack",
         ("2025-05-03", "day")),
        ("The two envoys met in Doha on Thursday for their first talks since the truce of "
         "March 3. They agreed to exchange prisoners.", "agreed", ("2025-05-08", "day")),
        # A bare year gives year precision, also to a 'when' clause hanging on it.
        ("The two presidents last met in 2019, when the king hosted them in Rabat.", "met",
         ("2019-01-01", "year")),
        ("The two presidents last met in 2019, when the king hosted them in Rabat.", "hosted",
         ("2019-01-01", "year")),
        # Purpose clauses and reported speech happen when their governing clause does.
        ("The envoy flew to Kigali on Tuesday to meet the president.", "meet",
         ("2025-05-06", "day")),
        ("The minister said on Thursday that his country was ready to resume talks.",
         "resume", ("2025-05-08", "day")),
        ("Artillery shelled the town overnight, officials said on Thursday.", "shelled",
         ("2025-05-08", "day")),
        # An event noun as subject takes its verb's date; a date the parser hangs on a
        # present participle ('a depot storing fuel') dates the clause around it.
        ("Fighting between the two militias erupted on Sunday.", "Fighting",
         ("2025-05-04", "day")),
        ("Drones struck a depot storing fuel near the port before dawn on Sunday.", "struck",
         ("2025-05-04", "day")),
        # The reference day carries forward only, and only from the story's own line.
        ("Nigeria condemned the raid. Troops clashed with bandits on Wednesday. The governor "
         "praised the troops.", "condemned", (None, "unknown")),
        ("Nigeria condemned the raid. Troops clashed with bandits on Wednesday. The governor "
         "praised the troops.", "praised", ("2025-05-07", "day")),
        ("The envoy will travel to Cairo on Monday. He condemned the shelling.", "condemned",
         (None, "unknown")),
        ("The rebels seized the town on Wednesday, three days after the army withdrew. The "
         "government condemned the seizure.", "condemned", ("2025-05-07", "day")),
        ("The rebels seized the town on Wednesday, three days after the army withdrew. The "
         "government condemned the seizure.", "withdrew", ("2025-05-04", "day")),
        ("The minister met the envoy today. He noted that he toured the camps yesterday. The "
         "minister thanked the envoy.", "thanked", ("2025-05-09", "day")),
        ('The general spoke to reporters on Wednesday. "We repelled them this morning," he '
         "said.", "repelled", ("2025-05-07", "day")),
    ],
)
def test_dates_event_date(nlp, text: str, word: str, expected: tuple) -> None:
    assert dated(nlp, text, word) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Sudan freed 30 Chadian soldiers who had been held since the fighting began last "
         "month, and Chad released 12 Sudanese prisoners at the border on Tuesday, officials "
         "said.", ("SDN", "TCD", "08"), ("2025-05-06", "day")),
        ("Ghana's president met Togo's president in Accra on Thursday in their first meeting "
         "since the summit of March 3. Ghana thanked Togo for its efforts.", ("GHA", "TGO", "05"),
         ("2025-05-08", "day")),
        ("Ghana and Togo agreed to reopen their border on Thursday. The leaders of the two "
         "countries last held talks in 2019, when Ghana's president made a trip to Lome to "
         "meet Togo's president.", ("GHA", "TGO", "04"), ("2019-01-01", "year")),
        ("Armenia accused Azerbaijan on Thursday of shelling a village, ten days after "
         "Azerbaijan accused Armenia of firing on its posts. Russia urged both sides to show "
         "restraint.", ("RUS", "ARM", "02"), ("2025-05-08", "day")),
        ("Ghana's president met Togo's president in Accra today. He noted that Togo signed a "
         "border accord with Benin yesterday. Ghana praised Togo for its efforts.",
         ("GHA", "TGO", "05"), ("2025-05-09", "day")),
        ("Kenya's president spoke with Uganda's president on Wednesday. \"We agreed this "
         "evening to reopen the border,\" Kenya's president said.", ("KEN", "UGA", "03"),
         ("2025-05-07", "day")),
    ],
)
def test_dates_of_extracted_events(text: str, kind: tuple[str, str, str],
                                   expected: tuple) -> None:
    """Events of one dyad and CAMEO root carry the date their clause, or the story, gives."""
    events = [e for e in flashpoint.extract(text, published=FRI).events
              if (e.source and e.source.country, e.target and e.target.country,
                  e.cameo_root) == kind]
    assert events
    assert {(e.date, e.date_precision) for e in events} == {expected}
