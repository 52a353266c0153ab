"""Builders of records for store, merge and export tests (no spaCy needed)."""

from __future__ import annotations

import re

from flashpoint import ontology
from flashpoint.model import (
    Actor,
    ActorRef,
    Article,
    ArticleResult,
    Attribution,
    Event,
    Evidence,
    Location,
    Plover,
    Quote,
    stable_id,
)
from flashpoint.store import BatchItem

ACTORS = {
    "USAGOV": ActorRef("Marco Rubio", "Rubio", "USA", "GOV"),
    "INDGOV": ActorRef("S Jaishankar", "Jaishankar", "IND", "GOV"),
    "PAKGOV": ActorRef("Shehbaz Sharif", "Sharif", "PAK", "GOV"),
    "INDMIL": ActorRef("Indian armed forces", "Indian armed forces", "IND", "MIL"),
    "PAKMIL": ActorRef("Pakistani army", "Pakistani army", "PAK", "MIL"),
    "INDCVL": ActorRef("civilians", "civilians", "IND", "CVL"),
    "PAKCVL": ActorRef("residents", "residents", "PAK", "CVL"),
    "UAF": ActorRef("gunmen", "gunmen", None, "UAF"),
    "PAK": ActorRef("Pakistan", "Pakistan", "PAK", None),
    "IND": ActorRef("India", "India", "IND", None),
    "IGOUN": ActorRef("United Nations", "UN", "IGO", "IGO", "UN"),
    "PAKOPP": ActorRef("protesters", "protesters", "PAK", "OPP"),
}

PLACES = {
    "Pahalgam": Location("Pahalgam", "Jammu and Kashmir", "IND", 34.01, 75.32, 1260402, "city"),
    "Srinagar": Location("Srinagar", "Jammu and Kashmir", "IND", 34.09, 74.81, 1255634, "city"),
    "Muzaffarabad": Location("Muzaffarabad", "Azad Kashmir", "PAK", 34.37, 73.47, 1169607,
                             "city"),
    "Jammu and Kashmir": Location("Jammu and Kashmir", "Jammu and Kashmir", "IND", 33.5, 75.0,
                                  None, "admin1"),
    "India": Location("India", None, "IND", 22.0, 79.0, 1269750, "country"),
    "Lahore": Location("Lahore", "Punjab", "PAK", 31.55, 74.34, 1172451, "city"),
    "Texas": Location("Texas", "Texas", "USA", 31.25, -99.25, 4736286, "admin1"),
}


def event(article_id: str, source: str | None, cameo: str, target: str | None, *,
          date: str | None = "2025-05-08", precision: str = "day", place: str | None = None,
          killed: int | None = None, negated: bool = False, text: str | None = None,
          start: int = 0) -> Event:
    """One report, coded as ``source cameo target`` (actor keys of ``ACTORS``)."""
    code = ontology.describe(cameo)
    text = text or f"{source} {code.name.lower()} {target} ({cameo})"
    src = ACTORS[source] if source else None
    tgt = ACTORS[target] if target else None
    return Event(
        event_id=stable_id(article_id, start, start + len(text), cameo, source, target),
        article_id=article_id, evidence=Evidence(text, start, start + len(text)),
        source=src, target=tgt, cameo=cameo, cameo_root=code.root, cameo_name=code.name,
        plover=Plover(code.plover_type, code.plover_mode), quad_class=code.quad_class,
        goldstein=code.goldstein, date=date if precision != "unknown" else None,
        date_precision=precision, date_text="on Thursday" if date else None,
        location=PLACES[place] if place else None, killed=killed, negated=negated,
        attribution=Attribution("State Department", "statement") if cameo < "05" else None,
        confidence=0.8)


def article(text: str, *, title: str = "", published: str | None = "2025-05-09",
            outlet: str | None = None, id: str | None = None, url: str | None = None
            ) -> Article:
    return Article(text=text, title=title, published=published, outlet=outlet, id=id, url=url)


def item(art: Article, events: list[tuple], *, origin: str | None = None,
         quotes: int = 0) -> BatchItem:
    """A batch item of a new article whose extraction gave these events.

    ``events`` holds ``(source, cameo, target, options)`` tuples (options a dict,
    optional).
    """
    aid = art.article_id
    evs = []
    offset = 0
    for spec in events:
        source, cameo, target, *rest = spec
        options = rest[0] if rest else {}
        ev = event(aid, source, cameo, target, start=offset, **options)
        offset = ev.evidence.end + 1
        evs.append(ev)
    actors = []
    seen = set()
    for ev in evs:
        for ref in (ev.source, ev.target):
            if ref is not None and ref.name not in seen:
                seen.add(ref.name)
                actors.append(Actor(ref.name, ref.country, ref.sector, ref.org,
                                    aliases=[ref.text], role=None))
    qs = [Quote(stable_id(aid, "q", i), aid, ACTORS["USAGOV"], f"\u201cWe urge calm {i}\u201d",
                i * 10, i * 10 + 8, True, "statement") for i in range(quotes)]
    result = ArticleResult(id=art.id, article_id=aid, actors=actors, events=evs, quotes=qs)
    return BatchItem(origin or art.id or aid[:8], art, "new", result=result)


# ------------------------------------------------------------------ stand-in extraction

STUB_ACTORS = {"India": ("IND", "GOV"), "Pakistan": ("PAK", "GOV"),
               "Washington": ("USA", "GOV"), "Beijing": ("CHN", "GOV"), "Army": ("IND", "MIL"),
               "Rebels": ("PAK", "REB")}
STUB_VERBS = {"met": "040", "called": "041", "shelled": "194", "attacked": "190",
              "urged": "0256", "accused": "112"}
STUB_PLACES = {"Srinagar": ("Jammu and Kashmir", "IND"), "Lahore": ("Punjab", "PAK"),
               "Delhi": ("Delhi", "IND")}
STUB_SENTENCE = re.compile(r"(\w+) (\w+) (\w+) on (\d{4}-\d\d-\d\d)(?: in (\w+))?\.")


def stub_extract(articles: list[Article]) -> list[ArticleResult]:
    """Extraction stand-in: each "<A> <verb> <B> on <YYYY-MM-DD> [in <place>]." is an event."""
    out = []
    for art in articles:
        aid = art.article_id
        text = art.full_text
        events = []
        for m in STUB_SENTENCE.finditer(text):
            a, verb, b, day, place = m.groups()
            if a not in STUB_ACTORS or b not in STUB_ACTORS or verb not in STUB_VERBS:
                continue
            code = ontology.describe(STUB_VERBS[verb])
            src = ActorRef(a, a, *STUB_ACTORS[a])
            tgt = ActorRef(b, b, *STUB_ACTORS[b])
            loc = (Location(place, *STUB_PLACES[place], precision="city")
                   if place in STUB_PLACES else None)
            events.append(Event(
                event_id=stable_id(aid, m.start(), m.end(), code.code), article_id=aid,
                evidence=Evidence(m.group(0), m.start(), m.end()), source=src, target=tgt,
                cameo=code.code, cameo_root=code.root, cameo_name=code.name,
                plover=Plover(code.plover_type, code.plover_mode), quad_class=code.quad_class,
                goldstein=code.goldstein, date=day, date_precision="day", date_text=day,
                location=loc, killed=len(text) % 7 if code.root == "19" else None))
        out.append(ArticleResult(id=art.id, article_id=aid, actors=[], events=events,
                                 quotes=[]))
    return out
