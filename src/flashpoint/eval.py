"""Score extracted records against gold annotations, as ANNOTATION.md §8 defines.

A gold file holds one annotated article per line (ANNOTATION.md §1); a prediction
file holds one ``ArticleResult.to_dict()`` per line. :func:`evaluate` pairs the two,
scores each article with :func:`score_article` and sums the counts into a
:class:`Report`. Every metric keeps its numerator and denominator, so overall
numbers are micro-averages over events (quotes, actors) summed over articles.

Event matching (per article)
    Predicted events are matched one-to-one with gold events, greedily on the best
    agreement. A pair is *admissible* when

    * the source countries are equal and the target countries are equal (a missing
      source or target actor has country null, and null equals null);
    * sectors agree where both sides give one (null on either side passes), and
      likewise the IGO ``org`` where both sides give one (case-insensitive);
    * the root (first two digits) of the predicted CAMEO code is the root of some
      code in the gold ``cameo`` list;
    * the negation flags are equal. A prediction without ``negated: true`` cannot
      match a negated gold event, so it is a false positive and the gold event
      stays unmatched. Symmetrically, a prediction flagged ``negated: true`` cannot
      match a non-negated gold event.

    Every admissible pair gets an agreement score: +1 when the predicted code is in
    the gold list, +1 when the date is right (gold date known), +1 when both give a
    location and the location countries are equal, +0.5 per side (source, target)
    whose sector equals the gold sector exactly (null = null), +1 when ``killed`` is
    equal (null = null), plus up to +0.25 for evidence overlap (Jaccard similarity
    of the lower-cased word sets). Pairs are sorted by score, highest first; ties
    go to the earlier gold event, then to the earlier predicted event (their order
    in the input lists). Pairs are taken in that order while both events are free.

Counting
    Matched pairs are true positives (an optional gold event that is matched counts
    too). Unmatched predictions are false positives (negated ones included).
    Unmatched gold events are false negatives unless ``optional`` (then they are
    left out of the count). A negated gold event that nothing matches is a false
    negative: the guideline asks for it to be reported with the negation flag.

Metrics over the matched pairs
    * code (full): the predicted code is in the gold list.
    * root: a diagnostic. Over a second matching that requires only the dyad and
      the negation flag (root agreement then weighs +10 in the score), the share
      of pairs whose root is accepted. Over the main matching it would be 1.0 by
      construction.
    * date: over pairs whose gold date is known; compared at the gold precision
      (day: the full date; month: year and month; year: the year). The predicted
      precision is not scored; a null predicted date is wrong.
    * location country / place: over pairs with a gold location. Country: the
      location countries are equal. Place: country equal and (the names agree or
      the admin1 names are equal). Names are compared case- and accent-
      insensitively with punctuation read as spaces; a predicted name whose words
      contain the gold name's words as a contiguous run, or are contained in them,
      agrees ("Kashmir" vs "Pakistan-occupied Kashmir"). A null predicted location
      is wrong on both.
    * killed: over pairs with a gold ``killed``; the predicted integer is equal.

PLOVER macro-F1
    A third matching, the same greedy as above with "gold ``plover`` equals
    predicted ``plover.type``" in place of the root condition. Events whose PLOVER
    type is null (CAMEO 01 statements) take no part: null is not a class. Per
    class, TP counts matched pairs of that class, FP unmatched predictions of that
    class, FN unmatched non-optional gold events of that class. F1 per class is
    2TP / (2TP + FP + FN); the macro average is taken over every class with a
    non-zero count (present in the counted gold events or in the predictions).
    Overall, per-class counts are summed over articles before the F1s are taken.

Actor resolution
    The share of gold article-level ``actors`` for which some predicted actor
    shares a name (its name or any alias against the predicted name or aliases,
    case-insensitive) and has the same country, with sectors (and IGO ``org``)
    compared as in event matching, only where both sides give one (ANNOTATION.md
    §3). Several gold actors may be found in the same predicted actor.

Quotes
    A predicted quote matches a gold quote when its text contains the gold
    ``contains`` substring (curly quotes read as straight ones, runs of whitespace
    as one space; case-sensitive) and their speakers share a name, compared
    case-insensitively. The predicted speaker's names are its ``name`` plus the
    aliases of every predicted actor with that name; the gold speaker's names are
    the names listed plus the aliases of every gold actor with one of those names.
    Quotes are matched one-to-one by maximum bipartite matching. Predicted quotes
    marked ``direct: false`` are not scored: gold quotes are direct quotations only.

Ratios with a zero denominator are ``None`` (shown as ``n/a``), as are precision
and recall when nothing was predicted or expected; F1 is 2TP / (2TP + FP + FN).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashpoint.errors import BadInput
from flashpoint.model import article_id_for

__all__ = [
    "ArticleScore",
    "Match",
    "PRF",
    "PloverScore",
    "Ratio",
    "Report",
    "evaluate",
    "format_report",
    "read_jsonl",
    "score_article",
]

EVIDENCE_WEIGHT = 0.25
"""The largest bonus evidence overlap adds to a pair's agreement score."""

