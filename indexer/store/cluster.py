"""Indexing on a Dask cluster (`vnsearch index --scheduler tcp://HOST:8786`).

The costly work, reading, cleaning and segmenting a file's articles, runs on the cluster's
workers, and so does writing them into the index: each worker writes whole segments into the
index folder (storage that every machine shares), as Whoosh's `MpWriter` has its processes do.
The indexing process keeps the rest, which needs the whole index in view and costs little per
article: it gives each article its id, tells copies and unchanged articles apart, removes what
changed or went, and at the end commits the workers' segments in one step, merged as a local
run merges its own.

What the workers make stays with them until a segment is written: the indexing process gets
only the articles (text and metadata), not their analyses. It holds the index's write lock for
the whole run, so the one-writer rule holds, and it commits once, at the end: until then
readers see the index as it was, a crash of the indexing process loses only this run (its
files are read again next time), and Dask runs again, on another worker, any task whose worker
was lost. A segment a lost worker left half-written is in no table of contents; Whoosh deletes
its files at the commit.

Dask is an optional extra (`pip install 'vnsearch[cluster]'`); without `--scheduler`, files are
read by the local process pool (`indexer.store.build`).
"""

from __future__ import annotations

import gc
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from whoosh.codec.base import Segment

from indexer.ingest.read import Extracted, Problem
from indexer.store.documents import Job, Prepared, document_fields, prepare
from indexer.store.language_model import Counts
from indexer.store.schema import build_schema
from indexer.store.storage import MappedStorage, index_storage
from indexer.store.writer import ArraysIndex

if TYPE_CHECKING:  # Dask is an optional extra: imported only when a scheduler is named
    from distributed import Client, Future

CONNECT_SECONDS = 10  # waiting for a scheduler that is not there
_ADDRESS = re.compile(r"((tcp|tls)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}")
SEGMENT_ARTICLES = 500  # articles per segment a worker writes (a local run commits every 500 changes)
# Files on the cluster at a time, per worker thread: enough to keep each busy while this
# process takes in one file at a time; their analyses wait in the workers' memory.
IN_FLIGHT_PER_THREAD = 32
CHUNK_FILES = 8  # files a task reads
PATIENCE_SECONDS = 30  # between checks that the cluster still has workers, while waiting


class ClusterUnavailable(Exception):
    """The cluster cannot do the work: Dask not installed, the scheduler not reachable, no
    workers left, or a task that failed on every worker it was given to."""


class Remote(NamedTuple):
    """An article's analysis, left on the worker that made it: the item at `position` of
    what `prepare` gave for the `file`-th file of a task."""

    prepared: Future
    file: int
    position: int


# An article for a segment: which of the task's prepared chunks, which file of it, its position
# there, its id, its manifest fields, whether its language-model counts are added.
SegmentArticle = tuple[int, int, int, str, dict[str, str], bool]


