"""Throughput of Flashpoint's extraction compared with spaCy's own parsing.

Builds a deterministic corpus of N articles from the demo corpus
(``src/flashpoint/demo/corpus.jsonl``), loads the model once, warms up, then
times, over the same texts and in the same process:

* ``spacy``: ``nlp.pipe(texts, batch_size=16)``, the parse alone;
* ``extract``: ``flashpoint.extract.extract_many(articles)``, the whole
  extraction (parse + actors, events, dates, places, casualties, quotes).

Each is run ``--rounds`` times in alternating order and the best time of each is
kept. The ratio extraction/spaCy says how many times longer the full extraction
takes than parsing alone. Peak memory is the process's maximum resident set size.

Usage::

    python benchmarks/bench_extract.py              # 200 articles, table
    python benchmarks/bench_extract.py --n 1000 --json
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import platform
import random
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = ROOT / "src" / "flashpoint" / "demo" / "corpus.jsonl"
WARMUP_ARTICLES = 8
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Variant:
    """How one copy of a base article differs from it."""

    rotation: int  # paragraphs after the lead are rotated left by this much
    day_shift: int  # publication date moves forward this many days
    reverse: bool  # paragraphs after the lead are reversed before rotating


def _shift_weekdays(text: str, shift: int) -> str:
    """Move every weekday name ``shift`` days on, so the text still agrees with
    a publication date moved by the same number of days."""
    if shift % 7 == 0:
        return text
    return _WEEKDAY_RE.sub(lambda m: WEEKDAYS[(WEEKDAYS.index(m[1]) + shift) % 7], text)


def _variants(base_id: str, n_paragraphs: int, seed: int) -> list[Variant]:
    """Every distinct variant of one article, in a seeded order (the original first)."""
    rng = random.Random(f"{seed}:{base_id}")
    rest = max(n_paragraphs - 1, 1)
    combos = [(r, s) for r in range(rest) for s in range(7) if (r, s) != (0, 0)]
    rng.shuffle(combos)
    weeks = [rng.randrange(0, 8) for _ in combos]
    out = [Variant(0, 0, False)]
    out += [Variant(r, s + 7 * w, False) for (r, s), w in zip(combos, weeks, strict=True)]
    out += [Variant(r, s + 7 * w, True) for (r, s), w in zip(combos, weeks, strict=True)]
    return out


def _apply(record: dict[str, Any], variant: Variant) -> dict[str, Any]:
    paragraphs = record["text"].split("\n")
    lead, rest = paragraphs[:1], paragraphs[1:]
    if variant.reverse:
        rest = rest[::-1]
    if rest:
        k = variant.rotation % len(rest)
        rest = rest[k:] + rest[:k]
    text = _shift_weekdays("\n".join(lead + rest), variant.day_shift)
    published = record.get("published")
    if published and variant.day_shift:
        published = (date.fromisoformat(published) + timedelta(days=variant.day_shift)).isoformat()
    return {**record, "text": text, "published": published}


def load_base(path: Path) -> list[dict[str, Any]]:
    """Read the example articles (one JSON object per line)."""
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    if not records:
        raise SystemExit(f"{path}: no articles found")
    return records


def build_corpus(base: Sequence[dict[str, Any]], n: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """Return ``n`` article records cycling through ``base``, each copy varied.

    The first pass over ``base`` is unchanged; copy ``k`` of an article rotates
    (and, after all rotations are used, reverses) its paragraphs after the lead,
    and moves its publication date and weekday names forward together. The
    result depends only on ``base``, ``n`` and ``seed``.
    """
    plans = {rec["id"]: _variants(rec["id"], rec["text"].count("\n") + 1, seed) for rec in base}
    corpus: list[dict[str, Any]] = []
    for i in range(n):
        rec = base[i % len(base)]
        copy = i // len(base)
        plan = plans[rec["id"]]
        varied = _apply(rec, plan[copy % len(plan)])
        varied["id"] = rec["id"] if copy == 0 else f"{rec['id']}~{copy}"
        corpus.append(varied)
    return corpus


# --------------------------------------------------------------------------- measuring


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)


@dataclass
class ExtractCounts:
    results: int = 0
    bad_inputs: int = 0
    events: int = 0
    quotes: int = 0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def foreign_pipes(nlp: Any) -> list[str]:
    """Names of enabled components that are not part of the packaged model.

    The spaCy baseline runs with these disabled, so it times the model's own
    parse only, even if Flashpoint adds components to the shared pipeline. The
    model's components are read from its ``meta.json``; without one, anything
    not implemented in spaCy counts as foreign.
    """
    meta_path = Path(nlp.path) / "meta.json" if getattr(nlp, "path", None) else None
    if meta_path is not None and meta_path.is_file():
        own = set(json.loads(meta_path.read_text(encoding="utf-8")).get("pipeline", []))
        return [name for name in nlp.pipe_names if name not in own]
    return [
        name
        for name, pipe in nlp.pipeline
        if not getattr(pipe, "__module__", type(pipe).__module__).startswith("spacy")
    ]


def run_spacy(nlp: Any, texts: Sequence[str], batch_size: int) -> int:
    """Parse every text with spaCy's own components only; return how many docs came out."""
    count = 0
    with nlp.select_pipes(disable=foreign_pipes(nlp)):
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            count += 1
    return count