ROOT_WEIGHT = 10.0
"""Weight of root agreement in the dyad-only matching behind root accuracy."""

_DATE_PREFIX = {"day": 10, "month": 7, "year": 4}
_QUOTE_MARKS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
_WORD = re.compile(r"\w+")

Record = Mapping[str, Any]


# --------------------------------------------------------------------------- counts


@dataclass
class Ratio:
    """A share with its counts: ``correct`` out of ``total``.

    Attributes:
        correct: The numerator.
        total: The denominator.
    """

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """``correct / total``, or ``None`` when ``total`` is zero."""
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        """Count one more case, correct when ``ok``."""
        self.total += 1
        self.correct += int(ok)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"correct", "total", "value"}``."""
        return {"correct": self.correct, "total": self.total, "value": self.value}


@dataclass
class PRF:
    """True positives, false positives and false negatives, with P/R/F1.

    Attributes:
        tp: Matched pairs.
        fp: Predictions left unmatched.
        fn: Counted gold items left unmatched.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or ``None`` when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or ``None`` when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2TP / (2TP + FP + FN), or ``None`` when all three counts are zero."""
        den = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / den if den else None

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and ``precision``, ``recall``, ``f1``."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class PloverScore:
    """Per-class PLOVER counts and their macro-averaged F1.

    Attributes:
        classes: PLOVER type -> counts; only classes with a non-zero count appear.
    """

    classes: dict[str, PRF] = field(default_factory=dict)

    def count(self, cls: str, kind: str) -> None:
        """Add one ``kind`` (``"tp"``, ``"fp"`` or ``"fn"``) to class ``cls``."""
        prf = self.classes.setdefault(cls, PRF())
        setattr(prf, kind, getattr(prf, kind) + 1)

    @property
    def macro_f1(self) -> float | None:
        """Mean of the per-class F1, or ``None`` when there is no class."""
        scores = [prf.f1 for prf in self.classes.values() if prf.f1 is not None]
        return sum(scores) / len(scores) if scores else None

    def __add__(self, other: PloverScore) -> PloverScore:
        merged = {k: PRF(v.tp, v.fp, v.fn) for k, v in self.classes.items()}
        for k, v in other.classes.items():
            merged[k] = merged.get(k, PRF()) + v
        return PloverScore(merged)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"macro_f1", "n_classes", "classes": {type: counts}}``."""
        return {"macro_f1": self.macro_f1, "n_classes": len(self.classes),
                "classes": {k: self.classes[k].to_dict() for k in sorted(self.classes)}}


@dataclass(frozen=True)
class Match:
    """One matched pair of events: indices into the gold and predicted lists."""

    gold: int
    predicted: int
    score: float


# ------------------------------------------------------------------ per-article score


METRICS = ("events", "code_full", "root", "plover", "date", "location_country",
           "location_place", "killed", "actors", "quotes")