class Cluster:
    """A connection to a Dask scheduler, for one indexing run of the index in `index_dir`."""

    def __init__(self, client: Client, index_dir: Path) -> None:
        self.client, self.index_dir = client, index_dir
        self._batch: list[tuple[Remote, str, dict[str, str], bool]] = []  # for the next segment
        self._segments: list[Future] = []  # each gives (Segment, Counts) once written

    @classmethod
    def connect(cls, address: str, index_dir: Path) -> Cluster:
        """Connect, or raise ClusterUnavailable with what went wrong."""
        try:
            from distributed import Client
        except ImportError:
            raise ClusterUnavailable(
                "indexing on a Dask cluster needs Dask: pip install 'vnsearch[cluster]'"
            ) from None
        if not _ADDRESS.fullmatch(address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
            raise ClusterUnavailable(f"{address!r} is not a Dask scheduler's address: tcp://HOST:PORT")
        _quiet_dask()
        # In a thread, waited for at most twice CONNECT_SECONDS: Dask's own timeout does not
        # cover a server that takes the connection and never answers.
        connecting: list[Client | BaseException] = []

        def connect() -> None:
            try:
                connecting.append(Client(address, timeout=CONNECT_SECONDS, set_as_default=False))
            except BaseException as error:  # given to the waiting thread
                connecting.append(error)

        thread = threading.Thread(target=connect, daemon=True)
        thread.start()
        thread.join(2 * CONNECT_SECONDS)
        client = connecting[0] if connecting else TimeoutError(f"no answer in {2 * CONNECT_SECONDS} s")
        if isinstance(client, BaseException):
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address} ({client})") from None
        cluster = cls(client, index_dir)
        if not cluster._threads():
            cluster.close()
            raise ClusterUnavailable(f"the Dask scheduler at {address} has no workers")
        return cluster

    def check_workers(self, roots: list[Path]) -> None:
        """Make sure every worker runs this version of vnsearch, sees the index folder as this
        process does (a file written here is there for it, with what was written) and sees
        the folders and files to index: a worker that wrote its segments into a folder of
        its own would leave the commit naming files that are not in the index, and one that
        cannot see the articles would have them skipped as unreadable."""
        mine = version("vnsearch")
        probe = self.index_dir / f".vnsearch-probe-{uuid.uuid4().hex}"
        try:
            probe.write_text(mine, encoding="utf-8")
        except OSError as error:
            raise ClusterUnavailable(f"cannot write in the index folder {self.index_dir} ({error})") from None
        try:
            facts = self.client.run(_worker_facts, str(probe), [str(root) for root in roots])
        except Exception as error:  # a worker that cannot load vnsearch's code, a lost connection
            raise ClusterUnavailable(
                f"the Dask workers cannot run vnsearch ({type(error).__name__}: {error}); "
                "install the same version on every worker: pip install 'vnsearch[cluster]'"
            ) from None
        finally:
            probe.unlink(missing_ok=True)
        for worker, (theirs, sees, missing) in sorted(facts.items()):
            if theirs != mine:
                raise ClusterUnavailable(f"the Dask worker {worker} runs vnsearch {theirs}; this is {mine}")
            if not sees or missing:
                unseen = missing or f"the index folder {self.index_dir}"
                raise ClusterUnavailable(
                    f"the Dask worker {worker} does not see {unseen}: the articles and the index "
                    "must be on storage every worker shares, at the same paths"
                )

    def prepared(
        self, jobs: list[Job]
    ) -> Iterator[tuple[Job, list[tuple[Extracted | Problem, Remote | None]]]]:
        """Each job with what its file gives, in order: the articles (or problems), each
        article with a `Remote` for its analysis. The next files are on the cluster while
        one is taken in here."""
        # Files go to the workers CHUNK_FILES to a task: a task costs the indexing process a
        # few milliseconds of Dask's bookkeeping, more than the rest of its work on a file.
        chunks = [jobs[start : start + CHUNK_FILES] for start in range(0, len(jobs), CHUNK_FILES)]
        in_flight = max(1, IN_FLIGHT_PER_THREAD * self._threads() // CHUNK_FILES)
        waiting: list[tuple[list[Job], Future, Future]] = []
        ahead = iter(chunks)
        while True:
            while len(waiting) < in_flight and (chunk := next(ahead, None)) is not None:
                prepared = self.client.submit(_prepare, chunk, pure=False)
                waiting.append((chunk, prepared, self.client.submit(_items_only, prepared, pure=False)))
            if not waiting:
                return
            chunk, prepared, items = waiting.pop(0)
            for number, (job, file_items) in enumerate(zip(chunk, self._result(items))):
                yield (
                    job,
                    [
                        (item, Remote(prepared, number, position) if isinstance(item, Extracted) else None)
                        for position, item in enumerate(file_items)
                    ],
                )

    def add(self, analysis: Remote, article_id: str, manifest: dict[str, str], counted: bool) -> None:
        """Have the article written into a segment, with this id and these manifest fields;
        its language-model counts added if `counted` (not for an article only touched)."""
        self._batch.append((analysis, article_id, manifest, counted))
        if len(self._batch) >= SEGMENT_ARTICLES:
            self._write_batch()

    def _write_batch(self) -> None:
        if not self._batch:
            return
        chunks = list({remote.prepared.key: remote.prepared for remote, *_ in self._batch}.values())
        which = {future.key: number for number, future in enumerate(chunks)}
        articles: list[SegmentArticle] = [
            (which[remote.prepared.key], remote.file, remote.position, article_id, manifest, counted)
            for remote, article_id, manifest, counted in self._batch
        ]
        index_dir = str(self.index_dir)
        self._segments.append(self.client.submit(write_segment, index_dir, articles, *chunks, pure=False))
        self._batch = []

    def segments(self) -> tuple[list[Segment], Counts]:
        """The segments written, in order, once all are, and their articles' counts."""
        self._write_batch()
        counts = Counts()
        segments = []
        for future in self._segments:
            segment, segment_counts = self._result(future)
            segments.append(segment)
            counts.merge(segment_counts)
        self._segments = []
        return segments, counts

    def discard(self) -> None:
        """After a run that commits nothing: delete the segments the workers wrote, which no
        table of contents lists (the next commit would delete them too), once those being
        written are (for PATIENCE_SECONDS at most, all told: the cluster may be gone)."""
        self._batch = []
        deadline = time.monotonic() + PATIENCE_SECONDS
        for future in self._segments:
            try:
                segment, _ = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:  # not written, or not in time: nothing to delete, or left to the next commit
                future.cancel()
                continue
            for path in self.index_dir.glob(f"{segment.segment_id()}.*"):
                path.unlink(missing_ok=True)
        self._segments = []

    def close(self) -> None:
        self.client.close()

    def _result(self, future: Future) -> Any:
        """The task's result, waited for as long as the cluster has workers to run it."""
        while True:
            try:
                return future.result(timeout=PATIENCE_SECONDS)
            except TimeoutError:
                if not self._threads():
                    raise ClusterUnavailable("the Dask cluster has no workers left") from None
            except Exception as error:  # KilledWorker (a task whose workers all died), OSError, ...
                raise ClusterUnavailable(
                    f"a task failed on the Dask cluster ({type(error).__name__}: {error})"
                ) from None

    def _threads(self) -> int:
        """The threads of the cluster's workers (0: no workers)."""
        workers = self.client.scheduler_info(n_workers=-1).get("workers", {})
        return sum(worker.get("nthreads", 1) for worker in workers.values())


def _worker_facts(probe: str, roots: list[str]) -> tuple[str, bool, str]:
    """On each worker: its vnsearch version, whether it sees the file the indexing process
    wrote in the index folder (with what that process wrote in it), and the first of the
    folders and files to index that it does not see ("" when it sees them all)."""
    ours = version("vnsearch")
    try:
        sees = Path(probe).read_text(encoding="utf-8") == ours
    except OSError:
        sees = False
    return ours, sees, next((root for root in roots if not os.path.exists(root)), "")


def _quiet_dask() -> None:
    """Dask's client logs every lost worker and connection with a traceback; what matters of
    it reaches the user as one line (`ClusterUnavailable`)."""
    for name in ("distributed", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _prepare(chunk: list[Job]) -> list[Prepared]:
    """On a worker: `prepare` for each file, collections of cycles held back."""
    _hold_back_collections()
    return [prepare(job) for job in chunk]


def _hold_back_collections() -> None:
    """A worker keeps what it prepared until a segment is written (millions of objects), and
    every full collection of Python's cycle collector walks all of them again: a quarter more
    CPU than the work itself, measured on 300 files. So, as the local pool's workers do, the
    objects kept so far are set aside from collections (the young ones collected first, so no
    garbage is set aside with them), and collections run less often. Set at each task: a task
    cannot tell whether it is its worker's first."""
    gc.set_threshold(10_000, 10, 10)
    gc.collect(1)
    gc.freeze()


def _items_only(chunk: list[Prepared]) -> list[list[Extracted | Problem]]:
    """On a worker: what the indexing process needs of each file, the analyses left out."""
    return [[item for item, _ in prepared] for prepared in chunk]


def write_segment(
    index_dir: str, articles: list[SegmentArticle], *chunks: list[Prepared]
) -> tuple[Segment, Counts]:
    """On a worker: write the articles into a new segment of the index in `index_dir`,
    unlocked (the indexing process holds the lock for the whole run); return the segment,
    for that process to commit, and the articles' language-model counts."""
    _hold_back_collections()
    with tempfile.TemporaryDirectory(prefix="vnsearch-segment-") as temporary:  # on the worker's own disk
        return _write_segment(index_storage(Path(index_dir), Path(temporary)), articles, chunks)


def _write_segment(
    storage: MappedStorage, articles: list[SegmentArticle], chunks: tuple[list[Prepared], ...]
) -> tuple[Segment, Counts]:
    ix = storage.open_index(indexclass=ArraysIndex)
    writer = ix.writer(_lk=False)
    # As the indexing process's writer: a rebuild gives the index this version's schema, and
    # any other run writes to an index whose schema is this one (an older one is refused).
    writer.schema = build_schema()
    counts = Counts()
    try:
        for which, file, position, article_id, manifest, counted in articles:
            item, analysis = chunks[which][file][position]
            if not isinstance(item, Extracted) or analysis is None:  # only articles are sent
                raise ValueError(f"no article at {position} of {manifest['path']}: it changed while read")
            article = replace(item.article, id=article_id)
            writer.add_document(**(document_fields(article) | analysis.fields | manifest))
            if counted:
                counts.merge(analysis.counts)
        segment = writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise
    writer._finish()  # its searcher closed; no lock to let go
    return segment, counts
