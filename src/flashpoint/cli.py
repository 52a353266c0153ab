"""The ``flashpoint`` command: thin wrappers that parse options, call the library, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flashpoint.errors import BadInput, FlashpointError
from flashpoint.model import ArticleResult

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news articles into coded event data.")
err_console = Console(stderr=True, soft_wrap=True)  # one line per message, never wrapped


class OutputFormat(StrEnum):
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
                  f"{len(result.quotes)} quotes", show_lines=True, expand=True)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("source → target", ratio=2)
    table.add_column("action", ratio=2)
    table.add_column("where", ratio=1)
    table.add_column("killed", justify="right")
    table.add_column("evidence", ratio=3)
    for e in result.events:
        action = f"{e.cameo} {e.cameo_name}" + (" [red](negated)[/]" if e.negated else "")
        table.add_row(e.date or "?", f"{_actor(e.source)} → {_actor(e.target) or '—'}", action,
                      e.location.name if e.location else "",
                      "" if e.killed is None else str(e.killed), _clip(e.evidence.text, 110))
    return table


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


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


# --------------------------------------------------------------------------- corpus commands

DbOption = Annotated[str, typer.Option("--db", help="The store (a DuckDB file).")]
ActorOption = Annotated[str | None, typer.Option(
    help="Actor code prefix (USAGOV, IND) or part of a name (Rubio), either side.")]
CountryOption = Annotated[str | None, typer.Option(help="ISO3 country on either side.")]
DyadOption = Annotated[str | None, typer.Option(
    help="Two countries or actor codes, e.g. IND:PAK (either direction unless --directed).")]
DirectedOption = Annotated[bool, typer.Option(help="With --dyad: first to second only.")]
CodeOption = Annotated[str | None, typer.Option(help="CAMEO code prefix, e.g. 19 or 0256.")]
RootOption = Annotated[str | None, typer.Option(help="Two-digit CAMEO root.")]
QuadOption = Annotated[int | None, typer.Option(
    "--quad", min=1, max=4, help="Quad class: 1 verbal coop., 2 material coop., "
    "3 verbal conflict, 4 material conflict.")]
SinceOption = Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")]
PlaceOption = Annotated[str | None, typer.Option(
    help="Part of a place or admin1 name, or an ISO3 country.")]
NegatedOption = Annotated[bool | None, typer.Option(
    "--negated/--asserted", help="Only negated, or only asserted, events (default: both).",
    show_default=False)]
MinArticlesOption = Annotated[int | None, typer.Option(
    help="Only events reported by at least this many articles.")]


def _filter(actor: str | None, country: str | None, dyad: str | None, directed: bool,
            code: str | None, root: str | None, quad: int | None, since: str | None,
            until: str | None, place: str | None, negated: bool | None,
            min_articles: int | None) -> object:
    from flashpoint.ingest import parse_published
    from flashpoint.store import EventFilter

    pair = None
    if dyad:
        parts = [p for p in dyad.replace(",", ":").replace("-", ":").split(":") if p]
        if len(parts) != 2:
            raise typer.BadParameter(f"{dyad!r}: give two sides, e.g. IND:PAK", param_hint="--dyad")
        pair = (parts[0], parts[1])
    try:
        since = parse_published(since, "--since")
        until = parse_published(until, "--until")
    except BadInput as err:
        raise typer.BadParameter(err.reason, param_hint=err.source) from None
    return EventFilter(actor=actor, country=country, dyad=pair, directed=directed, code=code,
                       root=root, quad_class=quad, since=since, until=until, place=place,
                       negated=negated, min_articles=min_articles)


def _open_store(db: str, *, read_only: bool = True):  # type: ignore[no-untyped-def]
    from flashpoint.store import Store, StoreError

    if read_only and db != ":memory:" and not Path(db).exists():
        _report(FlashpointError(f"{db}: no store here; run `flashpoint ingest … --db {db}` "
                                "first"))
        raise typer.Exit(2)
    try:
        return Store(db, read_only=read_only)
    except StoreError as err:
        _report(err)
        raise typer.Exit(2) from None


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders (read recursively), URLs or RSS/Atom feeds; - for stdin.",
        show_default=False)],
    db: DbOption = "flashpoint.duckdb",
    published: Annotated[str | None, typer.Option(
        help="Publication date (YYYY-MM-DD) for articles that carry none.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Extraction processes.")] = 1,
    dask: Annotated[str | None, typer.Option(
        help="'local' for a Dask LocalCluster of --workers processes (one per CPU when "
        "--workers is not given), or a scheduler address such as tcp://scheduler:8786.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per transaction.")] = 512,
    text_field: Annotated[str, typer.Option(help="JSON/CSV field of the body text.")] = "text",
    title_field: Annotated[str, typer.Option(help="JSON/CSV field of the title.")] = "title",
    date_field: Annotated[str, typer.Option(
        help="JSON/CSV field of the publication date.")] = "published",
    url_field: Annotated[str, typer.Option(help="JSON/CSV field of the URL.")] = "url",
    outlet_field: Annotated[str, typer.Option(help="JSON/CSV field of the outlet.")] = "outlet",
    id_field: Annotated[str, typer.Option(help="JSON/CSV field of the article id.")] = "id",
    threshold: Annotated[float, typer.Option(
        min=0.1, max=1.0, help="MinHash similarity from which an article is a near copy.")
    ] = 0.8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest articles into the store: extract, deduplicate, merge into events.

    Re-ingesting adds nothing; exact and near copies are linked, not counted twice;
    bad inputs are reported by name and the rest go on.

    Example: flashpoint ingest examples/articles/ https://example.org/feed.xml --workers 2
    """
    import logging

    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    from flashpoint.ingest.sources import FieldMap
    from flashpoint.pipeline import Outcome
    from flashpoint.pipeline import ingest as run_ingest
    from flashpoint.store import StoreError

    for noisy in ("trafilatura", "htmldate", "courlan", "distributed", "httpx"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    class Rate(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            elapsed = task.elapsed or 0.0
            rate = task.completed / elapsed if elapsed > 0 else 0.0
            return Text(f"{rate:.1f} articles/s", style="progress.data.speed")

    fields = FieldMap(text=text_field, title=title_field, published=date_field,
                      url=url_field, outlet=outlet_field, id=id_field)
    progress = Progress(SpinnerColumn(), TextColumn("ingesting"), BarColumn(),
                        TextColumn("{task.completed} inputs"), Rate(), TimeElapsedColumn(),
                        console=err_console, disable=quiet, transient=False)
    task = progress.add_task("ingest", total=None)

    def on_outcome(outcome: Outcome) -> None:
        progress.advance(task)
        if outcome.status == "skipped":
            progress.console.print(f"[yellow]skipped[/] {outcome.origin}: {outcome.detail}",
                                   highlight=False, markup=True, soft_wrap=True)
        elif outcome.status == "duplicate":
            progress.console.print(f"[cyan]duplicate[/] {outcome.origin}: {outcome.detail}",
                                   highlight=False, markup=True, soft_wrap=True)

    try:
        with progress:
            report = run_ingest(inputs, db=db, published=published, workers=workers,
                                dask=dask, fields=fields, batch_size=batch_size,
                                threshold=threshold, progress=on_outcome)
    except (StoreError, FlashpointError) as err:
        _report(err)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        rate = report.processed / report.seconds if report.seconds else 0.0
        lines = [
            f"ingested {report.ingested} articles ({report.reports} reports: "
            f"{report.new_events} new events, {report.merged_reports} merged into events)",
            f"already in the store: {report.exists}",
            f"duplicates: {len(report.duplicates)}",
            f"skipped: {len(report.skipped)}",
        ]
        lines += [f"  {n:>5}  {reason}" for reason, n in report.reasons().items()]
        lines.append(f"{report.processed} inputs in {report.seconds:.1f} s "
                     f"({rate:.1f}/s) into {db}")
        sys.stdout.write("\n".join(lines) + "\n")
    if report.ingested == 0 and report.exists == 0 and not report.duplicates and report.skipped:
        raise typer.Exit(1)


class EventsFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


_TABLE_COLUMNS = ("global_id", "day", "source_code", "cameo", "target_code", "location_name",
                  "killed", "num_articles", "num_sources", "evidence_text")


@app.command()
def events(
    db: DbOption = "flashpoint.duckdb",
    actor: ActorOption = None, country: CountryOption = None, dyad: DyadOption = None,
    directed: DirectedOption = False, code: CodeOption = None, root: RootOption = None,
    quad: QuadOption = None, since: SinceOption = None, until: UntilOption = None,
    place: PlaceOption = None, negated: NegatedOption = None,
    min_articles: MinArticlesOption = None,
    located: Annotated[bool | None, typer.Option(
        "--located/--unlocated", help="Only events with coordinates (the ones a map shows), "
        "or only events without (default: both).", show_default=False)] = None,
    limit: Annotated[int, typer.Option(help="Rows per page (0: all).")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
    evidence: Annotated[str | None, typer.Option(
        help="Show every report (evidence) of one event, by canonical_id.")] = None,
    format: Annotated[EventsFormat, typer.Option("--format", "-f", help="Output format.")] =
        EventsFormat.table,
) -> None:
    """Query canonical events (one per happening), newest first.

    Example: flashpoint events --dyad IND:PAK --root 19 --since 2025-05-01 --format csv
    """
    from dataclasses import replace

    flt = _filter(actor, country, dyad, directed, code, root, quad, since, until, place,
                  negated, min_articles)
    flt = replace(flt, located=located)  # type: ignore[type-var]
    store = _open_store(db)
    try:
        if evidence:
            df = store.evidence(evidence)
        else:
            df = store.events(flt, limit=limit or None, offset=offset)  # type: ignore[arg-type]
            total = store.count_events(flt)  # type: ignore[arg-type]
    finally:
        store.close()
    if format is EventsFormat.csv:
        df.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    elif format is EventsFormat.json:
        sys.stdout.write(df.to_json(orient="records", date_format="iso", force_ascii=False,
                                    indent=1) + "\n")
    elif format is EventsFormat.jsonl:
        if len(df):
            sys.stdout.write(df.to_json(orient="records", lines=True, date_format="iso",
                                        force_ascii=False).rstrip("\n") + "\n")
    else:
        title = (f"event {evidence}: {len(df)} reports" if evidence else
                 f"{len(df)} of {total} events" + (f" (from {offset + 1})" if offset else ""))
        table = Table(title=title, expand=True)
        columns = list(df.columns) if evidence else [c for c in _TABLE_COLUMNS if c in df]
        for column in columns:
            table.add_column(_HEADERS.get(column, column.replace("_", " ")), no_wrap=True,
                             overflow="ellipsis", min_width=4,
                             ratio=1 if column == "evidence_text" else None)
        for row in df[columns].itertuples(index=False):
            table.add_row(*(_cell(v) for v in row))
        Console().print(table)


_HEADERS = {"global_id": "id", "source_code": "source", "target_code": "target",
            "location_name": "place", "num_articles": "arts", "num_sources": "srcs",
            "evidence_text": "evidence"}


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    text = str(value)
    return text if len(text) <= 100 else text[:99] + "…"


class ExportSchema(StrEnum):
    native = "native"
    gdelt = "gdelt"
    plover = "plover"
    acled = "acled"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


class ExportLevel(StrEnum):
    events = "events"
    reports = "reports"


@app.command("export")
def export_cli(
    schema: Annotated[ExportSchema, typer.Option(help="Record schema to write.")],
    out: Annotated[Path, typer.Option(help="File to write.")],
    db: DbOption = "flashpoint.duckdb",
    format: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", help="csv, parquet or jsonl (default: the schema's own; GDELT is "
        "always tab-separated without a header).")] = None,
    level: Annotated[ExportLevel, typer.Option(
        help="native only: canonical events, or per-article reports.")] = ExportLevel.events,
    include_negated: Annotated[bool, typer.Option(
        help="Also export negated events in gdelt/plover/acled files.")] = False,
    actor: ActorOption = None, country: CountryOption = None, dyad: DyadOption = None,
    directed: DirectedOption = False, code: CodeOption = None, root: RootOption = None,
    quad: QuadOption = None, since: SinceOption = None, until: UntilOption = None,
    place: PlaceOption = None, negated: NegatedOption = None,
    min_articles: MinArticlesOption = None,
) -> None:
    """Export events as native records, GDELT 2.0, PLOVER JSONL or ACLED-style CSV.

    Example: flashpoint export --schema gdelt --out events.export.CSV --since 2025-05-01
    """
    from flashpoint.export import export as run_export

    flt = _filter(actor, country, dyad, directed, code, root, quad, since, until, place,
                  negated, min_articles)
    store = _open_store(db)
    try:
        n = run_export(store, schema.value, out, format=format.value if format else None,
                       filter=flt, level=level.value,  # type: ignore[arg-type]
                       include_negated=include_negated)
    except ValueError as err:
        _report(FlashpointError(str(err)))
        raise typer.Exit(2) from None
    finally:
        store.close()
    err_console.print(f"wrote {n} records to {out}", highlight=False)


_DYAD_INPUTS = {"a": "A", "b": "B", "since": "--from", "until": "--to"}


@app.command("dyad")
def dyad_cli(
    a: Annotated[str, typer.Argument(help="One side: ISO3 country (IND) or actor code (USAGOV).")],
    b: Annotated[str, typer.Argument(help="The other side, as A.")],
    since: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    directed: Annotated[bool, typer.Option(help="Only events from A to B.")] = False,
    weekly: Annotated[bool, typer.Option(
        help="List the series by ISO week instead of the days with events.")] = False,
    png: Annotated[Path | None, typer.Option(
        help="Write the chart (counts per quad class, escalation index, alerts) to this PNG.")
    ] = None,
    db: DbOption = "flashpoint.duckdb",
    halflife: Annotated[float | None, typer.Option(
        help="Days; half-life of the index smoothing (default 3).", show_default=False)] = None,
    window: Annotated[int | None, typer.Option(
        help="Days of recent range an alert compares with (default 28).", show_default=False)
    ] = None,
    threshold: Annotated[float | None, typer.Option(
        help="Alert above median + THRESHOLD x MAD of the range (default 3).",
        show_default=False)] = None,
    min_level: Annotated[float | None, typer.Option(
        help="No alert below this index level (default 5).", show_default=False)] = None,
    fatality_weight: Annotated[float | None, typer.Option(
        help="Weight of ln(1 + killed) in an event's intensity (default 1).",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Dyad series, escalation index, alerts, de-escalation signals and mediators.

    Example: flashpoint dyad IND PAK --from 2025-04-01 --png ind-pak.png
    """
    from flashpoint.analyze import DyadInputError, EscalationConfig, dyad_report, plot_dyad

    given = {"halflife": halflife, "window": window, "threshold": threshold,
             "min_level": min_level, "fatality_weight": fatality_weight}
    store = _open_store(db)
    try:
        config = EscalationConfig(**{k: v for k, v in given.items() if v is not None})
        report = dyad_report(store, a, b, since=since, until=until, directed=directed,
                             config=config)
    except DyadInputError as err:
        source = _DYAD_INPUTS.get(err.source, "--" + err.source.replace("_", "-"))
        _report(FlashpointError(f"{source}: {err.reason}"))
        raise typer.Exit(2) from None
    finally:
        store.close()
    if report.empty:
        span = f" from {since or 'the start'} to {until or 'the end'}" if since or until else ""
        _report(FlashpointError(
            f"no events between {report.a} and {report.b}{span} in {db}; check the sides "
            "(ISO3 countries such as IND, actor codes such as USAGOV) and the dates"))
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(report.summary(weekly=weekly, width=max(100, Console().width)))
    if png:
        try:
            plot_dyad(report, png)
        except DyadInputError as err:
            _report(err)
            raise typer.Exit(2) from None
        err_console.print(f"wrote the chart to {png}", highlight=False)


@app.command()
def serve(
    db: DbOption = "flashpoint.duckdb",
    host: Annotated[str, typer.Option(
        help="Address to bind. 127.0.0.1 keeps the server to this machine; use 0.0.0.0 "
        "only to open it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    token: Annotated[str | None, typer.Option(
        envvar="FLASHPOINT_TOKEN", show_default=False,
        help="Bearer token that POST /api/ingest needs (default: $FLASHPOINT_TOKEN, else a "
        "new one, printed at start-up).")] = None,
) -> None:
    """Serve the REST API (OpenAPI schema at /openapi.json) and the dashboard.

    Example: flashpoint serve --db flashpoint.duckdb --port 8000
    """
    from flashpoint import api
    from flashpoint.store import StoreError

    if not Path(db).is_file():
        _report(FlashpointError(f"{db}: no store here; run `flashpoint ingest … --db {db}` "
                                "first"))
        raise typer.Exit(2)
    try:
        api.run_server(db, host=host, port=port, token=token)
    except StoreError as err:
        _report(err)
        raise typer.Exit(2) from None


_DEMO_HOST = "127.0.0.1"


def _port_in_use(host: str, port: int) -> bool:
    """Whether another program listens on the port (checked before the build, not after)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


@app.command()
def demo(
    db: Annotated[Path, typer.Option(
        "--db", help="Demo store to build. An earlier demo store there is replaced; any other "
        "file is refused.")] = Path("flashpoint-demo.duckdb"),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port of the dashboard.")] =
        8000,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Do not open the dashboard in a browser.")] = False,
) -> None:
    """Build a store from the packaged demo corpus and open the dashboard on it.

    The corpus follows an invented India-Pakistan crisis, July to November 2025,
    and six other conflicts. The server listens on 127.0.0.1 only.

    Example: flashpoint demo --port 8001 --no-browser
    """
    from flashpoint.demo import build

    if _port_in_use(_DEMO_HOST, port):
        _report(FlashpointError(f"--port {port}: already in use on {_DEMO_HOST}; choose "
                                "another port, e.g. --port 8001"))
        raise typer.Exit(2)
    try:
        report = build(db)
    except FlashpointError as err:
        _report(err)
        raise typer.Exit(2) from None
    from flashpoint.api import run_server

    url = f"http://{_DEMO_HOST}:{port}/"
    err_console.print(f"demo store: {db} ({report.ingested} articles, {report.new_events} "
                      f"events)\ndashboard:  {url}  (Ctrl-C to stop)", highlight=False)
    run_server(db, host=_DEMO_HOST, port=port, token=None, open_browser=not no_browser)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
