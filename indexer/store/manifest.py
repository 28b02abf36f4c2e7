"""What the index holds, article by article: where each came from and in what state.

The manifest lives in the index itself (columns of the schema), so it is committed together
with the articles it describes: a crash can never leave the two out of step.
"""

from __future__ import annotations

import json
import os
import zlib
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import Index

from indexer.ingest.read import find_files

MANIFEST_FIELDS = ("id", "path", "root", "stamp", "content_hash")
STDIN = "<stdin>"  # the path recorded for articles read from standard input
# Files that gave no article (unreadable, or a copy of one indexed): beside the index, not in
# it, as they have no document to carry their entry.
SKIPPED_FILE = "vnsearch-skipped.json"
# The folders of a run that has not finished: the next run, and `check`, carry on with them
# even when the run was killed before its first commit.
RUN_FILE = "vnsearch-run.json"
# The folders of the articles committed, written with each commit: what `--rebuild` reads
# again when the index itself is damaged.
FOLDERS_FILE = "vnsearch-folders.json"
# The size and CRC-32 of each segment and table of contents as committed. Whoosh never writes
# such a file again (new segments get new names, deletions go to a new table of contents), so
# one that differs was damaged since: `check` says so, where opening the index may not notice.
CHECKSUMS_FILE = "vnsearch-checksums.json"


@dataclass(frozen=True)
class Entry:
    id: str
    path: str  # the file, absolute
    root: str  # the folder (or file) it was indexed from, absolute
    stamp: str  # the file's size and modification time when it was read
    content_hash: str


def file_stamp(path: Path) -> str:
    """Changes whenever the file is written (size and modification time in nanoseconds)."""
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}"


def skip_stamp(path: Path) -> str:
    """A skipped file's stamp: its file stamp and its change time, which `chmod` moves too (a
    file made readable again is read again)."""
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"


