"""Index files read through memory maps that every searcher shares.

Whoosh can memory-map a segment, but then wraps the map in a `BytesIO`, which copies it: each
open searcher held a private copy of the whole index (3.7 GB at 50,000 articles with the web
server's four threads). Without maps, every small read (a block header is unpickled a few
bytes at a time) is a seek and a read on the file, which cost a third of a query's time.
Here each opening of a file maps it and reads through views of the map: nothing is copied
but the bytes asked for, and the pages are the system's file cache, shared by every searcher
and process. A map is let go when nothing refers to it any more (a closed searcher, once
collected), so a segment file deleted by a merge keeps its disk space until then.
"""

from __future__ import annotations

import mmap
import os
import pickle
from io import BytesIO
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

from indexer.store.legacy import keep_old_paths_loadable


def index_storage(index_dir: Path, temporary: Path | None = None) -> MappedStorage:
    """The files of the index at `index_dir`, an index built before the modules moved into
    rooms included; a writer's temporary files in `temporary` if given."""
    keep_old_paths_loadable()
    return MappedStorage(str(index_dir), temporary)


class MappedStorage(FileStorage):
    """A folder of index files, each opened for reading as a map."""

    def __init__(self, path: str, temporary: Path | None = None) -> None:
        # Whoosh's own mapping (the copying one) stays off; open_file maps instead.
        super().__init__(path, supports_mmap=False)
        self.temporary = temporary

    def temp_storage(self, name: str | None = None) -> FileStorage:
        """Whoosh puts a writer's temporary files in a folder named after the index, in the
        index folder, and deletes the folder when the writer is done: one writer at a time.
        A writer beside others (a cluster's worker) is given a folder of its own."""
        if self.temporary is None:
            return super().temp_storage(name)
        return FileStorage(str(self.temporary)).create()

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        with open(self._fpath(name), "rb") as file:
            if os.fstat(file.fileno()).st_size == 0:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        # The map stays valid after the file is closed, until nothing refers to it.
        return MappedFile(memoryview(mapped), name=name, **kwargs)


class MappedFile(BufferFile):
    """Whoosh's structured file over a view of a map. A part of it (a file inside a compound
    segment file) is a narrower view of the same map, not a copy."""

    def __init__(self, view: memoryview, name: str | None = None, onclose: Any = None) -> None:
        StructFile.__init__(self, _ViewReader(view), name=name, onclose=onclose)
        self._buf = view  # what BufferFile.get and get_array read from
        self.is_real = False

    @property
    def buffer(self) -> memoryview:
        """The whole file, as a view of the map."""
        return self._buf

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._buf[position : position + length], name=name or self._name)

    def read_pickle(self) -> Any:
        # Whoosh unpickles a header before every block of postings. Unpickling from the file
        # reads it a byte or two at a time, a Python call each; from a small copy, it does not.
        start = self.file.tell()
        size = _PICKLE_GUESS
        while True:
            chunk = BytesIO(self._buf[start : start + size])
            try:
                value = pickle.load(chunk)
            except (EOFError, pickle.UnpicklingError):  # cut short: the pickle is longer
                if start + size >= len(self._buf):
                    raise
                size *= 4
                continue
            self.file.seek(start + chunk.tell())
            return value


_PICKLE_GUESS = 256  # bytes: a block header takes about 40


class _ViewReader:
    """The reading half of a file, over a memoryview: only what is read is copied."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._position = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        line = b""
        while not line.endswith(b"\n") and (size is None or size < 0 or len(line) < size):
            chunk = self.read(64 if size is None or size < 0 else min(64, size - len(line)))
            if not chunk:
                break
            cut = chunk.find(b"\n") + 1
            if cut:  # give back what follows the end of the line
                self._position -= len(chunk) - cut
                chunk = chunk[:cut]
            line += chunk
        return line

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        # The view is not released: other views of the same map may still be in use; the map
        # is unmapped when the last of them is gone.
        pass