def run_extract(
    extract_many: Callable[[Iterable[Any]], Iterable[Any]], articles: Sequence[Any], bad_input: type
) -> ExtractCounts:
    """Run the full extraction over every article and count what came out."""
    counts = ExtractCounts()
    for item in extract_many(articles):
        if isinstance(item, bad_input):
            counts.bad_inputs += 1
            continue
        counts.results += 1
        counts.events += len(item.events)
        counts.quotes += len(item.quotes)
    return counts


def _import_flashpoint() -> tuple[Any, Any, Any, Any]:
    """Import the pieces of Flashpoint the benchmark uses (from ``src/`` if not installed)."""
    try:
        importlib.import_module("flashpoint")
    except ImportError:
        sys.path.insert(0, str(ROOT / "src"))
    nlp_mod = importlib.import_module("flashpoint.nlp")
    model = importlib.import_module("flashpoint.model")
    errors = importlib.import_module("flashpoint.errors")
    extract = importlib.import_module("flashpoint.extract")
    extract_many = getattr(extract, "extract_many", None)
    if extract_many is None:
        raise SystemExit(
            "flashpoint.extract.extract_many is not available in this checkout; "
            "the benchmark needs it to time the full extraction"
        )
    return nlp_mod, model.Article, errors.BadInput, extract_many