"""The metric names shared by :class:`ArticleScore` and :class:`Report`."""


@dataclass
class _Metrics:
    """The §8 metrics, shared by one article's score and the whole report."""

    events: PRF = field(default_factory=PRF)
    code_full: Ratio = field(default_factory=Ratio)
    root: Ratio = field(default_factory=Ratio)
    plover: PloverScore = field(default_factory=PloverScore)
    date: Ratio = field(default_factory=Ratio)
    location_country: Ratio = field(default_factory=Ratio)
    location_place: Ratio = field(default_factory=Ratio)
    killed: Ratio = field(default_factory=Ratio)
    actors: Ratio = field(default_factory=Ratio)
    quotes: PRF = field(default_factory=PRF)


@dataclass
class ArticleScore(_Metrics):
    """The §8 counts for one article.

    Attributes:
        id: The gold article's ``id``.
        predicted: Whether a prediction was paired with the article (else scored as empty).
        events: Event P/R/F1 (dyad + root).
        code_full: Full-code accuracy over matched events.
        root: Root accuracy over the dyad-only matching.
        plover: PLOVER per-class counts and macro-F1.
        date: Date accuracy over matched events with a known gold date.
        location_country: Location country accuracy over matched events with a gold location.
        location_place: Place (name or admin1, with country) accuracy, same denominator.
        killed: Killed accuracy over matched events with a gold ``killed``.
        actors: Actor resolution over gold actors.
        quotes: Quote P/R/F1.
        matches: The event pairs of the main matching.
        false_positives: Indices of unmatched predicted events.
        false_negatives: Indices of unmatched, non-optional gold events.
        optional_unmatched: Indices of unmatched optional gold events (not counted).
        negation_conflicts: Indices of unmatched predicted events that would match
            some gold event if the negation flags agreed.
    """

    id: str | None = None
    predicted: bool = True
    matches: list[Match] = field(default_factory=list)
    false_positives: list[int] = field(default_factory=list)
    false_negatives: list[int] = field(default_factory=list)
    optional_unmatched: list[int] = field(default_factory=list)
    negation_conflicts: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return every metric as a dict, plus the matching detail."""
        out: dict[str, Any] = {"id": self.id, "predicted": self.predicted}
        out.update({name: getattr(self, name).to_dict() for name in METRICS})
        out["matches"] = [{"gold": m.gold, "predicted": m.predicted, "score": m.score}
                          for m in self.matches]
        out["false_positives"] = list(self.false_positives)
        out["false_negatives"] = list(self.false_negatives)
        out["optional_unmatched"] = list(self.optional_unmatched)
        out["negation_conflicts"] = list(self.negation_conflicts)
        return out


@dataclass
class Report(_Metrics):
    """All §8 metrics: overall (counts summed over articles) and per article.

    Attributes:
        articles: One score per gold article, in gold order.
        unpaired_predictions: Labels (``id``, else ``article_id``, else ``#index``)
            of predictions that no gold article claimed; they are not scored.
        events: Overall event P/R/F1.
        code_full: Overall full-code accuracy.
        root: Overall root accuracy (dyad-only matching).
        plover: Overall PLOVER per-class counts and macro-F1.
        date: Overall date accuracy.
        location_country: Overall location country accuracy.
        location_place: Overall location place accuracy.
        killed: Overall killed accuracy.
        actors: Overall actor resolution.
        quotes: Overall quote P/R/F1.
    """

    articles: list[ArticleScore] = field(default_factory=list)
    unpaired_predictions: list[str] = field(default_factory=list)

    @classmethod
    def from_articles(cls, articles: Iterable[ArticleScore],
                      unpaired_predictions: Iterable[str] = ()) -> Report:
        """Sum per-article scores into a report.

        Args:
            articles: The per-article scores.
            unpaired_predictions: Labels of predictions paired with no gold article.

        Returns:
            The report, overall counts being the sums of the articles' counts.
        """
        report = cls(articles=list(articles), unpaired_predictions=list(unpaired_predictions))
        for art in report.articles:
            for name in METRICS:
                setattr(report, name, getattr(report, name) + getattr(art, name))
        return report

    @property
    def optional_unmatched(self) -> int:
        """Optional gold events left unmatched (and so not counted), over all articles."""
        return sum(len(a.optional_unmatched) for a in self.articles)

    @property
    def negation_conflicts(self) -> int:
        """Predicted events unmatched only because of the negation flag."""
        return sum(len(a.negation_conflicts) for a in self.articles)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"n_articles", "n_predicted", "overall", "articles", ...}``."""
        overall: dict[str, Any] = {name: getattr(self, name).to_dict() for name in METRICS}
        overall["optional_unmatched"] = self.optional_unmatched
        overall["negation_conflicts"] = self.negation_conflicts
        return {
            "n_articles": len(self.articles),
            "n_predicted": sum(a.predicted for a in self.articles),
            "overall": overall,
            "articles": [a.to_dict() for a in self.articles],
            "unpaired_predictions": list(self.unpaired_predictions),
        }


# ------------------------------------------------------------------------- helpers


def _fold(text: str | None, *, accents: bool = False) -> str:
    """Case-fold, read curly quotes as straight, collapse whitespace (strip accents too)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTE_MARKS)
    if accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _quote_norm(text: str | None) -> str:
    """Read curly quotes as straight and collapse whitespace; keep case."""
    if not text:
        return ""
    return " ".join(str(text).translate(_QUOTE_MARKS).split())


def _words(text: str | None) -> list[str]:
    """Case- and accent-insensitive words; punctuation separates words."""
    return _WORD.findall(_fold(text, accents=True).replace("_", " "))


def _contains_run(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _place_names_agree(gold: str | None, pred: str | None) -> bool:
    """Gold and predicted place names agree: equal, or one's words contain the other's."""
    g, p = _words(gold), _words(pred)
    if not g or not p:
        return False
    return _contains_run(g, p) if len(g) >= len(p) else _contains_run(p, g)


def _text(value: Any) -> str:
    """The text of an evidence field (a string in gold, ``{"text": …}`` in predictions)."""
    if isinstance(value, Mapping):
        value = value.get("text")
    return value if isinstance(value, str) else ""


def _actor(record: Record, side: str) -> Mapping[str, Any]:
    value = record.get(side)
    return value if isinstance(value, Mapping) else {}


def _codes_agree(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Country equal (null = null); sector and org equal where both sides give one."""
    if (gold.get("country") or None) != (pred.get("country") or None):
        return False
    gs, ps = gold.get("sector") or None, pred.get("sector") or None
    if gs and ps and gs != ps:
        return False
    go, po = gold.get("org") or None, pred.get("org") or None
    return not (go and po and str(go).casefold() != str(po).casefold())


def _dyad_ok(gold: Record, pred: Record) -> bool:
    return (_codes_agree(_actor(gold, "source"), _actor(pred, "source"))
            and _codes_agree(_actor(gold, "target"), _actor(pred, "target")))


def _negation_ok(gold: Record, pred: Record) -> bool:
    return bool(gold.get("negated")) == bool(pred.get("negated"))


def _gold_codes(gold: Record) -> list[str]:
    codes = gold.get("cameo") or []
    if isinstance(codes, str):
        codes = [codes]
    return [str(c) for c in codes]


def _pred_code(pred: Record) -> str:
    code = pred.get("cameo")
    return str(code) if code is not None else ""


def _pred_root(pred: Record) -> str:
    code = _pred_code(pred)
    if len(code) >= 2:
        return code[:2]
    return str(pred.get("cameo_root") or "")


def _root_ok(gold: Record, pred: Record) -> bool:
    root = _pred_root(pred)
    return bool(root) and root in {c[:2] for c in _gold_codes(gold)}


def _code_ok(gold: Record, pred: Record) -> bool:
    return _pred_code(pred) in _gold_codes(gold)


def _plover_type(value: Any) -> str | None:
    """A PLOVER type from a gold string or a predicted ``{"type": …}``; upper-cased."""
    if isinstance(value, Mapping):
        value = value.get("type")
    return value.upper() if isinstance(value, str) and value else None


def _date_known(gold: Record) -> bool:
    return (isinstance(gold.get("date"), str)
            and (gold.get("date_precision") or "day") in _DATE_PREFIX)


def _date_ok(gold: Record, pred: Record) -> bool:
    """The predicted date equals the gold date at the gold precision."""
    if not _date_known(gold):
        return False
    pred_date = pred.get("date")
    if not isinstance(pred_date, str):
        return False
    n = _DATE_PREFIX[gold.get("date_precision") or "day"]
    return len(pred_date) >= n and pred_date[:n] == gold["date"][:n]


def _location(record: Record) -> Mapping[str, Any] | None:
    loc = record.get("location")
    return loc if isinstance(loc, Mapping) else None


def _location_country_ok(gold: Record, pred: Record) -> bool:
    g, p = _location(gold), _location(pred)
    return bool(g and p and g.get("country") and g.get("country") == p.get("country"))


def _location_place_ok(gold: Record, pred: Record) -> bool:
    if not _location_country_ok(gold, pred):
        return False
    g, p = _location(gold) or {}, _location(pred) or {}
    if _place_names_agree(g.get("name"), p.get("name")):
        return True
    ga, pa = _words(g.get("admin1")), _words(p.get("admin1"))
    return bool(ga) and ga == pa


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _evidence_overlap(gold: Record, pred: Record) -> float:
    g, p = set(_words(_text(gold.get("evidence")))), set(_words(_text(pred.get("evidence"))))
    return len(g & p) / len(g | p) if g | p else 0.0


def _agreement(gold: Record, pred: Record) -> float:
    """The agreement score that orders admissible pairs (see the module docstring)."""
    score = 0.0
    if _code_ok(gold, pred):
        score += 1.0
    if _date_ok(gold, pred):
        score += 1.0
    if _location_country_ok(gold, pred):
        score += 1.0
    for side in ("source", "target"):
        if (_actor(gold, side).get("sector") or None) == (_actor(pred, side).get("sector") or None):
            score += 0.5
    if _count(gold.get("killed")) == _count(pred.get("killed")):
        score += 1.0
    return score + EVIDENCE_WEIGHT * _evidence_overlap(gold, pred)


Pairing = Callable[[Record, Record], bool]
Scoring = Callable[[Record, Record], float]


def _greedy(gold: list[Record], pred: list[Record], admissible: Pairing,
            scoring: Scoring = _agreement) -> list[Match]:
    """Match events one-to-one, best score first; ties to the earlier gold, then prediction."""
    candidates = [(-scoring(g, p), i, j)
                  for i, g in enumerate(gold) for j, p in enumerate(pred) if admissible(g, p)]
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches: list[Match] = []
    for neg_score, i, j in candidates:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        matches.append(Match(i, j, -neg_score))
    return sorted(matches, key=lambda m: m.gold)


def _event_admissible(gold: Record, pred: Record) -> bool:
    return _dyad_ok(gold, pred) and _negation_ok(gold, pred) and _root_ok(gold, pred)


def _dyad_admissible(gold: Record, pred: Record) -> bool:
    return _dyad_ok(gold, pred) and _negation_ok(gold, pred)


def _dyad_scoring(gold: Record, pred: Record) -> float:
    return ROOT_WEIGHT * _root_ok(gold, pred) + _agreement(gold, pred)


def _plover_admissible(gold: Record, pred: Record) -> bool:
    cls = _plover_type(gold.get("plover"))
    return (cls is not None and cls == _plover_type(pred.get("plover"))
            and _dyad_ok(gold, pred) and _negation_ok(gold, pred))


def _names(actor: Mapping[str, Any]) -> set[str]:
    """The folded name and aliases of an actor."""
    names = {_fold(actor.get("name"))}
    names.update(_fold(a) for a in actor.get("aliases") or [] if isinstance(a, str))
    names.discard("")
    return names


def _expand(names: Iterable[str], actors: Iterable[Mapping[str, Any]]) -> set[str]:
    """Folded ``names`` plus the aliases of every actor whose name is one of them."""
    out = {_fold(n) for n in names if isinstance(n, str)}
    out.discard("")
    for actor in actors:
        if _fold(actor.get("name")) in out:
            out |= _names(actor)
    return out


def _max_bipartite(adjacency: list[list[int]]) -> int:
    """Size of a maximum matching (Kuhn's augmenting paths); left = gold, right = predicted."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(augment(i, set()) for i in range(len(adjacency)))


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


# ------------------------------------------------------------------------- scoring


def _score_events(score: ArticleScore, gold: list[Record], pred: list[Record]) -> None:
    matches = _greedy(gold, pred, _event_admissible)
    score.matches = matches
    matched_gold = {m.gold for m in matches}
    matched_pred = {m.predicted for m in matches}
    score.false_positives = [j for j in range(len(pred)) if j not in matched_pred]
    for i, g in enumerate(gold):
        if i not in matched_gold:
            (score.optional_unmatched if g.get("optional") else score.false_negatives).append(i)
    score.events = PRF(len(matches), len(score.false_positives), len(score.false_negatives))
    score.negation_conflicts = [
        j for j in score.false_positives
        if any(_dyad_ok(g, pred[j]) and _root_ok(g, pred[j]) and not _negation_ok(g, pred[j])
               for g in gold)]

    for m in matches:
        g, p = gold[m.gold], pred[m.predicted]
        score.code_full.add(_code_ok(g, p))
        if _date_known(g):
            score.date.add(_date_ok(g, p))
        if _location(g) is not None:
            score.location_country.add(_location_country_ok(g, p))
            score.location_place.add(_location_place_ok(g, p))
        if _count(g.get("killed")) is not None:
            score.killed.add(_count(g.get("killed")) == _count(p.get("killed")))

    for m in _greedy(gold, pred, _dyad_admissible, _dyad_scoring):
        score.root.add(_root_ok(gold[m.gold], pred[m.predicted]))

    plover_matches = _greedy(gold, pred, _plover_admissible)
    p_gold = {m.gold for m in plover_matches}
    p_pred = {m.predicted for m in plover_matches}
    for m in plover_matches:
        score.plover.count(_plover_type(gold[m.gold].get("plover")) or "", "tp")
    for j, p in enumerate(pred):
        cls = _plover_type(p.get("plover"))
        if j not in p_pred and cls is not None:
            score.plover.count(cls, "fp")
    for i, g in enumerate(gold):
        cls = _plover_type(g.get("plover"))
        if i not in p_gold and cls is not None and not g.get("optional"):
            score.plover.count(cls, "fn")


def _score_actors(gold_actors: list[Record], pred_actors: list[Record]) -> Ratio:
    ratio = Ratio()
    for ga in gold_actors:
        names = _names(ga)
        ratio.add(any(names & _names(pa) and _codes_agree(ga, pa) for pa in pred_actors))
    return ratio


def _score_quotes(gold: Record, pred: Record) -> PRF:
    gold_actors, pred_actors = _dicts(gold.get("actors")), _dicts(pred.get("actors"))
    gold_quotes = _dicts(gold.get("quotes"))
    pred_quotes = [q for q in _dicts(pred.get("quotes")) if q.get("direct", True) is not False]

    def speaker_names(quote: Record) -> set[str]:
        speaker = quote.get("speaker")
        name = speaker.get("name") if isinstance(speaker, Mapping) else speaker
        return _expand([name] if isinstance(name, str) else [], pred_actors)

    pred_info = [(_quote_norm(q.get("text")), speaker_names(q)) for q in pred_quotes]
    adjacency: list[list[int]] = []
    for gq in gold_quotes:
        wanted = _quote_norm(gq.get("contains"))
        speakers = gq.get("speaker") or []
        gold_names = _expand([speakers] if isinstance(speakers, str) else speakers, gold_actors)
        adjacency.append([j for j, (text, names) in enumerate(pred_info)
                          if wanted and wanted in text and names & gold_names])
    tp = _max_bipartite(adjacency)
    return PRF(tp, len(pred_quotes) - tp, len(gold_quotes) - tp)


def score_article(gold: Record, predicted: Record | None) -> ArticleScore:
    """Score one article's prediction against its gold annotation (ANNOTATION.md §8).

    Args:
        gold: One gold line (``id``, ``actors``, ``events``, ``quotes``, …).
        predicted: One ``ArticleResult.to_dict()``; ``None`` scores as an empty prediction.

    Returns:
        The article's counts for every metric, with the event matching.
    """
    score = ArticleScore(id=gold.get("id"), predicted=predicted is not None)
    pred: Record = predicted or {}
    _score_events(score, _dicts(gold.get("events")), _dicts(pred.get("events")))
    score.actors = _score_actors(_dicts(gold.get("actors")), _dicts(pred.get("actors")))
    score.quotes = _score_quotes(gold, pred)
    return score


def _gold_article_id(gold: Record) -> str | None:
    text = gold.get("text")
    if not isinstance(text, str):
        return None
    title = gold.get("title") or ""
    return article_id_for(f"{title}\n{text}" if title else text)


def evaluate(gold: Iterable[Record], predicted: Iterable[Record]) -> Report:
    """Score predictions against gold articles and sum the counts.

    Each prediction is paired with a gold article by ``id``; failing that, by
    ``article_id`` (the hash of the gold title and text, as ``Article.article_id``);
    failing that, a prediction without an ``id`` is paired with the gold article at
    the same position if that one is still free. A gold article claimed twice keeps
    the first prediction. Gold articles without a prediction score as empty
    predictions; predictions that pair with nothing are listed, not scored.

    Args:
        gold: Gold article records (ANNOTATION.md §1).
        predicted: ``ArticleResult.to_dict()`` records.

    Returns:
        The report: overall and per-article metrics.
    """
    golds, preds = list(gold), list(predicted)
    by_id: dict[Any, int] = {}
    by_article_id: dict[str, int] = {}
    for i, g in enumerate(golds):
        if g.get("id") is not None:
            by_id.setdefault(g["id"], i)
        aid = _gold_article_id(g)
        if aid is not None:
            by_article_id.setdefault(aid, i)

    paired: dict[int, int] = {}
    unclaimed: list[int] = []
    unpaired: list[int] = []
    for j, p in enumerate(preds):
        i = by_id.get(p.get("id")) if p.get("id") is not None else None
        if i is None:
            i = by_article_id.get(p.get("article_id"))
        if i is None:
            (unclaimed if p.get("id") is None else unpaired).append(j)
        elif i in paired:
            unpaired.append(j)
        else:
            paired[i] = j
    for j in unclaimed:
        if j < len(golds) and j not in paired:
            paired[j] = j
        else:
            unpaired.append(j)

    scores = [score_article(g, preds[paired[i]] if i in paired else None)
              for i, g in enumerate(golds)]

    def label(j: int) -> str:
        p = preds[j]
        return str(p.get("id") or p.get("article_id") or f"#{j}")

    return Report.from_articles(scores, [label(j) for j in sorted(unpaired)])


# ------------------------------------------------------------------------ file input


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Read one JSON object per line, skipping blank lines.

    Args:
        path: The JSON Lines file.

    Returns:
        An iterator over the records, in file order.

    Raises:
        BadInput: When the file is missing or unreadable (at call time), or when a
            line is not valid UTF-8 JSON or not a JSON object (naming the line).
    """
    file = Path(path)
    if not file.is_file():
        reason = "is a directory, not a JSON Lines file" if file.is_dir() else "file not found"
        raise BadInput(str(path), reason)
    return _records(file, str(path))


def _records(file: Path, name: str) -> Iterator[dict[str, Any]]:
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise BadInput(name, f"cannot be read ({exc.strerror})") from exc
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise BadInput(name, "not UTF-8 text", line=number) from exc
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadInput(name, f"not valid JSON ({exc.msg}, column {exc.colno}); "
                                     "each line must hold one JSON object", line=number) from exc
            if not isinstance(record, dict):
                raise BadInput(name, f"expected a JSON object, got {type(record).__name__}",
                               line=number)
            yield record


# ------------------------------------------------------------------------- display


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _prf_text(prf: PRF) -> str:
    return f"{_num(prf.precision)} / {_num(prf.recall)} / {_num(prf.f1)}"


def _ratio_row(label: str, ratio: Ratio) -> str:
    return f"{label:<24}{_num(ratio.value):<23}{ratio.correct}/{ratio.total}"


def format_report(report: Report) -> str:
    """Render a report as a plain-text table: overall metrics, then one row per article.

    Args:
        report: The report from :func:`evaluate`.

    Returns:
        The table, lines separated by newlines (no trailing newline).
    """
    n_pred = sum(a.predicted for a in report.articles)
    ev, qu = report.events, report.quotes
    n_gold = len(report.articles)
    lines = [
        f"Flashpoint evaluation: {n_gold} gold article{'' if n_gold == 1 else 's'}, "
        f"{n_pred} with a prediction",
        "",
        f"{'metric':<24}{'score':<23}counts",
        f"{'event P / R / F1':<24}{_prf_text(ev):<23}tp {ev.tp}  fp {ev.fp}  fn {ev.fn}",
        f"{'':<47}optional unmatched {report.optional_unmatched} (not counted),"
        f" negation conflicts {report.negation_conflicts}",
        _ratio_row("code accuracy (full)", report.code_full),
        _ratio_row("root accuracy (dyad)", report.root),
        f"{'PLOVER macro-F1':<24}{_num(report.plover.macro_f1):<23}"
        f"{len(report.plover.classes)} class{'' if len(report.plover.classes) == 1 else 'es'}",
        _ratio_row("date accuracy", report.date),
        _ratio_row("location country acc", report.location_country),
        _ratio_row("location place acc", report.location_place),
        _ratio_row("killed accuracy", report.killed),
        _ratio_row("actor resolution", report.actors),
        f"{'quote P / R / F1':<24}{_prf_text(qu):<23}tp {qu.tp}  fp {qu.fp}  fn {qu.fn}",
    ]
    if report.plover.classes:
        lines += ["", "PLOVER per class (F1, tp/fp/fn):"]
        lines += [f"  {cls:<12}{_num(prf.f1):<8}{prf.tp}/{prf.fp}/{prf.fn}"
                  for cls, prf in sorted(report.plover.classes.items())]
    names = [str(a.id) + ("" if a.predicted else " (none)") for a in report.articles]
    width = max([len(n) for n in names] + [12]) + 2
    lines += ["", "per article (\"(none)\": no prediction, scored as empty):",
              f"{'id':<{width}}{'ev F1':>7}{'tp/fp/fn':>10}{'code':>8}{'date':>8}{'place':>8}"
              f"{'killed':>8}{'actors':>8}{'quote F1':>9}"]
    for art, name in zip(report.articles, names, strict=True):
        ev = art.events
        lines.append(
            f"{name:<{width}}{_num(ev.f1):>7}{f'{ev.tp}/{ev.fp}/{ev.fn}':>10}"
            f"{_num(art.code_full.value):>8}{_num(art.date.value):>8}"
            f"{_num(art.location_place.value):>8}{_num(art.killed.value):>8}"
            f"{_num(art.actors.value):>8}{_num(art.quotes.f1):>9}")
    if report.unpaired_predictions:
        lines += ["", "predictions with no gold article (not scored): "
                  + ", ".join(report.unpaired_predictions)]
    return "\n".join(lines)
