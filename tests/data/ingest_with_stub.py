"""Ingest with a deterministic stand-in for extraction (no spaCy): for crash tests.

Usage: python ingest_with_stub.py DB BATCH_SIZE INPUT...

Each sentence "<A> <verb> <B> on <YYYY-MM-DD> in <place>." of an article becomes one
event, coded from small tables, so the store, deduplication and merging run exactly
as in a real ingest while the extraction stays fixed and fast.
"""

from __future__ import annotations

import re
import sys

from flashpoint import ontology
from flashpoint.model import (
    ActorRef,
    Article,
    ArticleResult,
    Event,
    Evidence,
    Location,
    Plover,
    stable_id,
)
from flashpoint.pipeline import ingest

ACTORS = {"India": ("IND", "GOV"), "Pakistan": ("PAK", "GOV"), "Washington": ("USA", "GOV"),
          "Beijing": ("CHN", "GOV"), "Army": ("IND", "MIL"), "Rebels": ("PAK", "REB")}
VERBS = {"met": "040", "called": "041", "shelled": "194", "attacked": "190",
         "urged": "0256", "accused": "112"}
PLACES = {"Srinagar": ("Jammu and Kashmir", "IND"), "Lahore": ("Punjab", "PAK"),
          "Delhi": ("Delhi", "IND")}
SENTENCE = re.compile(r"(\w+) (\w+) (\w+) on (\d{4}-\d\d-\d\d)(?: in (\w+))?\.")


def stub_extract(articles: list[Article]) -> list[ArticleResult]:
    out = []
    for art in articles:
        aid = art.article_id
        text = art.full_text
        events = []
        for m in SENTENCE.finditer(text):
            a, verb, b, day, place = m.groups()
            if a not in ACTORS or b not in ACTORS or verb not in VERBS:
                continue
            code = ontology.describe(VERBS[verb])
            src = ActorRef(a, a, *ACTORS[a])
            tgt = ActorRef(b, b, *ACTORS[b])
            loc = Location(place, *PLACES[place], precision="city") if place in PLACES else None
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


if __name__ == "__main__":
    db, batch_size, *inputs = sys.argv[1:]
    print("start", flush=True)
    report = ingest(inputs, db=db, batch_size=int(batch_size), extractor=stub_extract)
    print(report.ingested, report.exists, len(report.duplicates), len(report.skipped))
