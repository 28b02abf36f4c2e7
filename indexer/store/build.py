"""Create, open and update the index on disk.

Indexing is incremental: a file whose size and modification time have not changed since it was
read is not read again, an article whose content has not changed is not indexed again, and
articles whose files are gone from an indexed folder are removed. A file that cannot be read is
reported and skipped; it never costs what is already indexed.

Work is committed in batches, so a crash (even kill -9) leaves the last committed index
searchable and the next run picks up where it stopped. Whoosh allows one writer at a time; a
second one waits up to WRITE_LOCK_TIMEOUT seconds, then gets a clear error. Readers are never
blocked: they see the last commit.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import hashlib
import multiprocessing
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from itertools import chain, count
from pathlib import Path

from platformdirs import user_data_dir
from tqdm import tqdm
from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import CLEAR, IndexWriter, LockError

from indexer.ingest.read import Article, Extracted, Problem, articles_from_text, find_files, read_articles
from indexer.store.cluster import Cluster, ClusterUnavailable, Remote
from indexer.store.documents import (
    Analysis,
    Job,
    Prepared,
    counts_of,
    document_fields,
    manifest_fields,
    prepare,
)
from indexer.store.language_model import FILENAME as COUNTS_FILE
from indexer.store.language_model import Counts, damage
from indexer.store.manifest import (
    STDIN,
    Changes,
    Entry,
    Skipped,
    by_path,
    damaged_files,
    file_stamp,
    forget_checksums,
    gone,
    indexed_roots,
    known_roots,
    pending_changes,
    read_manifest,
    read_skipped,
    record_checksums,
    record_folders,
    record_unfinished,
    skip_stamp,
    unfinished_roots,
    unreachable,
    unrecorded_files,
    write_skipped,
)
from indexer.store.merge import merge_small, to_merge
from indexer.store.postings import read_tables
from indexer.store.schema import build_schema
from indexer.store.stdin import STDIN_FILE, Record, in_step, record_of, to_rebuild, write_records
from indexer.store.storage import index_storage
from indexer.store.writer import ArraysIndex

_INDEX_NAME = "MAIN"  # Whoosh's default: its table of contents is `_MAIN_<generation>.toc`
# Seconds a writer waits for another writer to finish before giving up.
WRITE_LOCK_TIMEOUT = 10.0
BATCH_SIZE = 500  # articles per commit: a crash loses at most this much work


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun, singular for one: `1 article`, `2 articles` (messages are in English)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class IndexUnavailable(Exception):
    """The index cannot be used (missing, corrupt, locked); the message says what to do."""


class IndexDamaged(IndexUnavailable):
    """A file of the index cannot be read: `vnsearch index --rebuild` builds it again from
    the folders recorded beside it."""


@dataclass
class BuildReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (id, id of the same article)
    problems: list[Problem] = field(default_factory=list)
    # Articles indexed all the same, with something changed: a URL left out, an id taken.
    notices: list[str] = field(default_factory=list)
    committed: bool = True
    demo_replaced: bool = False  # the index held only the shipped corpus, and now the user's articles
    skipped_before: int = 0  # files that gave no article last time, unchanged since: not read

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def warnings(self) -> int:
        return len(self.duplicates) + len(self.problems) + len(self.notices)

    def summary(self) -> str:
        counts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.removed} removed",
            f"{self.unchanged} unchanged",
            counted(len(self.duplicates), "duplicate"),
            f"{len(self.problems)} skipped",
            *([f"{self.skipped_before} skipped before and unchanged"] if self.skipped_before else []),
        ]
        return f"{counted(self.indexed, 'article')} indexed ({', '.join(counts)})"


def shipped_corpus() -> Path:
    """The articles that ship with vnsearch (`corpus/` beside the packages)."""
    return Path(__file__).resolve().parents[2] / "corpus"


def default_index_dir() -> Path:
    """`$VNSEARCH_INDEX` if set, else a folder in the user's data directory."""
    configured = os.environ.get("VNSEARCH_INDEX")
    return Path(configured) if configured else Path(user_data_dir("vnsearch")) / "index"


def index_exists(index_dir: Path) -> bool:
    """Whether an index was ever committed there (its table of contents is there), readable
    or not: a damaged index must be reported, not silently built over."""
    return index_dir.is_dir() and any(index_dir.glob(f"_{_INDEX_NAME}_*.toc"))


