"""The ``flashpoint`` command: thin wrappers that parse options, call the library, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flashpoint.errors import BadInput, FlashpointError
from flashpoint.model import ArticleResult

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news articles into coded event data.")
err_console = Console(stderr=True)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _report(err: BadInput | FlashpointError) -> None:
    err_console.print(f"[bold red]flashpoint:[/] {err}", highlight=False, markup=True)


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="A text file, a .jsonl of articles, or - for stdin.")],
    published: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] =
        OutputFormat.table,
) -> None:
    """Extract actors, events and quotes from articles.

    Example: flashpoint extract examples/articles/01_pahalgam_attack.txt --published 2025-04-23
    """
    from flashpoint.extract import extract_many
    from flashpoint.ingest import read_articles

    done = failed = 0
    for item in extract_many(read_articles(path, published=published)):
        if isinstance(item, BadInput):
            _report(item)
            failed += 1
            continue
        done += 1
        _print_result(item, format)
    if done == 0:
        raise typer.Exit(1 if failed else 0)


def _print_result(result: ArticleResult, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.jsonl:
        for event in result.events:
            sys.stdout.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    else:
        Console().print(_events_table(result))


def _events_table(result: ArticleResult) -> Table:
    table = Table(title=f"{result.id or result.article_id[:12]}: {len(result.events)} events, "
                  f"{len(result.quotes)} quotes", show_lines=False, expand=True)
    for column in ("date", "source", "action", "target", "where", "killed", "evidence"):
        table.add_column(column, overflow="fold")
    for e in result.events:
        action = f"{e.cameo} {e.cameo_name}" + (" [red](negated)[/]" if e.negated else "")
        table.add_row(e.date or "?", _actor(e.source), action, _actor(e.target),
                      e.location.name if e.location else "",
                      "" if e.killed is None else str(e.killed), e.evidence.text[:120])
    return table


def _actor(ref: object) -> str:
    if ref is None:
        return ""
    name, code = getattr(ref, "name", ""), getattr(ref, "code", "")
    return f"{name} ({code})" if code else name


@app.command("eval")
def evaluate_cli(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines file (ANNOTATION.md format).")],
    results: Annotated[Path | None, typer.Option(
        help="Score saved output of `extract --format json` instead of extracting.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score extraction against a gold file (event F1, codes, dates, places, quotes…).

    Example: flashpoint eval ../shared/gold/dev.jsonl
    """
    from flashpoint.eval import evaluate, format_report, read_jsonl

    try:
        gold_records = list(read_jsonl(gold))
        predicted = list(read_jsonl(results)) if results else list(_predict(gold_records))
    except BadInput as err:
        _report(err)
        raise typer.Exit(2) from None
    report = evaluate(gold_records, predicted)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")


def _predict(gold_records: Iterable[dict]) -> Iterable[dict]:
    from flashpoint.extract import extract_many
    from flashpoint.ingest import article_from_record

    def articles():  # type: ignore[no-untyped-def]
        for n, record in enumerate(gold_records, start=1):
            try:
                yield article_from_record(record, "gold", line=n)
            except BadInput as err:
                yield err

    for item in extract_many(articles()):
        if isinstance(item, BadInput):
            _report(item)
            continue
        yield item.to_dict()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
