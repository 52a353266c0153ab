"""The records every Flashpoint interface shares: articles, actors, events, quotes.

Field names follow the record contract of the design document exactly; the CLI,
the store, the REST API and the exports all read and write these shapes through
``to_dict``/``from_dict``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Self

SECTORS = frozenset(
    {"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "PTY", "OPP", "REB", "UAF", "CVL",
     "MED", "BUS", "NGO", "REL", "LAB", "EDU", "IGO"}
)
DATE_PRECISIONS = ("day", "month", "year", "unknown")
MODALITIES = ("asserted", "threatened", "intended", "demanded")


def stable_id(*parts: object) -> str:
    """Return a short, stable hex id from the given parts (order matters)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def article_id_for(text: str) -> str:
    """The article id: sha256 of the whitespace-normalised text."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class _Record:
    """Shared (de)serialisation for the record dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class ActorRef(_Record):
    """One actor as it takes part in an event: resolved name and CAMEO-style code."""

    name: str
    text: str
    country: str | None
    sector: str | None
    org: str | None = None

    @property
    def code(self) -> str:
        """CAMEO-style actor code: country + sector (``USAGOV``, ``IGO`` + org)."""
        if self.country == "IGO":
            return "IGO" + (self.org or "")
        return (self.country or "") + (self.sector or "")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "country": self.country,
                "sector": self.sector, "code": self.code, "org": self.org}


@dataclass(frozen=True)
class Actor(_Record):
    """A canonical actor of one article with every way the article refers to it."""

    name: str
    country: str | None
    sector: str | None
    org: str | None = None
    aliases: list[str] = field(default_factory=list)
    role: str | None = None

    def ref(self, text: str) -> ActorRef:
        return ActorRef(self.name, text, self.country, self.sector, self.org)


@dataclass(frozen=True)
class Evidence(_Record):
    """The sentence (or part of it) that states an event, with character offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Plover(_Record):
    type: str | None
    mode: str | None = None


@dataclass(frozen=True)
class Location(_Record):
    name: str
    admin1: str | None
    country: str | None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: str = "city"


@dataclass(frozen=True)
class Attribution(_Record):
    """Who says an event happened, and through which channel."""

    name: str
    channel: str = "statement"


@dataclass(frozen=True)
class Event(_Record):
    event_id: str
    article_id: str
    evidence: Evidence
    source: ActorRef | None
    target: ActorRef | None
    cameo: str
    cameo_root: str
    cameo_name: str
    plover: Plover
    quad_class: int
    goldstein: float
    date: str | None
    date_precision: str
    date_text: str | None
    location: Location | None = None
    killed: int | None = None
    injured: int | None = None
    negated: bool = False
    modality: str = "asserted"
    attribution: Attribution | None = None
    confidence: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["source"] = self.source.to_dict() if self.source else None
        out["target"] = self.target.to_dict() if self.target else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        def actor(d: dict[str, Any] | None) -> ActorRef | None:
            return ActorRef.from_dict(d) if d else None

        def part(kind: type, d: dict[str, Any] | None) -> Any:
            return kind.from_dict(d) if d else None

        return cls(
            **{k: v for k, v in data.items() if k in {f.name for f in fields(cls)}
               and k not in {"evidence", "source", "target", "plover", "location",
                             "attribution"}},
            evidence=Evidence.from_dict(data["evidence"]),
            source=actor(data.get("source")),
            target=actor(data.get("target")),
            plover=Plover.from_dict(data.get("plover") or {"type": None}),
            location=part(Location, data.get("location")),
            attribution=part(Attribution, data.get("attribution")),
        )


@dataclass(frozen=True)
class Quote(_Record):
    quote_id: str
    article_id: str
    speaker: ActorRef | None
    text: str
    start: int
    end: int
    direct: bool = True
    channel: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["speaker"] = self.speaker.to_dict() if self.speaker else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        speaker = data.get("speaker")
        rest = {k: v for k, v in data.items() if k != "speaker"}
        return cls(**{k: v for k, v in rest.items() if k in {f.name for f in fields(cls)}},
                   speaker=ActorRef.from_dict(speaker) if speaker else None)


@dataclass(frozen=True)
class Article(_Record):
    """One input article. ``text`` is the body; the title is coded too."""

    text: str
    title: str = ""
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    id: str | None = None
    language: str | None = None
    dateline: str | None = None

    @property
    def article_id(self) -> str:
        return article_id_for(self.full_text)

    @property
    def full_text(self) -> str:
        """Title and body as one document; offsets in records refer to this string."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    @property
    def published_date(self) -> date | None:
        return date.fromisoformat(self.published) if self.published else None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["article_id"] = self.article_id
        return out


@dataclass(frozen=True)
class ArticleResult(_Record):
    """Everything extracted from one article."""

    id: str | None
    article_id: str
    actors: list[Actor]
    events: list[Event]
    quotes: list[Quote]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "article_id": self.article_id,
                "actors": [a.to_dict() for a in self.actors],
                "events": [e.to_dict() for e in self.events],
                "quotes": [q.to_dict() for q in self.quotes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleResult:
        return cls(id=data.get("id"), article_id=data["article_id"],
                   actors=[Actor.from_dict(a) for a in data.get("actors", [])],
                   events=[Event.from_dict(e) for e in data.get("events", [])],
                   quotes=[Quote.from_dict(q) for q in data.get("quotes", [])])
