"""Ingest with a deterministic stand-in for extraction (no spaCy): for crash tests.

Usage: python ingest_with_stub.py DB BATCH_SIZE INPUT...

Each sentence "<A> <verb> <B> on <YYYY-MM-DD> in <place>." of an article becomes one
event (``builders.stub_extract``), so the store, deduplication and merging run exactly
as in a real ingest while the extraction stays fixed and fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builders import stub_extract  # noqa: E402
from flashpoint.pipeline import ingest  # noqa: E402

if __name__ == "__main__":
    db, batch_size, *inputs = sys.argv[1:]
    print("start", flush=True)
    report = ingest(inputs, db=db, batch_size=int(batch_size), extractor=stub_extract)
    print(report.ingested, report.exists, len(report.duplicates), len(report.skipped))