def open_index(index_dir: Path, rebuilding: bool = False) -> Index:
    """The index, checked to be readable. An index made by an earlier version of vnsearch,
    in a format this one does not read, is refused unless it is being rebuilt."""
    if not index_exists(index_dir):
        raise IndexUnavailable(f"no index at {index_dir}; run `vnsearch index` to build one")
    try:
        ix = index_storage(index_dir).open_index(indexclass=ArraysIndex)
        outdated = _outdated(ix)
        with ix.searcher() as searcher:  # reads every segment: damage shows here, not mid-search
            searcher.doc_count()
            if not outdated:  # an earlier format has no arrays files
                read_tables(searcher)
        problem, blocked = "", False
    except Exception as error:  # Whoosh raises many types for damaged files
        problem = f"{type(error).__name__}: {error}"
        # Not the files' fault: rebuilding would not help, and would cost the index.
        blocked = (
            isinstance(error, (PermissionError, MemoryError)) or getattr(error, "errno", None) in _NOT_DAMAGE
        )
    # Raised outside the handler so that Whoosh's failed frames (and the files they hold
    # open) are released now rather than kept alive as this exception's context.
    if blocked:
        raise IndexUnavailable(f"cannot read the index at {index_dir} ({problem})")
    if problem:
        raise _damaged(index_dir, f"cannot be read ({problem})")
    if outdated and not rebuilding:
        raise IndexUnavailable(
            f"the index at {index_dir} was made by an earlier version of vnsearch; "
            f"run `vnsearch index --rebuild` to build it again"
        )
    return ix


def _damaged(index_dir: Path, what: str) -> IndexDamaged:
    """What is wrong with the index's files, and the command that builds it again."""
    return IndexDamaged(
        f"the index at {index_dir} {what}; "
        f"run `vnsearch index --rebuild --index {shlex.quote(str(index_dir))}` to build it again "
        "from its folders"
    )


_NOT_DAMAGE = {errno.EACCES, errno.EPERM, errno.EMFILE, errno.ENFILE, errno.ENOMEM}  # what the system refused


def _leftovers(index_dir: Path) -> bool:
    """Whether the folder holds what only an index leaves (segments, its records)."""
    return index_dir.is_dir() and any(
        next(index_dir.glob(pattern), None) is not None
        for pattern in ("*.seg", "vnsearch-*.json", COUNTS_FILE)
    )


def _check_intact(index_dir: Path) -> None:
    """Refuse to write to a damaged index: a merge would read the damaged segment and fail
    halfway, and a damaged language model would be added to. Searches go on without the
    language model; `--rebuild` writes both anew."""
    problem = damage(index_dir)
    if problem:
        raise IndexUnavailable(
            f"the language model {index_dir / COUNTS_FILE} is damaged ({problem}); "
            f"run `vnsearch index --rebuild --index {shlex.quote(str(index_dir))}` to build it again"
        )
    damaged = damaged_files(index_dir)
    if damaged:
        raise _damaged(index_dir, f"is damaged ({damaged[0]} is not as it was written)")


def _outdated(ix: Index) -> bool:
    """Whether the index's fields are stored otherwise than this version stores them."""
    current = build_schema()
    if set(ix.schema.names()) != set(current.names()):  # fields added or dropped since
        return True
    return any(ix.schema[name].format != field.format for name, field in current.items())


def open_or_create_index(index_dir: Path, rebuilding: bool = False) -> Index:
    """The index, or a new one. Being rebuilt, a damaged index is replaced by a new one
    in the same folder (the folders to read again are recorded beside it, not in it)."""
    if not index_exists(index_dir) and not rebuilding and _leftovers(index_dir):
        raise _damaged(index_dir, "has lost its table of contents")
    if index_exists(index_dir):
        try:
            return open_index(index_dir, rebuilding)
        except IndexDamaged:
            if not rebuilding:
                raise
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        forget_checksums(index_dir)  # a new index may write files by the names the old one used
        return index_storage(index_dir).create_index(build_schema(), indexclass=ArraysIndex)
    except OSError as error:
        raise IndexUnavailable(f"cannot create an index at {index_dir}: {error.strerror}") from None


