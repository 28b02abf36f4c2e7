"""The `vnsearch` command: parse arguments, call build/search, print text or JSON."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shlex
import socket
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from indexer.ingest.dates import to_iso
from indexer.ingest.decode import MAX_FILE_BYTES, decode
from indexer.ingest.errors import IngestError
from indexer.ingest.read import Extracted, Problem, read_articles
from indexer.query.language import QueryError
from indexer.query.opensearch import request
from indexer.query.search import FILTERS, SORTS, search
from indexer.store.build import (
    BuildReport,
    IndexUnavailable,
    add_text,
    check_index,
    counted,
    default_index_dir,
    index_exists,
    index_paths,
    open_index,
    remove_articles,
    shipped_corpus,
    watch,
)
from indexer.store.export import write_bulk
from indexer.store.manifest import indexed_roots, read_manifest
from indexer.store.stats import index_stats


class Fail(click.ClickException):
    """One line on stderr and exit status 2: what went wrong and what to do."""

    exit_code = 2


def index_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Index folder (default: $VNSEARCH_INDEX, else a folder in your user data directory).",
    )(command)


def quiet_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar or messages.")(command)


@click.group()
@click.version_option(package_name="vnsearch")
def cli() -> None:
    """Full-text search for Vietnamese news: marks optional, words segmented."""


@cli.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", "-n", default=10, show_default=True, help="Results per page.")
@click.option("--page", "-p", default=1, show_default=True, help="Page of results.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--filter",
    "-f",
    "filter_args",
    multiple=True,
    metavar="FIELD=VALUE",
    help=f"Only results with this value ({', '.join(FILTERS)}); repeat to combine.",
)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option(
    "--opensearch",
    is_flag=True,
    help="Print the query as an OpenSearch request body (for `vnsearch export`'s files); do not run it.",
)
@index_option
@quiet_option
def search_command(
    words: tuple[str, ...],
    limit: int,
    page: int,
    as_json: bool,
    filter_args: tuple[str, ...],
    sort: str,
    opensearch: bool,
    index_dir: Path | None,
    quiet: bool,
) -> None:
    """Search the index. WORDS may use "phrases", OR, -word, title:, source:, author:, date:.

    \b
    Examples:
      vnsearch search thanh uy hai phong
      vnsearch search '"xây dựng Đảng"' date:2023-06
      vnsearch search Mai --filter year=2023 --sort newest --json
    """
    ix = _open_or_build(index_dir, quiet)
    try:
        with ix.searcher() as searcher:
            if opensearch:
                filters = _parse_filters(filter_args)
                body = request(searcher, " ".join(words), filters, size=limit, page=page, sort=sort)
                click.echo(json.dumps(body, ensure_ascii=False, indent=1))
                return
            result = search(
                searcher,
                " ".join(words),
                page=page,
                per_page=limit,
                filters=_parse_filters(filter_args),
                sort=sort,
            )
    except QueryError as error:
        raise Fail(str(error)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_result(result)


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Read every file again and replace the index in one commit.")
@click.option("--strict", is_flag=True, help="Fail, and commit nothing, if any file gives a warning.")
@click.option(
    "--scheduler",
    envvar="VNSEARCH_SCHEDULER",
    metavar="ADDRESS",
    help="Read and segment the files on this Dask cluster (tcp://HOST:8786), whose workers "
    "write into the index folder: it must be on storage they all share. Needs vnsearch[cluster].",
)
@index_option
@quiet_option
def index_command(
    paths: tuple[Path, ...],
    rebuild: bool,
    strict: bool,
    scheduler: str | None,
    index_dir: Path | None,
    quiet: bool,
) -> None:
    """Bring the index up to date with PATHS: add new and changed articles, remove those
    whose files are gone from the folders. PATHS are files or folders (walked recursively) of
    .txt, .json, .jsonl, .html and .htm; by default, the folders already indexed (for a new
    index, the shipped corpus).

    With --rebuild, the new index is built beside the old one, which keeps answering queries
    until the new one replaces it at once.
    """
    report = _build(
        _index_dir(index_dir), quiet, list(paths), strict=strict, rebuild=rebuild, scheduler=scheduler or None
    )
    if not report.committed:
        raise click.ClickException(
            f"--strict: {counted(report.warnings, 'warning')}, so nothing was committed "
            f"({counted(report.indexed, 'article')} would have been indexed)"
        )
    if not (report.indexed or report.unchanged or report.duplicates or report.removed):
        raise click.ClickException("nothing was indexed")


@cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=Path))
@click.option(
    "--id", "article_id", help="Id of the article read from standard input (default: from its hash)."
)
@index_option
@quiet_option
def add_command(files: tuple[Path, ...], article_id: str | None, index_dir: Path | None, quiet: bool) -> None:
    """Add (or update) the articles in FILES; `-` reads one article (text or JSON) from
    standard input. Nothing else in the index changes."""
    index_dir = _index_dir(index_dir)
    if Path("-") in files:
        text = _standard_input()
        if article_id is not None and (not article_id.strip() or not article_id.isprintable()):
            # A name the shell passed with bytes that are not UTF-8 (lone surrogates), a
            # control character, or nothing: no index or page can hold it.
            raise Fail(f"--id {article_id!r} is not an id: use printable text")
        article_id = article_id or "stdin-" + hashlib.sha256(text.encode()).hexdigest()[:12]
        report = _report(lambda warn: add_text(text, index_dir, article_id, warn=warn), index_dir, quiet)
    else:
        missing = [str(file) for file in files if not file.exists()]
        if missing:
            raise Fail(f"no such file: {', '.join(missing)}")
        report = _build(index_dir, quiet, list(files), remove_missing=False)
    if not (report.indexed or report.unchanged):
        raise click.ClickException("nothing was added")


def _standard_input() -> str:
    """Standard input's text, decoded as a file's would be (UTF-8, UTF-16 with its BOM, or
    Vietnamese CP1258)."""
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if not data.strip():
        raise Fail("standard input is empty")
    if len(data) > MAX_FILE_BYTES:
        raise Fail(f"standard input is too large (the limit is {MAX_FILE_BYTES // 1_000_000} MB)")
    try:
        return decode(data)
    except IngestError as error:
        raise Fail(f"standard input: {error}") from None


@cli.command("remove")
@click.argument("ids", nargs=-1, required=True)
@index_option
def remove_command(ids: tuple[str, ...], index_dir: Path | None) -> None:
    """Remove articles by id."""
    try:
        unknown = remove_articles(ids, _index_dir(index_dir))
    except IndexUnavailable as error:
        raise Fail(str(error)) from None
    click.echo(f"Removed {counted(len(ids) - len(unknown), 'article')}.", err=True)
    if unknown:
        raise click.ClickException(f"not in the index: {', '.join(unknown)}")


@cli.command("watch")
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds between checks.",
)
@index_option
@quiet_option
def watch_command(folders: tuple[Path, ...], interval: float, index_dir: Path | None, quiet: bool) -> None:
    """Index articles in FOLDERS as they appear, change or go, until Ctrl-C."""
    index_dir = _index_dir(index_dir)
    if not quiet:
        click.echo(f"Watching {', '.join(map(str, folders))} (Ctrl-C to stop).", err=True)

    def report(result: BuildReport) -> None:
        if not quiet or result.warnings:
            click.echo(f"{datetime.now():%H:%M:%S} {result.summary()}.", err=True)

    try:
        watch(list(folders), index_dir, interval=interval, on_run=report, warn=_warn)
    except IndexUnavailable as error:
        raise Fail(str(error)) from None
    except KeyboardInterrupt:
        click.echo("Stopped; everything indexed so far is committed.", err=True)


@cli.command("check")
@index_option
def check_command(index_dir: Path | None) -> None:
    """Check the index against the files it was built from, and say what to do."""
    index_dir = _index_dir(index_dir)
    try:
        counts, changes, gone = check_index(index_dir)
    except IndexUnavailable as error:
        raise Fail(str(error)) from None
    click.echo(
        f"{counted(counts['articles'], 'article')} from {counted(counts['files'], 'file')} in "
        f"{counted(counts['folders'], 'folder')}: the index is readable."
    )
    if counts["skipped"]:
        click.echo(
            f"{counted(counts['skipped'], 'file')} gave no article when last read (unreadable, or copies of "
            "articles indexed): read again when they change."
        )
    for noun, after, paths in [
        ("new file", ", not indexed", changes.new),
        ("file", " changed since indexed", changes.changed),
        ("indexed file", " gone", changes.missing),
        ("indexed file", " in a folder that cannot be read now (its article is kept)", changes.unreachable),
        ("indexed folder", " gone", gone),
    ]:
        if paths:
            click.echo(
                f"{counted(len(paths), noun)}{after}: "
                + ", ".join(paths[:5])
                + (" …" if len(paths) > 5 else "")
            )
    if gone:
        click.echo(
            "To drop the articles of folders that are gone: vnsearch index --rebuild "
            + " ".join(sorted({str(p) for p in _existing_roots(index_dir)}))
        )
    if counts["unrecorded"]:
        click.echo(
            f"{counted(counts['unrecorded'], 'index file')} with no checksum recorded (the record is "
            "missing or damaged, or a run was cut short): damage inside them cannot be found until the "
            "next commit records them."
        )
    if changes.unreachable:
        click.echo("To read them again: give the folders read and search permission (chmod u+rx)")
    if changes.new or changes.changed or changes.missing or counts["unrecorded"]:
        # An index of articles from standard input alone has no folders for `index` to read.
        command = "vnsearch index" if counts["folders"] else "vnsearch index --rebuild"
        click.echo(f"To bring the index up to date: {command}")
    if changes or gone or counts["unrecorded"]:
        sys.exit(1)
    click.echo("Everything is up to date.")


@cli.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def inspect_command(file: Path, as_json: bool) -> None:
    """Show the record FILE would give, and every line left out of it with the reason."""
    items = [_inspection(item) for item in read_articles(file.resolve(), file.resolve().parent)]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        if "problem" in item:
            click.echo(f"Skipped: {item['problem']}")
            continue
        for name in ("id", "title", "title_source", "date", "author", "source", "url"):
            click.echo(f"{name.capitalize().replace('_', ' ') + ':':<15}{item[name] or '-'}")
        for name in ("people", "places", "organisations"):
            click.echo(f"{name.capitalize() + ':':<15}{', '.join(item[name]) or '-'}")
        for warning in item["warnings"]:
            click.echo(f"Warning:       {warning}")
        click.echo("\nBody:\n" + textwrap.indent(item["body"], "  "))
        click.echo(f"\nLeft out ({len(item['dropped'])} lines):")
        for dropped in item["dropped"]:
            click.echo(f"  line {dropped['line']:>4}  {dropped['reason']:<34} {_shorten(dropped['text'])}")
        click.echo()


def _inspection(item: Extracted | Problem) -> dict[str, Any]:
    if isinstance(item, Problem):
        return {"problem": str(item)}
    record = dataclasses.asdict(item.article)
    record["title_source"] = item.title_source
    record["date"] = to_iso(item.article.date)
    record["dropped"] = [dataclasses.asdict(d) for d in item.dropped]
    record["warnings"] = list(item.warnings)
    return record


def _shorten(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@index_option
@quiet_option
def stats_command(as_json: bool, index_dir: Path | None, quiet: bool) -> None:
    """Articles, terms, size on disk and last update of the index."""
    ix = _open_or_build(index_dir, quiet)
    try:
        stats = index_stats(ix)
    except Exception as error:  # a segment damaged where opening the index does not read
        raise Fail(
            f"the index at {ix.storage.folder} cannot be read ({type(error).__name__}: {error}); "
            f"run `vnsearch index --rebuild --index {shlex.quote(ix.storage.folder)}`"
        ) from None
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"Index:       {stats['path']}")
    click.echo(f"Articles:    {stats['articles']:,}")
    click.echo(f"Terms:       {stats['terms']:,}")
    click.echo(f"Size:        {stats['size_bytes'] / 1_000_000:.1f} MB")
    click.echo(f"Last update: {stats['last_update']}")


@cli.command("export")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["opensearch"]),
    default="opensearch",
    show_default=True,
    help="What to write: an OpenSearch (or Elasticsearch) mapping and bulk files.",
)
@index_option
@quiet_option
def export_command(folder: Path, export_format: str, index_dir: Path | None, quiet: bool) -> None:
    """Write the index's articles into FOLDER (new or empty) for another engine: `mapping.json`
    and `bulk-00001.ndjson`, ... with the searched fields analysed already (docs/scaling.md)."""
    ix = _open_or_build(index_dir, quiet)
    with tqdm(
        total=ix.doc_count(), desc="Exporting", unit="article", disable=quiet or None, file=sys.stderr
    ) as progress:
        try:
            written, files, too_long = write_bulk(ix, folder, progress=progress.update)
        except FileExistsError as error:
            raise Fail(f"{error}: export into a new or empty folder") from None
        except OSError as error:
            raise Fail(f"cannot write into {folder}: {error.strerror or error}") from None
    if too_long:
        click.echo(
            f"warning: left out {counted(len(too_long), 'article')} whose id is longer than OpenSearch "
            f"takes (512 bytes): {', '.join(too_long[:3])}{' …' if len(too_long) > 3 else ''}",
            err=True,
        )
    if not quiet:
        click.echo(
            f"Wrote {counted(written, 'article')} in {counted(len(files), 'bulk file')} and mapping.json "
            f"into {folder}",
            err=True,
        )


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@index_option
@quiet_option
def serve_command(host: str, port: int, threads: int, index_dir: Path | None, quiet: bool) -> None:
    """Serve the web interface (with waitress) until interrupted."""
    index_dir = _index_dir(index_dir)
    _open_or_build(index_dir, quiet)
    # Loaded here: the engine and the other commands do not need Flask.
    from waitress import create_server

    from webui import create_app

    app = create_app({"INDEX_DIR": str(index_dir)})
    try:
        # Tried first with a socket of our own: waitress leaks its sockets when binding fails.
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        server = create_server(app, host=host, port=port, threads=threads, ident="vnsearch")
    except OSError as error:
        raise Fail(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    click.echo(f"vnsearch is serving {index_dir} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.close()


def _index_dir(index_dir: Path | None) -> Path:
    return index_dir or default_index_dir()


def _open_or_build(index_dir: Path | None, quiet: bool) -> Any:
    """Open the index; on first use, build it from the shipped corpus and say so."""
    if index_dir is not None and not index_exists(index_dir):
        # Only the default location gets the demo: a mistyped --index must not become one.
        raise Fail(
            f"no index at {index_dir}; build one with: vnsearch index PATH --index "
            f"{shlex.quote(str(index_dir))}"
        )
    index_dir = _index_dir(index_dir)
    if not index_exists(index_dir):
        if not quiet:
            click.echo(f"No index at {index_dir} yet: building it from the shipped corpus.", err=True)
        _build(index_dir, quiet, [shipped_corpus()])
    try:
        return open_index(index_dir)
    except IndexUnavailable as error:
        raise Fail(str(error)) from None


def _warn(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


def _build(index_dir: Path, quiet: bool, paths: list[Path], **options: Any) -> BuildReport:
    return _report(
        lambda warn: index_paths(paths, index_dir, quiet=quiet, warn=warn, **options), index_dir, quiet
    )


def _report(run: Callable[[Callable[[str], None]], BuildReport], index_dir: Path, quiet: bool) -> BuildReport:
    """Run an indexing job, print its warnings as they come and its summary at the end."""
    try:
        report = run(_warn)
    except IndexUnavailable as error:
        raise Fail(str(error)) from None
    if report.demo_replaced:
        click.echo(
            "The index held only the shipped demo articles: they were removed, your articles replace them.",
            err=True,
        )
    if report.committed and (not quiet or report.warnings):  # else the error says what was not done
        click.echo(f"{report.summary()} in {index_dir}.", err=True)
    return report


def _existing_roots(index_dir: Path) -> list[Path]:
    return indexed_roots(read_manifest(open_index(index_dir)), index_dir)


def _parse_filters(args: tuple[str, ...]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for arg in args:
        name, equals, value = arg.partition("=")
        if not equals or not value:
            raise Fail(f"--filter takes FIELD=VALUE, for example year=2023 (got {arg!r})")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def _print_result(result: dict[str, Any]) -> None:
    total, page, per_page = result["total"], result["page"], result["per_page"]
    pages = max(1, -(-total // per_page))
    click.echo(f"{total} result{'s' * (total != 1)} for {result['query']!r} (page {page} of {pages})")
    if result["suggestion"]:
        click.echo(f"Did you mean: {result['suggestion']}")
    for expansion in result["expansions"]:
        click.echo(f"Also searched ({expansion['kind']}): {expansion['from']} → {expansion['to']}")
    if result["relaxed"]:
        click.echo("No article has all the words; these have some of them.")
    first = (page - 1) * per_page
    for number, hit in enumerate(result["hits"], start=first + 1):
        click.echo()
        click.echo(click.style(f"{number}. {hit['title']}", bold=True))
        details = [
            hit["date"][:16].replace("T", " ") if hit["date"] else None,
            hit["source"],
            hit["author"],
            hit["id"],
        ]
        click.echo("   " + " · ".join(d for d in details if d))
        click.echo("   " + _terminal_snippet(hit["snippet"]))


def _terminal_snippet(snippet: str) -> str:
    """The snippet's <mark>s in bold (click drops the styling when output is not a terminal)."""
    parts = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(
        click.style(unescape(part), bold=True) if i % 2 else unescape(part) for i, part in enumerate(parts)
    )


def main() -> None:
    cli(prog_name="vnsearch")
