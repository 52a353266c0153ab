"""The trigger lexicon: words that state actions, and how their CAMEO code is chosen.

The lexicon is data (``triggers.yaml``); this module loads it once and answers
three questions: which senses a word has, which sub-code a class takes for the
topic of a complement, and which violence code a weapon and an actor give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Sense:
    """One reading of a trigger word."""

    code: str  # a CAMEO code, or a class name ("appeal", "violence", …)
    cue: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None
    light: re.Pattern[str] | None = None  # nouns: light verbs that may carry it
    verbal: bool = False
    reciprocal: bool = False
    target_in_complement: bool = False
    topic_required: bool = False
    light_only: bool = False
    victims: bool = False
    weapon: str | None = None
    future: bool = False  # only said of what is yet to come ('will respond')
    plural: bool = False  # only with several subjects ('A and B talked')

    @property
    def is_class(self) -> bool:
        return not self.code.isdigit()

    def applies(self, complement: str) -> bool:
        if self.cue is not None and not self.cue.search(complement):
            return False
        return not (self.exclude is not None and self.exclude.search(complement))


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Sense, ...]]
    nouns: dict[str, tuple[Sense, ...]]
    light_verbs: frozenset[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]
    classes: dict[str, dict[str, str]]
    weapons: tuple[tuple[str, re.Pattern[str]], ...]
    violence: dict[str, dict[str, str]]
    words: dict[str, frozenset[str]]

    def topic(self, complement: str) -> str | None:
        """The first topic whose cue the complement matches."""
        for name, cue in self.topics:
            if cue.search(complement):
                return name
        return None

    def class_code(self, cls: str, topic: str | None) -> str:
        table = self.classes[cls]
        return table.get(topic or "default", table["default"])

    def weapon(self, text: str) -> str | None:
        for name, cue in self.weapons:
            if cue.search(text):
                return name
        return None

    def violence_code(self, weapon: str | None, *, state: bool) -> str:
        table = self.violence["state" if state else "nonstate"]
        return table.get(weapon or "default", table["default"])


def _pattern(text: str | None) -> re.Pattern[str] | None:
    return re.compile(text) if text else None


def _senses(rows: list[dict[str, Any]]) -> tuple[Sense, ...]:
    return tuple(
        Sense(code=str(r["code"]), cue=_pattern(r.get("cue")), exclude=_pattern(r.get("not")),
              light=_pattern(r.get("light")), verbal=bool(r.get("verbal")),
              reciprocal=bool(r.get("reciprocal")),
              target_in_complement=bool(r.get("target_in_complement")),
              topic_required=bool(r.get("topic_required")), light_only=bool(r.get("light_only")),
              victims=bool(r.get("victims")), weapon=r.get("weapon"),
              future=bool(r.get("future")), plural=bool(r.get("plural")))
        for r in rows
    )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the trigger lexicon shipped with the package (once per process)."""
    raw = yaml.safe_load(resources.files("flashpoint.ontology").joinpath("triggers.yaml")
                         .read_text(encoding="utf-8"))
    return Lexicon(
        verbs={k: _senses(v) for k, v in raw["verbs"].items()},
        nouns={k: _senses(v) for k, v in raw["nouns"].items()},
        light_verbs=frozenset(raw["light_verbs"]),
        topics=tuple((t["name"], re.compile(t["cue"])) for t in raw["topics"]),
        classes=raw["classes"],
        weapons=tuple((w["name"], re.compile(w["cue"])) for w in raw["violence"]["weapons"]),
        violence={k: raw["violence"][k] for k in ("state", "nonstate")},
        words={k: frozenset(v) for k, v in raw["words"].items()},
    )


WORDS = lexicon().words
