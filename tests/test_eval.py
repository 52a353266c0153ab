"""Tests of ``flashpoint.eval``: every expected number is computed by hand (ANNOTATION.md §8)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from flashpoint.errors import BadInput
from flashpoint.eval import (
    PRF,
    ArticleScore,
    Ratio,
    Report,
    evaluate,
    format_report,
    read_jsonl,
    score_article,
)
from flashpoint.model import article_id_for

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold"

# ------------------------------------------------------------------------ builders

USA_GOV = {"name": "Marco Rubio", "country": "USA", "sector": "GOV"}
IND_GOV = {"name": "S Jaishankar", "country": "IND", "sector": "GOV"}
PAK_GOV = {"name": "Muhammad Shehbaz Sharif", "country": "PAK", "sector": "GOV"}
IND_MIL = {"name": "Indian armed forces", "country": "IND", "sector": "MIL"}
PAK = {"name": "Pakistan", "country": "PAK", "sector": None}
UN = {"name": "United Nations", "country": "IGO", "sector": "IGO", "org": "UN"}

PLOVER_OF_ROOT = {"01": None, "02": "REQUEST", "04": "CONSULT", "05": "SUPPORT",
                  "11": "ACCUSE", "18": "ASSAULT", "19": "ASSAULT"}


def gold_event(source: dict | None, target: dict | None, cameo: list[str],
               **fields: Any) -> dict[str, Any]:
    """A gold event (ANNOTATION.md §2) with neutral defaults."""
    event = {"evidence": fields.pop("evidence", "something happened"),
             "source": source, "target": target, "cameo": cameo,
             "plover": PLOVER_OF_ROOT.get(cameo[0][:2]), "date": None,
             "date_precision": "unknown", "location": None, "killed": None,
             "injured": None, "negated": False, "optional": False}
    event.update(fields)
    return event


def ref(actor: dict | None) -> dict | None:
    """A predicted ``ActorRef`` dict for a gold actor dict."""
    if actor is None:
        return None
    return {"name": actor["name"], "text": actor["name"], "country": actor.get("country"),
            "sector": actor.get("sector"), "code": "", "org": actor.get("org")}


def pred_event(source: dict | None, target: dict | None, cameo: str,
               **fields: Any) -> dict[str, Any]:
    """A predicted event (``Event.to_dict()`` shape) with neutral defaults."""
    plover = fields.pop("plover", PLOVER_OF_ROOT.get(cameo[:2]))
    event = {"event_id": "e", "article_id": "a",
             "evidence": {"text": fields.pop("evidence", "something happened"),
                          "start": 0, "end": 0},
             "source": ref(source), "target": ref(target), "cameo": cameo,
             "cameo_root": cameo[:2], "cameo_name": "", "plover": {"type": plover, "mode": None},
             "quad_class": 1, "goldstein": 0.0, "date": None, "date_precision": "unknown",
             "date_text": None, "location": None, "killed": None, "injured": None,
             "negated": False, "modality": "asserted", "attribution": None, "confidence": 0.5}
    event.update(fields)
    return event


def gold_article(events: Sequence[dict] = (), actors: Sequence[dict] = (),
                 quotes: Sequence[dict] = (),
                 id: str = "t-001", text: str = "Body.", title: str = "Title") -> dict[str, Any]:
    """A gold article line (ANNOTATION.md §1)."""
    return {"id": id, "published": "2025-05-09", "outlet": "test", "title": title, "text": text,
            "actors": list(actors), "events": list(events), "quotes": list(quotes)}


def pred_article(events: Sequence[dict] = (), actors: Sequence[dict] = (),
                 quotes: Sequence[dict] = (),
                 id: str | None = "t-001", article_id: str = "x") -> dict[str, Any]:
    """A predicted article (``ArticleResult.to_dict()`` shape)."""
    return {"id": id, "article_id": article_id, "actors": list(actors), "events": list(events),
            "quotes": list(quotes)}


def to_predicted(gold: dict[str, Any]) -> dict[str, Any]:
    """Convert a gold article into the ``ArticleResult.to_dict()`` shape, losslessly for scoring.

    Each event takes the gold's preferred code; each quote the first gold speaker name.
    """
    title, text = gold.get("title") or "", gold["text"]
    events = [pred_event(e["source"], e["target"], e["cameo"][0], plover=e["plover"],
                         evidence=e["evidence"], date=e["date"],
                         date_precision=e["date_precision"], location=e["location"],
                         killed=e["killed"], injured=e["injured"], negated=e["negated"])
              for e in gold["events"]]
    actors = [{"name": a["name"], "country": a["country"], "sector": a["sector"],
               "org": a.get("org"), "aliases": list(a.get("aliases", [])), "role": None}
              for a in gold["actors"]]
    quotes = [{"quote_id": "q", "article_id": "a", "speaker": {"name": q["speaker"][0]},
               "text": f"\u201c{q['contains']}\u201d", "start": 0, "end": 0, "direct": True,
               "channel": None} for q in gold["quotes"]]
    return pred_article(events, actors, quotes, id=gold["id"],
                        article_id=article_id_for(f"{title}\n{text}" if title else text))


def one(gold_events: list[dict], pred_events: list[dict], **kw: Any) -> ArticleScore:
    """Score one article made of the given gold and predicted events."""
    return score_article(gold_article(gold_events, **kw), pred_article(pred_events))


# -------------------------------------------------------------------- event matching


def test_eval_perfect_match_scores_one_everywhere():
    loc = {"name": "Pahalgam", "admin1": "Jammu and Kashmir", "country": "IND"}
    gold = gold_article(
        events=[gold_event(USA_GOV, IND_GOV, ["041", "040"], date="2025-05-08",
                           date_precision="day"),
                gold_event(None, IND_GOV, ["190", "180"], location=loc, killed=26,
                           date="2025-04-22", date_precision="day")],
        actors=[{**USA_GOV, "aliases": ["Rubio"]}, {**IND_GOV, "aliases": []}],
        quotes=[{"speaker": ["Marco Rubio"], "contains": "de-escalation"}])
    score = score_article(gold, to_predicted(gold))
    assert score.events == PRF(2, 0, 0)
    assert (score.events.precision, score.events.recall, score.events.f1) == (1.0, 1.0, 1.0)
    assert score.code_full == Ratio(2, 2)
    assert score.root == Ratio(2, 2)
    assert score.plover.macro_f1 == 1.0
    assert score.date == Ratio(2, 2)
    assert score.location_country == Ratio(1, 1)
    assert score.location_place == Ratio(1, 1)
    assert score.killed == Ratio(1, 1)
    assert score.actors == Ratio(2, 2)
    assert score.quotes == PRF(1, 0, 0)


def test_eval_wrong_target_country_is_fp_and_fn():
    score = one([gold_event(USA_GOV, IND_GOV, ["041"])], [pred_event(USA_GOV, PAK_GOV, "041")])
    assert score.events == PRF(0, 1, 1)
    assert (score.events.precision, score.events.recall, score.events.f1) == (0.0, 0.0, 0.0)
    assert score.code_full == Ratio(0, 0)
    assert score.code_full.value is None


@pytest.mark.parametrize("source", [None, {"name": "X", "country": None, "sector": None}])
def test_eval_missing_actor_counts_as_country_null(source):
    gold = [gold_event(None, IND_GOV, ["190"])]
    assert one(gold, [pred_event(source, IND_GOV, "190")]).events == PRF(1, 0, 0)
    assert one(gold, [pred_event(PAK, IND_GOV, "190")]).events == PRF(0, 1, 1)


def test_eval_sector_mismatch_when_both_given_is_no_match():
    score = one([gold_event(IND_MIL, PAK, ["190"])], [pred_event(IND_GOV, PAK, "190")])
    assert score.events == PRF(0, 1, 1)


@pytest.mark.parametrize(("gold_source", "pred_source"), [
    ({"name": "India", "country": "IND", "sector": None}, IND_MIL),
    (IND_MIL, {"name": "India", "country": "IND", "sector": None}),
])
def test_eval_sector_null_on_one_side_matches(gold_source, pred_source):
    score = one([gold_event(gold_source, PAK, ["190"])], [pred_event(pred_source, PAK, "190")])
    assert score.events == PRF(1, 0, 0)


def test_eval_igo_org_compared_when_both_given():
    nato = {"name": "NATO", "country": "IGO", "sector": "IGO", "org": "NATO"}
    gold = [gold_event(UN, PAK_GOV, ["020"])]
    assert one(gold, [pred_event(nato, PAK_GOV, "020")]).events == PRF(0, 1, 1)
    no_org = {"name": "the body", "country": "IGO", "sector": "IGO", "org": None}
    assert one(gold, [pred_event(no_org, PAK_GOV, "020")]).events == PRF(1, 0, 0)


def test_eval_root_accepted_from_any_listed_code():
    gold = [gold_event(USA_GOV, PAK_GOV, ["0242", "1042", "020"])]
    score = one(gold, [pred_event(USA_GOV, PAK_GOV, "104")])
    assert score.events == PRF(1, 0, 0)
    assert score.code_full == Ratio(0, 1)


def test_eval_root_right_full_code_wrong_is_match_with_code_miss():
    score = one([gold_event(USA_GOV, IND_GOV, ["041", "040"])],
                [pred_event(USA_GOV, IND_GOV, "042")])
    assert score.events == PRF(1, 0, 0)
    assert score.code_full == Ratio(0, 1)
    assert score.code_full.value == 0.0


def test_eval_wrong_root_is_no_match_but_counts_in_root_accuracy():
    score = one([gold_event(USA_GOV, IND_GOV, ["041", "040"])],
                [pred_event(USA_GOV, IND_GOV, "051")])
    assert score.events == PRF(0, 1, 1)
    assert score.root == Ratio(0, 1)


def test_eval_optional_unmatched_is_not_counted():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"]),
            gold_event(IND_GOV, PAK, ["130"], optional=True)]
    score = one(gold, [pred_event(USA_GOV, IND_GOV, "041")])
    assert score.events == PRF(1, 0, 0)
    assert score.events.recall == 1.0
    assert score.optional_unmatched == [1]
    assert score.false_negatives == []


def test_eval_optional_matched_is_a_true_positive():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"]),
            gold_event(IND_GOV, PAK, ["130"], optional=True)]
    score = one(gold, [pred_event(USA_GOV, IND_GOV, "041"), pred_event(IND_GOV, PAK, "138")])
    assert score.events == PRF(2, 0, 0)
    assert score.optional_unmatched == []


def test_eval_negated_gold_matched_by_unflagged_prediction_is_fp_and_fn():
    gold = [gold_event(PAK, IND_GOV, ["183"], negated=True)]
    score = one(gold, [pred_event(PAK, IND_GOV, "183")])
    assert score.events == PRF(0, 1, 1)
    assert score.negation_conflicts == [0]
    flagged = one(gold, [pred_event(PAK, IND_GOV, "183", negated=True)])
    assert flagged.events == PRF(1, 0, 0)


def test_eval_negated_prediction_does_not_match_plain_gold():
    score = one([gold_event(PAK, IND_GOV, ["183"])],
                [pred_event(PAK, IND_GOV, "183", negated=True)])
    assert score.events == PRF(0, 1, 1)
    assert score.negation_conflicts == [0]


def test_eval_negated_prediction_matching_nothing_is_fp():
    score = one([], [pred_event(PAK, IND_GOV, "183", negated=True)])
    assert score.events == PRF(0, 1, 0)
    assert score.events.recall is None
    assert score.events.f1 == 0.0
    assert score.negation_conflicts == []


def test_eval_unflagged_prediction_can_still_match_a_plain_twin():
    gold = [gold_event(PAK, IND_GOV, ["183"], negated=True),
            gold_event(PAK, IND_GOV, ["190"])]
    score = one(gold, [pred_event(PAK, IND_GOV, "190")])
    assert score.events == PRF(1, 0, 1)
    assert score.false_negatives == [0]


def test_eval_greedy_takes_best_agreement_not_first_gold():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"], date="2025-05-08", date_precision="day"),
            gold_event(USA_GOV, IND_GOV, ["042"], date="2025-05-07", date_precision="day")]
    pred = [pred_event(USA_GOV, IND_GOV, "042", date="2025-05-07")]
    score = one(gold, pred)
    assert [(m.gold, m.predicted) for m in score.matches] == [(1, 0)]
    assert score.matches[0].score == pytest.approx(1 + 1 + 0.5 + 0.5 + 1 + 0.25)
    assert score.events == PRF(1, 0, 1)
    assert score.code_full == Ratio(1, 1)
    assert score.date == Ratio(1, 1)


def test_eval_ties_go_to_earlier_gold_then_earlier_prediction():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"]), gold_event(USA_GOV, IND_GOV, ["041"])]
    pred = [pred_event(USA_GOV, IND_GOV, "041")]
    assert [(m.gold, m.predicted) for m in one(gold, pred).matches] == [(0, 0)]
    pred2 = [pred_event(USA_GOV, IND_GOV, "041"), pred_event(USA_GOV, IND_GOV, "041")]
    score = one(gold[:1], pred2)
    assert [(m.gold, m.predicted) for m in score.matches] == [(0, 0)]
    assert score.false_positives == [1]


def test_eval_evidence_overlap_breaks_ties():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"], evidence="Rubio spoke with Jaishankar"),
            gold_event(USA_GOV, IND_GOV, ["041"], evidence="Rubio called Jaishankar again")]
    pred = [pred_event(USA_GOV, IND_GOV, "041", evidence="Rubio called Jaishankar again")]
    assert [(m.gold, m.predicted) for m in one(gold, pred).matches] == [(1, 0)]


# --------------------------------------------------------------------------- PLOVER


def test_eval_plover_macro_f1_over_two_classes():
    gold = [gold_event(USA_GOV, IND_GOV, ["020"]),   # REQUEST
            gold_event(USA_GOV, PAK_GOV, ["020"]),   # REQUEST
            gold_event(IND_GOV, PAK_GOV, ["020"]),   # REQUEST
            gold_event(IND_MIL, PAK, ["190"]),       # ASSAULT
            gold_event(PAK_GOV, IND_GOV, ["010"])]   # CAMEO 01: no PLOVER class
    pred = [pred_event(USA_GOV, IND_GOV, "020"),
            pred_event(USA_GOV, PAK_GOV, "020"),
            pred_event(IND_GOV, PAK_GOV, "020", plover="ASSAULT"),
            pred_event(IND_MIL, PAK, "190"),
            pred_event(PAK_GOV, IND_GOV, "010")]
    plover = one(gold, pred).plover
    # REQUEST: tp 2, fp 0, fn 1 -> F1 4/5; ASSAULT: tp 1, fp 1, fn 0 -> F1 2/3.
    assert plover.classes == {"REQUEST": PRF(2, 0, 1), "ASSAULT": PRF(1, 1, 0)}
    assert plover.macro_f1 == pytest.approx((4 / 5 + 2 / 3) / 2)


def test_eval_plover_class_only_in_predictions_counts_in_macro():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"])]
    pred = [pred_event(USA_GOV, IND_GOV, "041"), pred_event(USA_GOV, PAK_GOV, "111")]
    plover = one(gold, pred).plover
    assert plover.classes == {"CONSULT": PRF(1, 0, 0), "ACCUSE": PRF(0, 1, 0)}
    assert plover.macro_f1 == pytest.approx(0.5)


def test_eval_plover_optional_unmatched_gold_is_not_a_class():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"]),
            gold_event(IND_GOV, PAK, ["130"], plover="THREATEN", optional=True)]
    plover = one(gold, [pred_event(USA_GOV, IND_GOV, "041")]).plover
    assert set(plover.classes) == {"CONSULT"}
    assert plover.macro_f1 == 1.0


# -------------------------------------------------------------------- dates, places


@pytest.mark.parametrize(("gold_date", "precision", "predicted", "correct"), [
    ("2025-05-08", "day", "2025-05-08", 1),
    ("2025-05-08", "day", "2025-05-07", 0),
    ("2023-09-01", "month", "2023-09-17", 1),
    ("2023-09-01", "month", "2023-10-01", 0),
    ("2016-01-01", "year", "2016-07-04", 1),
    ("2016-01-01", "year", "2015-01-01", 0),
    ("2025-05-08", "day", None, 0),
])
def test_eval_date_compared_at_gold_precision(gold_date, precision, predicted, correct):
    gold = [gold_event(USA_GOV, IND_GOV, ["041"], date=gold_date, date_precision=precision)]
    score = one(gold, [pred_event(USA_GOV, IND_GOV, "041", date=predicted)])
    assert score.events.tp == 1
    assert score.date == Ratio(correct, 1)


def test_eval_unknown_gold_date_is_not_scored():
    gold = [gold_event(USA_GOV, IND_GOV, ["041"])]
    score = one(gold, [pred_event(USA_GOV, IND_GOV, "041", date="2025-05-08")])
    assert score.date == Ratio(0, 0)


PAHALGAM = {"name": "Pahalgam", "admin1": "Jammu and Kashmir", "country": "IND"}


@pytest.mark.parametrize(("gold_loc", "pred_loc", "country_ok", "place_ok"), [
    (PAHALGAM, PAHALGAM, 1, 1),
    (PAHALGAM, {"name": "PAHALGÁM", "admin1": None, "country": "IND"}, 1, 1),
    (PAHALGAM, {"name": "Anantnag", "admin1": "jammu and kashmir", "country": "IND"}, 1, 1),
    (PAHALGAM, {"name": "Pahalgam town", "admin1": None, "country": "IND"}, 1, 1),
    (PAHALGAM, {"name": "Srinagar", "admin1": "Ladakh", "country": "IND"}, 1, 0),
    (PAHALGAM, {"name": "Pahalgam", "admin1": "Jammu and Kashmir", "country": "PAK"}, 0, 0),
    (PAHALGAM, None, 0, 0),
    ({"name": "Pakistan-occupied Kashmir", "admin1": "Azad Kashmir", "country": "PAK"},
     {"name": "Kashmir", "admin1": "Punjab", "country": "PAK"}, 1, 1),
    ({"name": "Kashmir", "admin1": None, "country": "PAK"},
     {"name": "Kashmiri Gate", "admin1": None, "country": "PAK"}, 1, 0),
])
def test_eval_location_country_and_place(gold_loc, pred_loc, country_ok, place_ok):
    gold = [gold_event(IND_MIL, PAK, ["190"], location=gold_loc)]
    score = one(gold, [pred_event(IND_MIL, PAK, "190", location=pred_loc)])
    assert score.location_country == Ratio(country_ok, 1)
    assert score.location_place == Ratio(place_ok, 1)


def test_eval_null_gold_location_is_not_scored():
    score = one([gold_event(USA_GOV, IND_GOV, ["041"])],
                [pred_event(USA_GOV, IND_GOV, "041", location=PAHALGAM)])
    assert score.location_country == Ratio(0, 0)
    assert score.location_place == Ratio(0, 0)


@pytest.mark.parametrize(("gold_killed", "pred_killed", "expected"), [
    (26, 26, Ratio(1, 1)),
    (26, 25, Ratio(0, 1)),
    (26, None, Ratio(0, 1)),
    (None, 13, Ratio(0, 0)),
])
def test_eval_killed_exact_integer(gold_killed, pred_killed, expected):
    gold = [gold_event(None, IND_GOV, ["180"], killed=gold_killed)]
    score = one(gold, [pred_event(None, IND_GOV, "180", killed=pred_killed)])
    assert score.killed == expected


# ---------------------------------------------------------------- actors and quotes


def test_eval_actor_resolution_by_name_or_alias_with_country_and_sector():
    gold_actors = [{**USA_GOV, "aliases": ["Rubio", "the Secretary"]},
                   {**IND_GOV, "aliases": ["Jaishankar"]},
                   {**PAK, "aliases": ["Islamabad"]},
                   {**UN, "aliases": ["UN"]},
                   {**IND_MIL, "aliases": []}]
    pred_actors = [
        {"name": "rubio", "country": "USA", "sector": "GOV", "aliases": []},      # alias, case
        {"name": "Jaishankar", "country": "IND", "sector": "MIL", "aliases": []},  # wrong sector
        {"name": "Pakistan", "country": "PAK", "sector": "GOV", "aliases": []},   # gold null
        {"name": "U.N.", "country": "IGO", "sector": "IGO", "org": "UN",
         "aliases": ["un"]},                                                      # alias-alias
        {"name": "Indian army", "country": "IND", "sector": "MIL", "aliases": []},  # no name
    ]
    score = score_article(gold_article(actors=gold_actors), pred_article(actors=pred_actors))
    assert score.actors == Ratio(3, 5)


def test_eval_actor_wrong_country_is_not_found():
    gold = gold_article(actors=[{**USA_GOV, "aliases": []}])
    pred = pred_article(actors=[{"name": "Marco Rubio", "country": "CUB", "sector": "GOV",
                                 "aliases": []}])
    assert score_article(gold, pred).actors == Ratio(0, 1)


def quote(name: str | None, text: str, direct: bool = True) -> dict[str, Any]:
    """A predicted quote (``Quote.to_dict()`` shape)."""
    speaker = None if name is None else {"name": name, "text": name, "country": None,
                                         "sector": None, "code": "", "org": None}
    return {"quote_id": "q", "article_id": "a", "speaker": speaker, "text": text,
            "start": 0, "end": 0, "direct": direct, "channel": None}


def test_eval_quotes_alias_speakers_and_curly_quotes():
    gold = gold_article(
        actors=[{"name": "State Department", "country": "USA", "sector": "GOV",
                 "aliases": ["US State Department"]},
                {**IND_GOV, "aliases": ["Jaishankar"]}],
        quotes=[{"speaker": ["Tammy Bruce", "State Department"],
                 "contains": "the United States\u2019 commitment to work with India"},
                {"speaker": ["S Jaishankar"], "contains": "Deeply appreciate US commitment"},
                {"speaker": ["Marco Rubio"], "contains": "need for immediate de-escalation"},
                {"speaker": ["Tammy Bruce"], "contains": "never quoted by the system"}])
    pred = pred_article(
        actors=[{"name": "Secretary Rubio", "country": "USA", "sector": "GOV",
                 "aliases": ["Marco Rubio"]}],
        quotes=[
            # gold alias of the gold speaker; straight apostrophe, line break in the text
            quote("us state department",
                  "\u201creaffirmed the United States' commitment\n to  work with India\u201d"),
            # the gold actor's alias
            quote("Jaishankar", "\"Deeply appreciate US commitment to work with India\""),
            # the predicted actor's alias
            quote("Secretary Rubio", "emphasised the need for immediate de-escalation."),
            # right text, wrong speaker
            quote("Shehbaz Sharif", "never quoted by the system at all"),
            # no speaker
            quote(None, "never quoted by the system"),
            # indirect speech is not scored
            quote("Tammy Bruce", "never quoted by the system", direct=False),
        ])
    score = score_article(gold, pred)
    assert score.quotes == PRF(3, 2, 1)
    assert score.quotes.precision == pytest.approx(3 / 5)
    assert score.quotes.recall == pytest.approx(3 / 4)
    assert score.quotes.f1 == pytest.approx(6 / 9)


def test_eval_quotes_match_one_to_one_maximally():
    gold = gold_article(quotes=[{"speaker": ["A"], "contains": "alpha"},
                                {"speaker": ["A"], "contains": "alpha beta"}])
    # The first prediction fits both gold quotes, the second only the first gold quote.
    pred = pred_article(quotes=[quote("A", "alpha beta"), quote("A", "alpha")])
    assert score_article(gold, pred).quotes == PRF(2, 0, 0)
    duplicate = pred_article(quotes=[quote("A", "alpha"), quote("A", "alpha")])
    assert score_article(gold, duplicate).quotes == PRF(1, 1, 1)


def test_eval_quote_text_is_case_sensitive_speaker_is_not():
    gold = gold_article(quotes=[{"speaker": ["Tammy Bruce"], "contains": "De-escalation"}])
    assert score_article(gold, pred_article(quotes=[quote("TAMMY BRUCE", "de-escalation")])
                         ).quotes == PRF(0, 1, 1)
    assert score_article(gold, pred_article(quotes=[quote("TAMMY BRUCE", "De-escalation")])
                         ).quotes == PRF(1, 0, 0)


# ------------------------------------------------------------------------ evaluate


def test_eval_missing_prediction_scores_as_empty():
    g1 = gold_article([gold_event(USA_GOV, IND_GOV, ["041"])], id="a1")
    g2 = gold_article([gold_event(USA_GOV, PAK_GOV, ["041"]),
                       gold_event(PAK, IND_GOV, ["190"], optional=True)],
                      actors=[{**PAK, "aliases": []}],
                      quotes=[{"speaker": ["X"], "contains": "y"}], id="a2")
    report = evaluate([g1, g2], [to_predicted(g1)])
    assert [a.predicted for a in report.articles] == [True, False]
    assert report.articles[1].events == PRF(0, 0, 1)
    assert report.articles[1].actors == Ratio(0, 1)
    assert report.articles[1].quotes == PRF(0, 0, 1)
    assert report.events == PRF(1, 0, 1)
    assert report.events.recall == 0.5
    assert report.actors == Ratio(0, 1)
    assert report.unpaired_predictions == []


def test_eval_overall_is_micro_over_articles():
    g1 = gold_article([gold_event(USA_GOV, IND_GOV, ["041"])], id="a1")
    g2 = gold_article([gold_event(USA_GOV, PAK_GOV, ["041"])], id="a2")
    p1 = pred_article([pred_event(USA_GOV, IND_GOV, "042")], id="a1")
    p2 = pred_article([pred_event(USA_GOV, IND_GOV, "041")], id="a2")
    report = evaluate([g1, g2], [p2, p1])
    assert [a.events for a in report.articles] == [PRF(1, 0, 0), PRF(0, 1, 1)]
    assert report.events == PRF(1, 1, 1)
    assert report.events.f1 == 0.5
    assert report.code_full == Ratio(0, 1)


def test_eval_pairs_by_article_id_then_order():
    g1 = gold_article([gold_event(USA_GOV, IND_GOV, ["041"])], id="a1", text="One.")
    g2 = gold_article([gold_event(USA_GOV, PAK_GOV, ["041"])], id="a2", text="Two.")
    p2 = to_predicted(g2)
    p2["id"] = None  # found through article_id = sha256 of "Title\nTwo."
    p1 = to_predicted(g1)
    p1["id"], p1["article_id"] = None, "unknown"  # found by position
    stray = pred_article([pred_event(USA_GOV, IND_GOV, "041")], id="other")
    report = evaluate([g1, g2], [p1, p2, stray])
    assert [a.events for a in report.articles] == [PRF(1, 0, 0), PRF(1, 0, 0)]
    assert report.unpaired_predictions == ["other"]


def test_eval_duplicate_prediction_keeps_first():
    g1 = gold_article([gold_event(USA_GOV, IND_GOV, ["041"])], id="a1")
    good = pred_article([pred_event(USA_GOV, IND_GOV, "041")], id="a1")
    bad = pred_article([], id="a1", article_id="second")
    report = evaluate([g1], [good, bad])
    assert report.events == PRF(1, 0, 0)
    assert report.unpaired_predictions == ["a1"]


def test_eval_report_to_dict_and_table():
    g1 = gold_article([gold_event(USA_GOV, IND_GOV, ["041"])], id="a1")
    report = evaluate([g1], [pred_article([pred_event(USA_GOV, IND_GOV, "042")], id="a1")])
    data = report.to_dict()
    json.dumps(data)
    assert data["n_articles"] == 1
    assert data["overall"]["events"] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0,
                                         "recall": 1.0, "f1": 1.0}
    assert data["overall"]["code_full"] == {"correct": 0, "total": 1, "value": 0.0}
    assert data["overall"]["date"] == {"correct": 0, "total": 0, "value": None}
    assert data["overall"]["plover"]["macro_f1"] == 1.0
    # sectors 0.5 + 0.5, killed null = null 1, identical evidence 0.25; code wrong 0
    assert data["articles"][0]["matches"] == [{"gold": 0, "predicted": 0,
                                               "score": pytest.approx(2.25)}]
    table = format_report(report)
    for row in ("event P / R / F1", "code accuracy (full)", "root accuracy", "PLOVER macro-F1",
                "date accuracy", "location country acc", "location place acc",
                "killed accuracy", "actor resolution", "quote P / R / F1", "a1"):
        assert row in table
    assert "0/1" in table
    assert "n/a" in table


def test_eval_empty_report():
    report = evaluate([], [])
    assert report.events.f1 is None
    assert report.plover.macro_f1 is None
    assert isinstance(report, Report)
    assert "0 gold articles" in format_report(report)


# ---------------------------------------------------------------------------- files


def test_eval_read_jsonl_reads_objects_and_skips_blank_lines(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": "b"}\n', encoding="utf-8")
    assert [r["id"] for r in read_jsonl(path)] == ["a", "b"]


@pytest.mark.parametrize(("content", "line"), [
    ('{"id": "a"}\n\n{"id": \n', 3),
    ('{"id": "a"}\n[1, 2]\n', 2),
    ('{"id": "a"}\n{"id": "b"}\n\xff\n', 3),
])
def test_eval_read_jsonl_malformed_line_names_file_and_line(tmp_path, content, line):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content.encode("utf-8") if "\xff" not in content
                     else content.encode("latin-1"))
    with pytest.raises(BadInput) as info:
        list(read_jsonl(path))
    assert info.value.line == line
    assert info.value.source == str(path)
    assert f"bad.jsonl, line {line}" in str(info.value)


def test_eval_read_jsonl_missing_file(tmp_path):
    path = tmp_path / "nope.jsonl"
    with pytest.raises(BadInput) as info:
        read_jsonl(path)
    assert info.value.line is None
    assert "nope.jsonl" in str(info.value)
    assert "not found" in str(info.value)


# ------------------------------------------------------------ gold against itself


@pytest.mark.parametrize("name", ["seed", "dev"])
def test_eval_gold_against_itself_scores_one(name):
    path = GOLD_DIR / f"{name}.jsonl"
    gold = list(read_jsonl(path))
    report = evaluate(gold, [to_predicted(g) for g in gold])
    assert report.events.fn == report.events.fp == 0
    assert report.events.tp == sum(len(g["events"]) for g in gold)
    for prf in (report.events, report.quotes):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    for ratio in (report.code_full, report.root, report.date, report.location_country,
                  report.location_place, report.killed, report.actors):
        assert ratio.total > 0
        assert ratio.value == 1.0
    assert report.plover.macro_f1 == 1.0
    assert all(a.predicted for a in report.articles)


def test_eval_accepts_article_result_to_dict():
    from flashpoint.model import (
        Actor,
        ActorRef,
        ArticleResult,
        Event,
        Evidence,
        Location,
        Plover,
        Quote,
    )

    rubio = ActorRef("Marco Rubio", "Rubio", "USA", "GOV")
    civilians = ActorRef("civilians", "civilians", "IND", "CVL")
    event = Event(event_id="e1", article_id="a", evidence=Evidence("killing 26 civilians", 0, 20),
                  source=None, target=civilians, cameo="180", cameo_root="18",
                  cameo_name="Use unconventional violence", plover=Plover("ASSAULT"),
                  quad_class=4, goldstein=-9.0, date="2025-04-22", date_precision="day",
                  date_text="on April 22",
                  location=Location("Pahalgam", "Jammu and Kashmir", "IND"), killed=26)
    result = ArticleResult(
        id="t-001", article_id="a",
        actors=[Actor("Marco Rubio", "USA", "GOV", aliases=["Rubio"])], events=[event],
        quotes=[Quote("q1", "a", rubio, "\u201cWe urge restraint,\u201d", 0, 10)])
    gold = gold_article(
        events=[gold_event({"name": "terrorists", "country": None, "sector": "UAF"},
                           {"name": "civilians", "country": "IND", "sector": "CVL"},
                           ["180", "202"], date="2025-04-22", date_precision="day",
                           location=PAHALGAM, killed=26)],
        actors=[{**USA_GOV, "aliases": ["Rubio"]}],
        quotes=[{"speaker": ["Rubio"], "contains": "We urge restraint"}])
    report = evaluate([gold], [result.to_dict()])
    assert report.events == PRF(1, 0, 0)
    assert (report.code_full, report.date, report.location_place, report.killed) == (
        Ratio(1, 1), Ratio(1, 1), Ratio(1, 1), Ratio(1, 1))
    assert report.actors == Ratio(1, 1)
    assert report.quotes == PRF(1, 0, 0)