def read_manifest(ix: Index) -> dict[str, Entry]:
    """Every indexed article's entry, by id."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if not reader.has_column("id"):
            return {}
        columns = [reader.column_reader(name) for name in MANIFEST_FIELDS]
        return {
            values[0]: Entry(*values)
            for values in ([column[doc] for column in columns] for doc in reader.all_doc_ids())
        }


@dataclass(frozen=True)
class Skipped:
    """A file that gave no article when it was last read, and why: not read again, nor
    reported by `check`, until its stamp changes."""

    stamp: str
    reason: str
    copy_of: str | None = None  # the id of the article it repeats: read again once that is gone


def read_skipped(index_dir: Path) -> dict[str, Skipped]:
    """The files skipped, by path. A missing or damaged record is an empty one: those files
    are only read again, and nothing the index holds depends on it."""
    try:
        records = json.loads((index_dir / SKIPPED_FILE).read_text(encoding="utf-8"))
        return {str(path): Skipped(**record) for path, record in records.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def write_skipped(index_dir: Path, skipped: dict[str, Skipped]) -> None:
    """Replace the record of skipped files, whole or not at all."""
    write_json(index_dir / SKIPPED_FILE, {path: vars(record) for path, record in sorted(skipped.items())})


def write_json(path: Path, data: object) -> None:
    """Write a JSON file whole or not at all: a crash leaves the old one or the new one."""
    temporary = path.with_name(f"{path.name}.tmp")
    # ASCII, escapes and all: a path may hold bytes that are not UTF-8 (as lone surrogates).
    temporary.write_text(json.dumps(data, indent=1), encoding="ascii")
    os.replace(temporary, path)


def by_path(entries: dict[str, Entry]) -> dict[str, list[Entry]]:
    paths: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries.values():
        paths[entry.path].append(entry)
    return paths


def indexed_roots(entries: dict[str, Entry], index_dir: Path) -> list[Path]:
    """The folders and files the index was built from, or that a run cut short was given,
    that still exist."""
    return [Path(root) for root in known_roots(entries, index_dir) if not gone(root)]


def known_roots(entries: dict[str, Entry], index_dir: Path) -> list[str]:
    """Every folder and file the index was built from or given, whether it still exists or not."""
    roots = (
        {entry.root for entry in entries.values()}
        | set(unfinished_roots(index_dir))
        | set(_recorded(index_dir))
    )
    return sorted(roots - {STDIN})


def record_folders(index_dir: Path, roots: set[str]) -> None:
    """Record the folders (and files) the index was built from."""
    write_json(index_dir / FOLDERS_FILE, {"roots": sorted(roots - {STDIN})})


def unfinished_roots(index_dir: Path) -> list[str]:
    """The folders and files given to a run that has not finished."""
    return _roots_in(index_dir / RUN_FILE)


def _recorded(index_dir: Path) -> list[str]:
    return _roots_in(index_dir / FOLDERS_FILE)


def _roots_in(path: Path) -> list[str]:
    """The roots a record lists (none when it is missing or damaged)."""
    try:
        roots = json.loads(path.read_text(encoding="utf-8"))["roots"]
        return [root for root in roots if isinstance(root, str)]
    except (OSError, ValueError, TypeError, KeyError):
        return []


def record_unfinished(index_dir: Path, roots: list[str]) -> None:
    """Record the roots of runs not finished yet (none: remove the record)."""
    if roots:
        write_json(index_dir / RUN_FILE, {"roots": sorted(set(roots))})
    else:
        with suppress(FileNotFoundError):
            (index_dir / RUN_FILE).unlink()


def record_checksums(index_dir: Path, fresh: bool = False) -> None:
    """Record the committed index files not recorded yet; forget those gone. `fresh`: start
    again (a rebuild in the same folder may write a file by a name the old index used). The
    articles are committed already: a record that cannot be written is left as it is."""
    recorded = {} if fresh else _checksums(index_dir)
    with suppress(OSError):
        sums = {
            name: recorded.get(name) or _checksum(index_dir / name) for name in _committed_files(index_dir)
        }
        write_json(index_dir / CHECKSUMS_FILE, sums)


def forget_checksums(index_dir: Path) -> None:
    """Forget the record, for a new index in the same folder."""
    with suppress(FileNotFoundError, IsADirectoryError):
        (index_dir / CHECKSUMS_FILE).unlink()


def damaged_files(index_dir: Path) -> list[str]:
    """The committed index files that differ from what was written (those not recorded, as
    in an index made before the record was kept, cannot be told)."""
    recorded = _checksums(index_dir)
    damaged = []
    for name in _committed_files(index_dir):
        if name in recorded:
            try:
                if _checksum(index_dir / name) != recorded[name]:
                    damaged.append(name)
            except FileNotFoundError:  # merged away by a commit meanwhile
                continue
    return damaged


def unrecorded_files(index_dir: Path) -> list[str]:
    """The committed index files with no checksum recorded (the record missing or damaged, or
    kept by an earlier version): damage inside them cannot be found until the next commit
    records them."""
    recorded = _checksums(index_dir)
    return [name for name in _committed_files(index_dir) if name not in recorded]


def _committed_files(index_dir: Path) -> list[str]:
    # Regular files only (not a link to a device); not the write lock, nor a segment being
    # written (`.tmp`) or merged in separate files.
    return sorted(
        path.name
        for pattern in ("_*.toc", "*.seg")
        for path in index_dir.glob(pattern)
        if path.is_file() and not path.is_symlink()
    )


def _checksum(path: Path) -> list[int]:
    """[size, CRC-32] of a file, read a megabyte at a time."""
    crc, size = 0, 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    return [size, crc]


def _checksums(index_dir: Path) -> dict[str, list[int]]:
    """The recorded checksums (none when the record is missing or damaged; an entry that is
    not [size, CRC-32] is not one)."""
    try:
        recorded = json.loads((index_dir / CHECKSUMS_FILE).read_text(encoding="utf-8"))
        return {
            name: value
            for name, value in recorded.items()
            if isinstance(value, list) and len(value) == 2 and all(type(number) is int for number in value)
        }
    except (OSError, ValueError, AttributeError):
        return {}


@dataclass
class Changes:
    """How the files differ from what the index holds."""

    new: list[str] = field(default_factory=list)  # article files not in the index
    changed: list[str] = field(default_factory=list)  # written since they were indexed
    missing: list[str] = field(default_factory=list)  # indexed, but the file is gone
    unreachable: list[str] = field(default_factory=list)  # indexed, in a folder that cannot be read now

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.missing or self.unreachable)


def pending_changes(entries: dict[str, Entry], roots: list[Path], skipped: dict[str, Skipped]) -> Changes:
    """What `vnsearch index` over `roots` would have to do. Files `skipped` are left out
    while their stamp stays the same."""
    files = {str(file): file for file, _ in find_files(roots)}
    stamps = {path: _stamp_or_none(file) for path, file in files.items()}
    indexed = by_path(entries)
    changes = Changes()
    for path, stamp in stamps.items():
        if stamp is None or (
            path in skipped and skipped[path].stamp == _stamp_or_none(files[path], skip_stamp)
        ):
            continue
        if path not in indexed:
            changes.new.append(path)
        elif any(entry.stamp != stamp for entry in indexed[path]):
            changes.changed.append(path)
    for path in indexed:
        if path not in files and indexed[path][0].root != STDIN:
            if unreachable(path, indexed[path][0].root):
                changes.unreachable.append(path)
            elif gone(path):
                changes.missing.append(path)
    return changes


def gone(path: str) -> bool:
    """Whether a file or folder is not there (one that cannot be looked at, in a folder that
    refuses it, is there)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def unreachable(path: str, root: str) -> bool:
    """Whether a file indexed from `root` cannot be looked for now, its folder (or one between
    it and `root`) refusing to be read or searched: it is not gone, nor is its article."""
    try:
        os.lstat(path)
    except PermissionError:
        return True
    except OSError:
        return False
    folder = os.path.dirname(path)
    while True:
        try:
            with os.scandir(folder):
                pass
        except PermissionError:
            return True
        except OSError:
            return False
        if folder == root or os.path.dirname(folder) == folder or not folder.startswith(root):
            return False
        folder = os.path.dirname(folder)


def _stamp_or_none(file: Path, stamp: Callable[[Path], str] = file_stamp) -> str | None:
    try:
        return stamp(file)
    except OSError:
        return None
