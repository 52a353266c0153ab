"""Direct quotations and their speakers (ANNOTATION.md §7)."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from flashpoint.extract.actors import resolve_actors
from flashpoint.extract.quotes import quotes
from flashpoint.model import Quote

PUBLISHED = date(2024, 3, 8)


def find_quotes(nlp: Language, text: str, published: date = PUBLISHED) -> list[Quote]:
    doc = nlp(text)
    return quotes(doc, article_id="test", actors=resolve_actors(doc, published=published))


def quote_with(found: list[Quote], contains: str) -> Quote:
    matching = [q for q in found if contains in q.text]
    assert len(matching) == 1, [q.text for q in found]
    return matching[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # '"…," he said' after the speaker was named.
        ("Kenyan President William Ruto visited Mogadishu on Monday. "
         "\"We stand with Somalia,\" he said.", ("We stand with Somalia", "William Ruto")),
        # '"…," X said'
        ("\"The border will stay closed until further notice,\" Thai Prime Minister Srettha "
         "Thavisin said.", ("border will stay closed", "Srettha Thavisin")),
        # '"…" X said.' with no comma inside the marks
        ("\"No ceasefire without the hostages\" Israeli Prime Minister Benjamin Netanyahu said.",
         ("No ceasefire without the hostages", "Benjamin Netanyahu")),
        # 'X said: "…"'
        ("Colombian President Gustavo Petro said: \"The talks with the ELN are over.\"",
         ("talks with the ELN are over", "Gustavo Petro")),
        # 'X said, "…"' with curly marks
        ("Philippine Foreign Secretary Enrique Manalo said, “We will not be intimidated.”",
         ("We will not be intimidated", "Enrique Manalo")),
        # A partial quote inside a clause.
        ("China's foreign ministry condemned the \"reckless\" move by Manila.",
         ("reckless", "China's foreign ministry")),
        # A quote over two sentences.
        ("Armenian Prime Minister Nikol Pashinyan spoke after the clash. \"Azerbaijan fired "
         "first. We will defend our border,\" he said.",
         ("Azerbaijan fired first. We will defend our border", "Nikol Pashinyan")),
        # A quote continuing in the next paragraph, with no attribution of its own.
        ("Armenian Prime Minister Nikol Pashinyan addressed parliament. \"We want peace with "
         "Azerbaijan,\" Pashinyan said.\n\"But we will not give up our land.\"",
         ("will not give up our land", "Nikol Pashinyan")),
        # 'the statement said': whoever issued the statement.
        ("A Pentagon statement on Friday described the strikes as defensive. \"The strikes "
         "were necessary,\" the statement said.", ("strikes were necessary", "Pentagon")),
        # 'the statement said' after the statement was the object of 'issued'.
        ("The Pentagon issued a statement on Friday. \"The strikes were necessary,\" the "
         "statement said.", ("strikes were necessary", "Pentagon")),
        # 'the statement said' after 'X said in a statement'.
        ("The Kenyan interior ministry said in a statement that order would be restored. "
         "\"Calm has returned to the city,\" the statement said.",
         ("Calm has returned", "Kenyan interior ministry")),
        # A post on X.
        ("In a post on X, Polish Foreign Minister Radoslaw Sikorski wrote: \"Poland will close "
         "the border if needed.\"", ("Poland will close the border", "Radoslaw Sikorski")),
        # Nobody said it: no speaker.
        ("\"The army will answer any provocation,\" read a banner at the rally.",
         ("army will answer any provocation", None)),
        ("Posters across the city read \"Death to the invaders\".",
         ("Death to the invaders", None)),
    ],
)
def test_quotes_speaker(nlp: Language, text: str, expected: tuple[str, str | None]) -> None:
    contains, speaker = expected
    quote = quote_with(find_quotes(nlp, text), contains)
    assert (quote.speaker.name if quote.speaker else None) == speaker


# -------------------------------------------- speakers in sentences naming several people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A reporting verb after the closing mark counts only with nothing but its subject
        # between: here 'condemned' continues the ambassador's own clause.
        ("US Ambassador Laura Whitfield said Washington \"stands with\" its ally and condemned "
         "the attack.", ("stands with", "Laura Whitfield")),
        # '…", while Y said' attributes nothing to Y.
        ("Rebel leader Kofi Mensah said the group had made concessions \"to end the suffering "
         "of our people\", while government negotiator Ama Owusu said the deal would hold.",
         ("to end the suffering", "Kofi Mensah")),
        ("UN Secretary-General Antonio Guterres welcomed the meeting as \"an encouraging "
         "step\", and Secretary of State Marco Rubio wrote on X that Washington backed it.",
         ("encouraging step", "Antonio Guterres")),
        # The parser joins the second subject to the first clause's object.
        ("US Secretary of State Antony Blinken praised the mediators' work, and UN "
         "Secretary-General Antonio Guterres called the deal \"a welcome first step\".",
         ("welcome first step", "Antonio Guterres")),
        # The nearest verb of saying above a partial quote names its speaker ...
        ("The Kenyan army said Somali militants had attacked first, while Somali government "
         "spokesman Abdi Farah said the army had acted \"out of revenge\".",
         ("out of revenge", "Abdi Farah")),
        # ... and a verbal act it reports ('would respond') does not.
        ("Kenyan Defence Minister Sarah Kimani said Kenya would respond \"at a time of our "
         "choosing\".", ("time of our choosing", "Sarah Kimani")),
        ("Interior Minister Peter Kariuki denied that the police had any role and accused the "
         "opposition of stoking \"chaos\".", ("chaos", "Peter Kariuki")),
        # A subject the parser left out: the actor named right before the verb, brackets and all.
        ("At a summit in Abuja, the Economic Community of West African States (ECOWAS) said "
         "every option remained on the table, \"including the use of force\".",
         ("use of force", "Economic Community of West African States")),
        # An unnamed spokesperson speaks for whom 'for' names; 'he' is that person.
        ("UN Secretary-General Antonio Guterres is in Geneva. On Saturday a spokesperson for "
         "the Secretary-General said he condemned the strikes \"in the strongest terms\".",
         ("strongest terms", "Antonio Guterres")),
        # A quotation alone after a sentence reporting what someone said.
        ("UN Secretary-General Antonio Guterres said the talks were useful.\n\"This is an "
         "encouraging step for the region.\"", ("encouraging step for the region",
                                                "Antonio Guterres")),
        # ... but not one attributed in its own sentence to someone unnamed.
        ("Residents of Kharkiv said the shelling went on all night.\n\"We heard explosions "
         "until dawn,\" said a resident who asked not to be named.",
         ("We heard explosions", None)),
        # A later surname is the person the article introduced.
        ("Pakistan's Foreign Secretary Zainab Baloch met her Indian counterpart in Riyadh. "
         "Baloch said the talks were \"useful\".", ("useful", "Zainab Baloch")),
        # 'the statement said': the last statement, not the last post.
        ("A State Department statement by spokesperson Tammy Bruce said the call went well. "
         "In a post on X, Indian Foreign Minister S Jaishankar said, \"Spoke with Rubio.\" "
         "\"The Secretary urged restraint,\" the statement said.",
         ("urged restraint", "Tammy Bruce")),
    ],
)
def test_quotes_speaker_among_several(nlp: Language, text: str,
                                      expected: tuple[str, str | None]) -> None:
    contains, speaker = expected
    quote = quote_with(find_quotes(nlp, text, published=date(2025, 5, 8)), contains)
    assert (quote.speaker.name if quote.speaker else None) == speaker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In a post on X, Polish Foreign Minister Radoslaw Sikorski wrote: \"Poland will close "
         "the border if needed.\"", "social-media post"),
        ("Colombian President Gustavo Petro wrote on X: \"The talks with the ELN are over.\"",
         "social-media post"),
        ("Russia's defence ministry said on Telegram: \"Our forces repelled the attack.\"",
         "social-media post"),
        ("Colombian President Gustavo Petro said: \"The talks with the ELN are over.\"",
         "statement"),
    ],
)
def test_quotes_channel(nlp: Language, text: str, expected: str) -> None:
    (quote,) = find_quotes(nlp, text)
    assert quote.speaker is not None
    assert quote.channel == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\"We stand with Somalia,\" Kenyan President William Ruto said.",
         ["We stand with Somalia,"]),
        ("Philippine Foreign Secretary Enrique Manalo said, “We will not be intimidated.” "
         "He added: \"Our ships will return.\"",
         ["We will not be intimidated.", "Our ships will return."]),
    ],
)
def test_quotes_text_and_offsets(nlp: Language, text: str, expected: list[str]) -> None:
    found = find_quotes(nlp, text)
    assert [q.text for q in found] == expected
    for q in found:
        assert text[q.start:q.end] == q.text
        assert q.direct
