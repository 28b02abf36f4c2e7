"""Helpers shared by the benchmark scripts: the synthetic corpus, the index build, timing,
percentiles, tables (the articles themselves, synthetic or real: benchmarks/articles.py). Not
collected by pytest (it only looks in tests/)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import make_corpus

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 42


# --- the corpus -----------------------------------------------------------------------------


def corpus_dir(count: int, seed: int, folder: Path | None = None, *, quiet: bool = False) -> Path:
    """The synthetic corpus of `count` articles, generated unless `folder` already holds it.
    The default folder is make_corpus's own cache, so both share one copy per (count, seed)."""
    folder = folder or make_corpus.CACHE / f"corpus-{count}-{seed}"
    return make_corpus.generate(count, seed, folder, quiet=quiet)


# --- the index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexRun:
    seconds: float
    peak_rss_mb: float  # the largest single process (ru_maxrss, via os.wait4)
    peak_tree_pss_mb: float | None  # all its processes at once (sampled; None off Linux)
    peak_tree_anon_mb: float | None  # the same without pages of mapped files (index files read)
    returncode: int
    stderr: str


def run_vnsearch_index(corpus: Path, index_dir: Path) -> IndexRun:
    """`python -m indexer index CORPUS --index DIR -q`, the real command, as a child process.

    Peak memory, two ways. ru_maxrss from os.wait4 for that one child: what
    getrusage(RUSAGE_CHILDREN) would give, without mixing in this process's other children;
    but it is the largest single process, not the sum, and the indexer may run worker
    processes. So the whole process tree's proportional set size (PSS: shared pages split
    between the processes sharing them) is also sampled from /proc every SAMPLE_SECONDS, in all
    and anonymous only: both ru_maxrss and PSS count the pages of the index files the indexer
    maps while it reads them (merging), which the kernel can drop at any time."""
    command = [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(index_dir), "-q"]
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a pipe could fill up and block
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPO)
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    return IndexRun(
        seconds, maxrss_mb(usage.ru_maxrss), sampler.peak_mb, sampler.peak_anon_mb, process.returncode, errors
    )


# Reading smaps_rollup walks every mapping of a process: at 0.1 s the sampler took a fifth of
# one core while indexing real news (mapped segments), a tenth of this 2-core machine, which
# the index's rate then lost against the tokenizer's (timed without it).
SAMPLE_SECONDS = 1.0


class TreeMemory(threading.Thread):
    """Peak total PSS of a process and its descendants, in all and of anonymous pages only,
    sampled from /proc (Linux only)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb: int | None = 0 if Path("/proc/self/smaps_rollup").exists() else None
        self.peak_anon_kb: int | None = self.peak_kb
        self._done = threading.Event()  # not `_stop`: Thread has a method of that name

    def run(self) -> None:
        while (
            self.peak_kb is not None and self.peak_anon_kb is not None and not self._done.wait(SAMPLE_SECONDS)
        ):
            sizes = [_pss_kb(pid) for pid in _tree(self.pid)]
            self.peak_kb = max(self.peak_kb, sum(pss for pss, _ in sizes))
            self.peak_anon_kb = max(self.peak_anon_kb, sum(anon for _, anon in sizes))

    def stop(self) -> None:
        self._done.set()
        self.join()

    @property
    def peak_mb(self) -> float | None:
        return None if self.peak_kb is None else self.peak_kb / 1024

    @property
    def peak_anon_mb(self) -> float | None:
        return None if self.peak_anon_kb is None else self.peak_anon_kb / 1024


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # `pid (name) state ppid ...`: the name may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    return tree


def _pss_kb(pid: int) -> tuple[int, int]:
    """(PSS, PSS of anonymous pages) of a process, in kB."""
    try:
        sizes = dict(
            line.split()[:2] for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        )
        return int(sizes["Pss:"]), int(sizes.get("Pss_Anon:", sizes["Pss:"]))
    except (OSError, ValueError, KeyError):
        return 0, 0  # ended meanwhile, or not ours to read


def index_size(index_dir: Path) -> int:
    return sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())


def index_doc_count(index_dir: Path) -> int:
    from indexer.store.build import open_index  # the project's own reader: counts what search sees

    with open_index(index_dir).searcher() as searcher:
        return searcher.doc_count()


# --- measuring ------------------------------------------------------------------------------


def timed(function: Callable[[], T]) -> tuple[T, float]:
    """(result, seconds) of one call, on the monotonic high-resolution clock."""
    began = time.perf_counter()
    result = function()
    return result, time.perf_counter() - began


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(milliseconds: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(milliseconds),
        "p50_ms": percentile(milliseconds, 50),
        "p95_ms": percentile(milliseconds, 95),
        "p99_ms": percentile(milliseconds, 99),
        "max_ms": max(milliseconds),
    }


def maxrss_mb(kilobytes: int) -> float:
    """ru_maxrss is in kilobytes on Linux (bytes on macOS)."""
    return kilobytes / (1024 * 1024 if sys.platform == "darwin" else 1024)


def self_peak_rss_mb() -> float:
    return maxrss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class PrivateMemoryPeak:
    """The peak private (anonymous) resident memory of this process inside a `with` block,
    sampled from /proc/self/status every 50 ms (`peak_mb` stays None without /proc).

    Unlike ru_maxrss it leaves out the pages of files mapped into memory: Whoosh maps the
    index files, and every open searcher maps them again, so ru_maxrss counts the same file
    cache once per concurrent request, though the system shares those pages and drops them
    when memory runs short."""

    def __init__(self) -> None:
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PrivateMemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        status = Path("/proc/self/status")
        while True:
            try:
                line = next(line for line in status.read_text().splitlines() if line.startswith("RssAnon:"))
            except (OSError, StopIteration):
                return
            mb = int(line.split()[1]) / 1024  # kB
            self.peak_mb = mb if self.peak_mb is None else max(self.peak_mb, mb)
            if self._stop.wait(0.05):
                return


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine skews every figure: the load when the run began says so.
        "load_average_1min": os.getloadavg()[0],
        "vnsearch_sources": sources_fingerprint(),
    }


def sources_fingerprint() -> str:
    """A hash of indexer/ and webui/ as they are now: the code is changing, and results must
    say which version they measured."""
    digest = hashlib.sha256()
    for path in sorted([*REPO.glob("indexer/**/*.py"), *REPO.glob("webui/**/*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- output ---------------------------------------------------------------------------------


def check(value: float, limit: float, at_most: bool = True) -> str:
    met = value <= limit if at_most else value >= limit
    return "ok" if met else "MISSED"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return "" if value is None else str(value)


def write_json(results: dict[str, Any], out: Path | None, also_print: bool) -> None:
    text = json.dumps(results, ensure_ascii=False, indent=2)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    if also_print:
        print(text)