def index_paths(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    quiet: bool = False,
    strict: bool = False,
    rebuild: bool = False,
    remove_missing: bool = True,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    scheduler: str | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Bring the index up to date with the files under `paths` and report what changed.

    Without paths: the folders already indexed, or the shipped corpus for a new index.
    `remove_missing`: articles whose files are gone from a folder in `paths` are removed.
    `rebuild`: every file is read again and the index is replaced by what they give, in one
    commit (readers see the old index until then). `strict`: any warning (unreadable file,
    duplicate) cancels the whole run. Warnings also go to `warn` as they happen. Files are
    read, cleaned and segmented by `workers` processes (default: one per core), or with
    `scheduler` (a Dask scheduler's address) on that cluster, whose workers also write the
    articles into segments (`indexer.store.cluster`).
    """
    cluster = None
    try:
        if scheduler:
            # Absolute, as the workers must find it, but its links not followed: shared
            # storage may be reached by another way on each machine.
            cluster = Cluster.connect(scheduler, Path(os.path.abspath(index_dir)))
        return _index_paths(
            paths, index_dir, quiet, strict, rebuild, remove_missing, batch_size, workers, cluster, warn
        )
    except ClusterUnavailable as error:
        raise IndexUnavailable(f"{error}; nothing of this run was committed") from None
    finally:
        if cluster:
            cluster.close()


def _check_workers(cluster: Cluster, index_dir: Path, roots: list[Path]) -> None:
    """The cluster's workers checked (`Cluster.check_workers`) before any index is made: a
    folder made for the check alone is removed when they fail it."""
    made = not index_dir.exists()
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        cluster.check_workers(roots)
    except OSError as error:
        raise IndexUnavailable(f"cannot create an index at {index_dir}: {error.strerror}") from None
    except ClusterUnavailable:
        if made:
            with suppress(OSError):
                index_dir.rmdir()
        raise


def _index_paths(
    paths: Iterable[Path],
    index_dir: Path,
    quiet: bool,
    strict: bool,
    rebuild: bool,
    remove_missing: bool,
    batch_size: int,
    workers: int | None,
    cluster: Cluster | None,
    warn: Callable[[str], None],
) -> BuildReport:
    new = not index_exists(index_dir)
    given = [path.resolve() for path in paths]
    if rebuild and not given:  # before a damaged index is replaced by a new one
        _check_folders_there(index_dir)
    if cluster:  # the folders to read: those given, else those recorded beside the index
        _check_workers(cluster, index_dir, given or [Path(root) for root in known_roots({}, index_dir)])
    ix = open_or_create_index(index_dir, rebuilding=rebuild)
    if not rebuild:  # a rebuild writes new segments and counts without reading the old ones
        _check_intact(index_dir)
    # The write lock before the manifest: a run that waited for another one sees what it committed.
    writer = _open_writer(ix, index_dir)
    try:
        indexed = read_manifest(ix)
        entries = {} if rebuild else indexed
        roots = given or indexed_roots(indexed, index_dir) or ([shipped_corpus()] if new else [])
        # Articles from standard input have no file to read again: a rebuild takes them from their record.
        pasted, notices = to_rebuild(index_dir, ix, _pasted(indexed)) if rebuild else ([], [])
        if not roots and not pasted:  # nothing to build from
            raise IndexUnavailable(
                f"no folders are known for the index at {index_dir}: name them, "
                f"`vnsearch index PATH... --index {shlex.quote(str(index_dir))}`"
            )
        links_left_out: list[Problem] = []
        files = list(find_files(roots, links_left_out))
        run = _Run(
            ix,
            index_dir,
            entries,
            warn,
            # One commit at the end on a cluster: a commit deletes the files of segments it does
            # not list, and the workers write theirs until the end.
            batch_size=None if strict or rebuild or cluster else batch_size,
            skipped={} if rebuild else read_skipped(index_dir),
            roots=roots,
            earlier=unfinished_roots(index_dir),
            # A rebuild keeps each file's id: it is claimed for the file that held it.
            claims={entry.id: entry.path for entry in indexed.values()} | {a.id: STDIN for a in pasted}
            if rebuild
            else {},
            rebuilding=rebuild,
            cluster=cluster,
            writer=writer,
        )
    except BaseException:
        writer.cancel()
        raise
    for problem in links_left_out:
        run.skip(problem)
    for notice in notices:
        run.notice(notice)
    # Recorded once this run holds the write lock, so that a run killed before its first
    # commit is carried on by the next one (and seen by `check`); forgotten once committed,
    # or when the run stops otherwise (Ctrl-C, --strict): that is no crash to carry on from.
    record_unfinished(index_dir, [*run.earlier, *map(str, roots)])
    if rebuild:  # the new index takes this version's schema, whatever the old one's was
        run.writer.schema = build_schema()
    try:
        if given and remove_missing and shipped_corpus() not in given:
            run.replace_demo()  # first: a copy of a demo article in the user's folder is theirs
        if rebuild:  # before the files: a file that repeats a pasted article is the copy
            run.stdin_changed = True  # the record starts again with the articles indexed
            run.index_items(_unprepared(map(Extracted, pasted)), path=STDIN, root=STDIN, stamp="")
        jobs = [job for job in (run.needs_reading(*file) for file in files) if job]
        progress = tqdm(
            total=len(files), desc="Indexing", unit="file", disable=quiet or None, file=sys.stderr
        )
        progress.update(len(files) - len(jobs))
        reading = cluster.prepared(jobs) if cluster else _read_all(jobs, workers or os.cpu_count() or 1)
        for (file, root, stamp), prepared in reading:
            run.index_file(file, root, stamp, prepared)
            progress.update()
        progress.close()
        if remove_missing:
            run.remove_missing(roots, {str(file) for file, _ in files})
        if strict and run.report.warnings:
            run.cancel()
            record_unfinished(index_dir, run.earlier)
            run.report.committed = False
        else:
            run.commit(clear=rebuild, quiet=quiet)
    except BaseException:
        run.cancel()
        record_unfinished(index_dir, run.earlier)
        raise
    return run.report


def _pasted(entries: dict[str, Entry]) -> dict[str, str]:
    """The articles that came from standard input: id -> content hash."""
    return {entry.id: entry.content_hash for entry in entries.values() if entry.path == STDIN}


def _check_folders_there(index_dir: Path) -> None:
    """Refuse to rebuild from the recorded folders when one that holds articles gives no file
    now (gone, or an unmounted drive's empty mount point): the rebuilt index would lose its
    articles. (A damaged index cannot say which hold articles: then every recorded folder.)"""
    try:
        entries = read_manifest(open_index(index_dir))
    except IndexUnavailable:
        entries = {}
    holding = {entry.root for entry in entries.values()}
    for root in known_roots(entries, index_dir):
        if (not entries or root in holding) and not any(
            file.is_file() for file, _ in find_files([Path(root)])
        ):
            raise IndexUnavailable(
                f"the indexed folder or file {root} is not there or gives no file, so a rebuild would drop "
                f"what was indexed from it: bring it back, or name the folders to rebuild from, "
                f"`vnsearch index --rebuild FOLDER... --index {shlex.quote(str(index_dir))}`"
            )


def add_text(
    text: str, index_dir: Path, article_id: str, *, warn: Callable[[str], None] = lambda message: None
) -> BuildReport:
    """Add (or replace) the article(s) in `text`, as read from standard input: JSON when it
    looks like JSON, else text as scraped."""
    ix = open_or_create_index(index_dir)
    _check_intact(index_dir)
    run = _run_under_lock(ix, index_dir, warn)
    try:
        run.index_items(
            _unprepared(articles_from_text(text, article_id, STDIN)), path=STDIN, root=STDIN, stamp=""
        )
        run.commit()
    except BaseException:
        run.cancel()
        raise
    return run.report


def remove_articles(ids: Iterable[str], index_dir: Path) -> list[str]:
    """Remove articles by id; return the ids that were not in the index."""
    ix = open_index(index_dir)
    _check_intact(index_dir)
    run = _run_under_lock(ix, index_dir, lambda message: None)
    entries = run.entries
    unknown = []
    try:
        for article_id in ids:
            if article_id in entries:
                run.delete(article_id)
            else:
                unknown.append(article_id)
        run.commit()
    except BaseException:
        run.cancel()
        raise
    return unknown


def _run_under_lock(ix: Index, index_dir: Path, warn: Callable[[str], None]) -> _Run:
    """A run of one commit, the write lock taken before the manifest is read (as in
    `index_paths`: a run that waited for another one sees what it committed)."""
    writer = _open_writer(ix, index_dir)
    try:
        return _Run(ix, index_dir, read_manifest(ix), warn, batch_size=None, writer=writer)
    except BaseException:
        writer.cancel()
        raise


def _open_writer(ix: Index, index_dir: Path) -> IndexWriter:
    """A writer, once the write lock is free (WRITE_LOCK_TIMEOUT at most)."""
    try:
        return ix.writer(timeout=WRITE_LOCK_TIMEOUT)
    except LockError:
        raise IndexUnavailable(
            f"another process is writing the index at {index_dir}; try again when it is done"
        ) from None


class _Run:
    """One indexing run: the writer, the manifest as it stands, and the report."""

    def __init__(
        self,
        ix: Index,
        index_dir: Path,
        entries: dict[str, Entry],
        warn: Callable[[str], None],
        batch_size: int | None,
        writer: IndexWriter,
        skipped: dict[str, Skipped] | None = None,
        roots: list[Path] | None = None,
        claims: dict[str, str] | None = None,
        earlier: list[str] | None = None,
        rebuilding: bool = False,
        cluster: Cluster | None = None,
    ) -> None:
        """`writer`: opened by the caller, its lock taken before `entries` were read."""
        self.ix, self.index_dir, self.warn = ix, index_dir, warn
        self.cluster = cluster  # where the articles are analysed and written, if not here
        self.entries = entries
        self.roots = roots or []  # the folders (and files) this run reads
        self.claims = claims or {}  # id -> path: the ids files held before a rebuild
        self.earlier = earlier or []  # the roots of runs cut short before this one
        # Files that gave no article, by path (`indexer.store.manifest.read_skipped`), written back
        # at the commit when given (a run from standard input reads no file).
        self.keeps_skipped = skipped is not None
        self.skipped = skipped or {}
        self._skip_stamps: dict[str, str] = {}  # by path: skipped files' stamps when they were read
        self.paths = by_path(entries)
        self.ids_by_hash = {entry.content_hash: entry.id for entry in entries.values()}
        self.batch = batch_size  # None: one commit at the end
        self.pending = 0
        self.report = BuildReport()
        self.counts = Counts()
        # The record of the articles from standard input (`indexer.store.stdin`), in step with
        # the index (a rebuild starts it again), and whether it must be written.
        self.stdin: dict[str, Record] = {}
        self.stdin_changed = False
        if not rebuilding and (_pasted(entries) or os.path.lexists(index_dir / STDIN_FILE)):
            self.stdin, self.stdin_changed = in_step(index_dir, ix, _pasted(entries))
        self.writer = writer

    def needs_reading(self, file: Path, root: Path) -> Job | None:
        """(file, root, stamp) if the file changed since it was indexed, else None (and it
        counts as unchanged). An unreadable file is reported here."""
        previous = self.paths.get(str(file), [])
        try:
            stamp = file_stamp(file)
        except OSError as error:
            self.skip(Problem(str(file), f"cannot read it ({error.strerror or error})"))
            return None
        if previous and all(entry.stamp == stamp for entry in previous):
            self.report.unchanged += len(previous)
            return None
        # Its change time too, only for a file that is read or was skipped (a second stat).
        with suppress(OSError):
            skip = self._skip_stamps[str(file)] = skip_stamp(file)
            if str(file) in self.skipped and self.skipped[str(file)].stamp == skip:
                self.report.skipped_before += 1
                return None
        return file, root, stamp

    def index_file(self, file: Path, root: Path, stamp: str, prepared: Iterable[Item]) -> None:
        previous = self.paths.get(str(file), [])
        problems, copies = len(self.report.problems), len(self.report.duplicates)
        produced, complete = self.index_items(prepared, str(file), str(root), stamp)
        if complete:  # articles the file no longer has (a record gone from a JSON Lines file)
            for entry in previous:
                if entry.id not in produced:
                    self.delete(entry.id)
        self._remember_if_skipped(
            str(file), stamp, produced, self.report.problems[problems:], self.report.duplicates[copies:]
        )

    def _remember_if_skipped(
        self,
        path: str,
        stamp: str,
        produced: set[str],
        problems: list[Problem],
        copies: list[tuple[str, str]],
    ) -> None:
        """Keep a file that gave no article, so that it is not read (nor reported by `check`)
        again until it changes; forget it once it gives one. A file whose articles the index
        still holds is not kept: it stays "changed" until it can be read again."""
        ids = produced | {entry.id for entry in self.paths.get(path, [])}
        held = any((entry := self.entries.get(article_id)) and entry.path == path for article_id in ids)
        stamp = self._skip_stamps.get(path, stamp)
        if held or not (problems or copies):
            self.skipped.pop(path, None)
        elif problems:
            self.skipped[path] = Skipped(stamp, problems[0].reason)
        else:
            self.skipped[path] = Skipped(stamp, f"the same article as {copies[0][1]}", copy_of=copies[0][1])

    def index_items(
        self,
        prepared: Iterable[Item],
        path: str,
        root: str,
        stamp: str,
    ) -> tuple[set[str], bool]:
        """Index what one file gave, each item with what a worker made of it already (or
        None); return the ids it holds, and whether it was read whole."""
        produced: set[str] = set()
        complete = True
        for item, analysis in prepared:
            if isinstance(item, Problem):
                self.skip(item)
                complete = False
                continue
            for message in item.warnings:
                self.notice(f"{path}: {message}")
            article = self._own_id(item.article, path, produced)
            produced.add(article.id)
            previous = self.entries.get(article.id)
            same = self.ids_by_hash.get(article.content_hash)
            entry = Entry(article.id, path, root, stamp, article.content_hash)
            if previous is not None and previous.content_hash == article.content_hash:
                self.report.unchanged += 1
                if previous != entry:  # touched, not changed: its new stamp, or it is read on every run
                    self._write(article, entry, analysis, update=True, counted=False)
            elif same is not None and same != article.id and same in self.entries:
                self.report.duplicates.append((article.id, same))
                self.warn(f"warning: skipped {path}: the same article as {same}")
            else:
                analysis = analysis or Analysis({}, counts_of(article))
                self._write(article, entry, analysis, update=previous is not None, counted=True)
                self._forget_copies_of(article.id)
                self.report.added += previous is None
                self.report.updated += previous is not None
        return produced, complete

    def _forget_copies_of(self, article_id: str) -> None:
        """Files skipped as copies of an article that changed or went: read them again."""
        for path in [path for path, skipped in self.skipped.items() if skipped.copy_of == article_id]:
            del self.skipped[path]

    def _write(
        self, article: Article, entry: Entry, analysis: Analysis | Remote | None, update: bool, counted: bool
    ) -> None:
        """Write the article (replacing its earlier version if `update`), and add its
        language-model counts if `counted` (not for an article only touched)."""
        if isinstance(analysis, Remote) and self.cluster:  # a worker writes it into a segment
            if update:
                self.writer.delete_by_term("id", article.id)
            self.cluster.add(analysis, article.id, manifest_fields(entry), counted)
        else:
            if counted and isinstance(analysis, Analysis):
                self.counts.merge(analysis.counts)
            fields = document_fields(article) | (analysis.fields if analysis else {}) | manifest_fields(entry)
            if update:
                self.writer.update_document(**fields)
            else:  # not in the index (the manifest is read from it): nothing to replace
                # Whoosh's update_document looks for the id in every segment, which grows
                # with the index (up to 100 segments before a first build's final merge).
                self.writer.add_document(**fields)
        self.entries[article.id] = entry
        self.ids_by_hash.setdefault(article.content_hash, article.id)
        if entry.path == STDIN:
            self.stdin[article.id] = record_of(article)
            self.stdin_changed = True
        self._count_pending()

    def remove_missing(self, roots: list[Path], seen: set[str]) -> None:
        """Remove the articles of files that are gone from the folders indexed."""
        folders = set()
        for root in roots:
            with suppress(OSError):  # a folder that cannot be looked at keeps its articles
                if root.is_dir():
                    folders.add(str(root))
        for entry in list(self.entries.values()):
            if entry.root in folders and entry.path not in seen and not unreachable(entry.path, entry.root):
                self.delete(entry.id)
        for path in [path for path in self.skipped if not os.path.lexists(path)]:
            del self.skipped[path]

    def replace_demo(self) -> None:
        """Before anything is indexed: remove the shipped corpus's articles when the index
        holds nothing else, so that the demo the first command built is not mixed with the
        user's own news."""
        shipped = str(shipped_corpus())
        demo = [entry.id for entry in self.entries.values() if entry.root == shipped]
        if demo and len(demo) == len(self.entries):
            for article_id in demo:
                self.delete(article_id)
            self.report.demo_replaced = True

    def delete(self, article_id: str) -> None:
        self.writer.delete_by_term("id", article_id)
        entry = self.entries.pop(article_id, None)
        if entry is not None and entry.path == STDIN:
            self.stdin.pop(article_id, None)
            self.stdin_changed = True
        self._forget_copies_of(article_id)
        self.report.removed += 1
        self._count_pending()

    def commit(self, clear: bool = False, quiet: bool = True) -> None:
        written = self._cluster_segments()
        self._write_records(final=True)
        if clear and not written:  # the new segment replaces every old one in a single new generation
            self.writer.commit(mergetype=CLEAR)
        else:
            # A rebuild keeps this run's segments alone, as CLEAR does; they are merged as any
            # run's are. Merging after a large run takes minutes: it gets a progress bar of its own.
            kept = written if clear else self.writer.segments
            articles = sum(segment.doc_count() for segment in to_merge(kept))
            with tqdm(
                total=articles,
                desc="Merging",
                unit="article",
                disable=quiet or not articles or None,
                file=sys.stderr,
            ) as progress:
                self.writer.commit(
                    mergetype=lambda writer, _: merge_small(writer, kept, merged=progress.update)
                )
        self.counts.save(self.index_dir, replace=clear)
        self._write_stdin_record()
        # The commit let the write lock go: the files are recorded under it again, unless
        # another run has taken it since (that run records them with its own).
        lock = self.ix.lock("WRITELOCK")
        if lock.acquire(blocking=False):
            try:
                record_checksums(self.index_dir, fresh=clear)
            finally:
                lock.release()

    def _cluster_segments(self) -> list[Segment]:
        """The segments the cluster's workers wrote for this run, now the writer's to commit."""
        if not self.cluster:
            return []
        segments, counts = self.cluster.segments()
        self.counts.merge(counts)
        self.writer.segments.extend(segments)
        self.writer._setup_doc_offsets()  # Whoosh's: where each segment's documents start
        return segments

    def _write_records(self, final: bool) -> None:
        """The records beside the index, written while this run holds the write lock: the
        folders it is built from (those of its articles, and those this run read, whether
        or not they gave any), the files skipped, and, at the end, the runs still unfinished
        (those before this one, but for the roots it read and those that are gone)."""
        folders = {entry.root for entry in self.entries.values()} | {str(root) for root in self.roots}
        if self.report.demo_replaced:
            folders.discard(str(shipped_corpus()))
        try:
            record_folders(self.index_dir, folders)
            if self.keeps_skipped:
                write_skipped(self.index_dir, self.skipped)
            if final and self.roots:  # a run over folders (not standard input, not `remove`)
                read = {str(root) for root in self.roots}
                record_unfinished(
                    self.index_dir,
                    [root for root in self.earlier if root not in read and os.path.exists(root)],
                )
        except OSError as error:  # a full disk, a folder where a record should be
            raise IndexUnavailable(
                f"cannot write {error.filename} beside the index ({error.strerror}); nothing was committed"
            ) from None

    def cancel(self) -> None:
        self.writer.cancel()
        if self.cluster:
            self.cluster.discard()

    def _write_stdin_record(self) -> None:
        """After a commit: the record of the articles from standard input, as committed (a
        failed commit leaves it as it was). One that cannot be written is made good by the
        next run (`indexer.store.stdin.in_step`)."""
        if not self.stdin_changed:
            return
        try:
            write_records(self.index_dir, self.stdin)
            self.stdin_changed = False
        except OSError as error:
            self.notice(f"cannot write {self.index_dir / STDIN_FILE} ({error.strerror}); the next run will")

    def _own_id(self, article: Article, path: str, taken: set[str]) -> Article:
        """The article, with an id no other article has. When another file that is still
        there holds its id (`tin.txt` and `tin.json`, or two folders' `tin.txt`), or held it
        before a rebuild, or an earlier record of the same file has it (`taken`), this one's
        id gets `~` and 8 hex digits of its file's path (more if those are taken too): the
        same for this file on every run, so ids stay stable."""
        if article.id not in taken and not self._held_elsewhere(article.id, path):
            return article  # new, its own, or its file moved here
        digest = hashlib.sha256(path.encode()).hexdigest()
        candidates = chain(
            [f"{article.id}~{digest[:8]}", f"{article.id}~{digest}"],
            (f"{article.id}~{digest}-{n}" for n in count(2)),
        )
        own_id = next(c for c in candidates if c not in taken and not self._held_elsewhere(c, path))
        self.notice(f"{path}: the id {article.id} is taken, so this article's id is {own_id}")
        return replace(article, id=own_id)

    def _held_elsewhere(self, article_id: str, path: str) -> bool:
        """Whether another file that is still there holds (or, before a rebuild, held) the id."""
        owner = self.entries.get(article_id)
        if owner is not None:
            return owner.path != path and (owner.root == STDIN or os.path.lexists(owner.path))
        claimed = self.claims.get(article_id)
        return claimed is not None and claimed != path and (claimed == STDIN or os.path.lexists(claimed))

    def notice(self, message: str) -> None:
        self.report.notices.append(message)
        self.warn(f"warning: {message}")

    def skip(self, problem: Problem) -> None:
        self.report.problems.append(problem)
        self.warn(f"warning: skipped {problem}")

    def _count_pending(self) -> None:
        self.pending += 1
        if self.batch and self.pending >= self.batch:
            # No merging between batches: merging rewrites segments that the next batch would
            # merge again, which grows with the index. The run's last commit merges (merge_small).
            self._write_records(final=False)
            self.writer.commit(merge=False)
            self.counts.save(self.index_dir)
            self.writer = _open_writer(self.ix, self.index_dir)
            record_checksums(self.index_dir)
            self._write_stdin_record()
            self.pending = 0


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
MIN_PARALLEL_FILES = 16  # fewer files are not worth starting processes (each loads the model)
IN_FLIGHT = 128  # files sent to the workers at a time
# An article (or a problem) of a file, with what was made of it: by a local worker (or None:
# not analysed yet), or on a cluster (`Remote`: the analysis stays there).
Item = tuple[Extracted | Problem, Analysis | Remote | None]


def _read_all(jobs: list[Job], workers: int) -> Iterator[tuple[Job, Prepared]]:
    """Each job with what its file gives, in order. The costly part (reading, cleaning,
    segmenting, analysing, counting) runs in `workers` processes, so this one only writes the
    index."""
    if workers < 2 or len(jobs) < MIN_PARALLEL_FILES:
        for job in jobs:
            yield job, _unprepared(read_articles(job[0], job[1]))
        return
    # Jobs go to the workers a window at a time, the next window while this one is indexed:
    # sent all at once, the workers' results pile up in memory whenever they outpace the
    # indexing here (2.5 GB at 50,000 articles).
    windows = [jobs[start : start + IN_FLIGHT] for start in range(0, len(jobs), IN_FLIGHT)]
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        results = [pool.imap(prepare, window, chunksize=4) for window in windows[:1]]
        for number, window in enumerate(windows):
            if number + 1 < len(windows):
                results.append(pool.imap(prepare, windows[number + 1], chunksize=4))
            yield from zip(window, results.pop(0))


def _unprepared(items: Iterable[Extracted | Problem]) -> Prepared:
    """Items for this process to analyse itself."""
    return [(item, None) for item in items]


def _start_worker(indexer: int) -> None:
    # A worker makes millions of short-lived objects (tokens, the tagger's features) and keeps
    # few: what it inherited is left out of collections, which run less often. About 5% of
    # its time (docs/benchmarks.md).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    # Ctrl-C is the indexing process's to handle (it stops the pool): no traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(indexer)


def _die_with(indexer: int) -> None:
    """Be killed when the indexing process dies, even by `kill -9`: a worker left alone waits
    for work forever, or prints a BrokenPipe traceback. (Linux's prctl; elsewhere the pool's own
    clean-up is all there is.)"""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != indexer:  # it died before the request was made
        os._exit(0)


def watch(
    paths: list[Path],
    index_dir: Path,
    *,
    interval: float = 2.0,
    on_run: Callable[[BuildReport], None] = lambda report: None,
    warn: Callable[[str], None] = lambda message: None,
    rounds: int | None = None,
) -> None:
    """Index `paths` whenever their files change, checking every `interval` seconds, until
    interrupted (or for `rounds` checks). Every run is committed before the next check; a
    file found unreadable is not tried again until it changes."""
    roots = [path.resolve() for path in paths]
    checked = 0
    while rounds is None or checked < rounds:
        checked += 1
        ix = open_or_create_index(index_dir)
        if pending_changes(read_manifest(ix), roots, read_skipped(index_dir)):
            on_run(index_paths(roots, index_dir, quiet=True, warn=warn))
        if rounds is None or checked < rounds:
            time.sleep(interval)


def check_index(index_dir: Path) -> tuple[dict[str, int], Changes, list[str]]:
    """(counts, how the files differ from the index, indexed folders that are gone)."""
    entries = read_manifest(open_index(index_dir))
    _check_intact(index_dir)
    roots = known_roots(entries, index_dir)
    gone_roots = [root for root in roots if gone(root)]
    skipped = read_skipped(index_dir)
    changes = pending_changes(entries, [Path(root) for root in roots if root not in gone_roots], skipped)
    counts = {
        "articles": len(entries),
        "files": len(by_path(entries)),
        "folders": len(roots),
        "skipped": len(skipped),
        "unrecorded": len(unrecorded_files(index_dir)),
    }
    return counts, changes, gone_roots
