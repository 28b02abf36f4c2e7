"""Create, open and update the index on disk.

Articles are added or replaced by id, and an article whose content hash is already in the
index is skipped, so indexing the same folder again only does the new work. A file that cannot
be read is reported and skipped; it never costs what is already indexed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir
from tqdm import tqdm
from whoosh import index
from whoosh.index import Index
from whoosh.writing import LockError

from indexer.normalize import canonical
from indexer.ingest import Article, Problem, find_files, read_articles
from indexer.schema import FORMS, LIST_FACETS, LIST_SEPARATOR, TEXT_FIELDS, build_schema

_INDEX_NAME = "MAIN"  # Whoosh's default: its table of contents is `_MAIN_<generation>.toc`
# Seconds a writer waits for another writer to finish before giving up.
WRITE_LOCK_TIMEOUT = 10.0


class IndexUnavailable(Exception):
    """The index cannot be used (missing, corrupt, locked); the message says what to do."""


@dataclass
class BuildReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (id, id of the same article)
    problems: list[Problem] = field(default_factory=list)
    committed: bool = True

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def warnings(self) -> int:
        return len(self.duplicates) + len(self.problems)

    def summary(self) -> str:
        counts = [
            f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged",
            f"{len(self.duplicates)} duplicates", f"{len(self.problems)} skipped",
        ]
        return f"{self.indexed} articles indexed ({', '.join(counts)})"


def shipped_corpus() -> Path:
    """The articles that ship with vnsearch (`corpus/` beside the packages)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def default_index_dir() -> Path:
    """`$VNSEARCH_INDEX` if set, else a folder in the user's data directory."""
    configured = os.environ.get("VNSEARCH_INDEX")
    return Path(configured) if configured else Path(user_data_dir("vnsearch")) / "index"


def index_exists(index_dir: Path) -> bool:
    """Whether an index was ever committed there (its table of contents is there), readable
    or not: a damaged index must be reported, not silently built over."""
    return index_dir.is_dir() and any(index_dir.glob(f"_{_INDEX_NAME}_*.toc"))


def open_index(index_dir: Path) -> Index:
    if not index_exists(index_dir):
        raise IndexUnavailable(f"no index at {index_dir}; run `vnsearch index` to build one")
    try:
        ix = index.open_dir(str(index_dir))
        with ix.searcher() as searcher:  # reads every segment: damage shows here, not mid-search
            searcher.doc_count()
        return ix
    except Exception as error:  # Whoosh raises many types for damaged files
        problem = f"{type(error).__name__}: {error}"
    # Raised outside the handler so that Whoosh's failed frames (and the files they hold
    # open) are released now rather than kept alive as this exception's context.
    raise IndexUnavailable(
        f"the index at {index_dir} cannot be read ({problem}); "
        f"remove that folder and run `vnsearch index` to build it again"
    )


def open_or_create_index(index_dir: Path) -> Index:
    if index_exists(index_dir):
        return open_index(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        return index.create_in(str(index_dir), build_schema())
    except OSError as error:
        raise IndexUnavailable(f"cannot create an index at {index_dir}: {error.strerror}") from None


def index_paths(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    quiet: bool = False,
    strict: bool = False,
    warn: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Add or update the articles found under `paths`; report what happened.

    A file that cannot be read, or a copy of an article already indexed under another name,
    is reported through `warn` and skipped. With `strict`, any such warning cancels the
    whole run and nothing is committed.
    """
    files = list(find_files(paths))
    ix = open_or_create_index(index_dir)
    known = _known_hashes(ix)
    ids_by_hash = {content_hash: article_id for article_id, content_hash in known.items()}
    report = BuildReport()
    try:
        writer = ix.writer(timeout=WRITE_LOCK_TIMEOUT)
    except LockError:
        raise IndexUnavailable(
            f"another process is writing the index at {index_dir}; try again when it is done"
        ) from None
    try:
        progress = tqdm(files, desc="Indexing", unit="file", disable=quiet or None, file=sys.stderr)
        for file, root in progress:
            for item in read_articles(file, root):
                if isinstance(item, Problem):
                    report.problems.append(item)
                    warn(f"warning: skipped {item}")
                    continue
                article = item.article
                previous = known.get(article.id)
                same = ids_by_hash.get(article.content_hash)
                if previous == article.content_hash:
                    report.unchanged += 1
                elif same is not None and same != article.id:
                    report.duplicates.append((article.id, same))
                    warn(f"warning: skipped {article.path}: the same article as {same}")
                else:
                    writer.update_document(**document_fields(article))
                    known[article.id] = article.content_hash
                    ids_by_hash.setdefault(article.content_hash, article.id)
                    report.added += previous is None
                    report.updated += previous is not None
    except BaseException:
        writer.cancel()
        raise
    if strict and report.warnings:
        writer.cancel()
        report.committed = False
    else:
        writer.commit()
    return report


def document_fields(article: Article) -> dict[str, object]:
    """The Whoosh fields of one article."""
    fields: dict[str, object] = {
        "id": article.id,
        "path": article.path,
        "content_hash": article.content_hash,
        "title": article.title,
        "body": article.body,
    }
    for name in TEXT_FIELDS:
        text = getattr(article, name)
        fields.update({f"{name}_{form}": text for form in FORMS})
    if article.url:
        fields["url"] = article.url
    if article.date:
        fields["date"] = article.date
        fields["year"] = f"{article.date:%Y}"
        fields["month"] = f"{article.date:%Y-%m}"
    # Facet values in canonical form, so `Thuỷ` and `Thủy` are one author.
    for name in ("source", "author"):
        value = getattr(article, name)
        if value:
            fields[name] = canonical(value)
            fields[f"{name}_fold"] = value
    for name in LIST_FACETS:
        values = getattr(article, name)
        if values:
            fields[name] = LIST_SEPARATOR.join(canonical(v) for v in values)
    return fields


def _known_hashes(ix: Index) -> dict[str, str]:
    with ix.searcher() as searcher:
        return {fields["id"]: fields.get("content_hash", "") for fields in searcher.all_stored_fields()}