def benchmark(
    n: int = 200,
    *,
    rounds: int = 2,
    batch_size: int = 16,
    seed: int = 0,
    articles_path: Path = DEFAULT_ARTICLES,
) -> dict[str, Any]:
    """Run the benchmark and return its numbers as a dict (see ``--json``)."""
    if n < 1 or rounds < 1 or batch_size < 1:
        raise SystemExit("--n, --rounds and --batch-size must be positive")
    nlp_mod, article_cls, bad_input, extract_many = _import_flashpoint()

    corpus = build_corpus(load_base(articles_path), n, seed=seed)
    articles = [
        article_cls(
            text=r["text"],
            title=r.get("title", ""),
            published=r.get("published"),
            id=r["id"],
            outlet=r.get("outlet"),
        )
        for r in corpus
    ]
    texts = [a.full_text for a in articles]
    chars = sum(len(t) for t in texts)

    load_seconds, nlp = _timed(nlp_mod.load)
    rss_after_load = peak_rss_mb()

    warm = articles[:WARMUP_ARTICLES]
    run_spacy(nlp, [a.full_text for a in warm], batch_size)
    run_extract(extract_many, warm, bad_input)
    rss_after_warmup = peak_rss_mb()
    # After the warm-up, so components Flashpoint adds on first use are known.
    skipped = foreign_pipes(nlp)

    spacy_t, extract_t = Timing("spacy"), Timing("extract")
    counts = ExtractCounts()
    for r in range(rounds):
        # Alternate the order so neither side always runs on a warmer (or more
        # fragmented) process.
        order = ("extract", "spacy") if r % 2 == 0 else ("spacy", "extract")
        for which in order:
            if which == "spacy":
                seconds, parsed = _timed(lambda: run_spacy(nlp, texts, batch_size))
                assert parsed == len(texts)
                spacy_t.seconds.append(seconds)
            else:
                seconds, counts = _timed(lambda: run_extract(extract_many, articles, bad_input))
                extract_t.seconds.append(seconds)

    def side(t: Timing) -> dict[str, Any]:
        return {
            "seconds": round(t.best, 4),
            "articles_per_s": round(n / t.best, 2),
            "chars_per_s": round(chars / t.best),
            "all_seconds": [round(s, 4) for s in t.seconds],
        }

    meta = nlp.meta
    return {
        "articles": n,
        "unique_texts": len(set(texts)),
        "chars": chars,
        "batch_size": batch_size,
        "rounds": rounds,
        "seed": seed,
        "model": f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')}",
        "spacy_version": importlib.import_module("spacy").__version__,
        "python": platform.python_version(),
        "load_seconds": round(load_seconds, 3),
        "spacy": {
            **side(spacy_t),
            "pipes": [p for p in nlp.pipe_names if p not in skipped],
            "skipped_pipes": skipped,
        },
        "extract": {
            **side(extract_t),
            "results": counts.results,
            "bad_inputs": counts.bad_inputs,
            "events": counts.events,
            "quotes": counts.quotes,
        },
        "ratio_extract_to_spacy": round(extract_t.best / spacy_t.best, 3),
        "peak_rss_mb": {
            "after_load": round(rss_after_load, 1),
            "after_warmup": round(rss_after_warmup, 1),
            "end": round(peak_rss_mb(), 1),
        },
    }


def render_table(res: dict[str, Any]) -> str:
    """The benchmark result as a small plain-text table."""
    sp, ex = res["spacy"], res["extract"]
    rows = [
        ("", "seconds", "articles/s", "chars/s"),
        *(
            (label, f"{r['seconds']:.3f}", f"{r['articles_per_s']:.1f}", f"{r['chars_per_s']:,}")
            for label, r in (("spaCy nlp.pipe", sp), ("Flashpoint extract_many", ex))
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    rss = res["peak_rss_mb"]
    lines += [
        "",
        f"ratio extraction/spaCy: {res['ratio_extract_to_spacy']:.2f}x "
        f"(best of {res['rounds']} alternating rounds)",
        f"peak memory: {rss['end']:.0f} MB (after model load {rss['after_load']:.0f} MB, "
        f"after warm-up {rss['after_warmup']:.0f} MB)",
        f"corpus: {res['articles']} articles ({res['unique_texts']} distinct texts, "
        f"{res['chars']:,} chars), batch size {res['batch_size']}, seed {res['seed']}",
        f"output: {ex['results']} results, {ex['bad_inputs']} refused, "
        f"{ex['events']} events, {ex['quotes']} quotes",
        f"model: {res['model']} on spaCy {res['spacy_version']}, Python {res['python']}, "
        f"loaded in {res['load_seconds']:.2f} s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time Flashpoint's extraction against spaCy's own parsing of the same texts."
    )
    parser.add_argument("--n", type=int, default=200, help="number of articles (default: 200)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="alternating timing rounds; the best of each is kept (default: 2)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=16, help="batch size for nlp.pipe (default: 16)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus variation")
    parser.add_argument(
        "--articles",
        type=Path,
        default=DEFAULT_ARTICLES,
        help="JSONL of base articles (default: the demo corpus, src/flashpoint/demo/corpus.jsonl)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    res = benchmark(
        args.n,
        rounds=args.rounds,
        batch_size=args.batch_size,
        seed=args.seed,
        articles_path=args.articles,
    )
    print(json.dumps(res, indent=2) if args.json else render_table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
