"""Index files read through shared memory maps (`indexer.store.storage`) read as Whoosh's own files do."""

import os
import pickle
from pathlib import Path

import pytest
from whoosh.filedb.structfile import StructFile

from indexer.store.storage import MappedFile, MappedStorage


@pytest.fixture
def stored(tmp_path: Path) -> MappedFile:
    big = list(range(1000))  # a pickle far longer than the first guess of its size
    with StructFile(open(tmp_path / "data.bin", "wb")) as out:
        out.write(b"head\nline two\n")
        out.write_int(7)
        out.write_pickle(("header", 3))
        out.write_pickle(big)
        out.write_pickle({"after": True})
    opened = MappedStorage(str(tmp_path)).open_file("data.bin")
    assert isinstance(opened, MappedFile)
    return opened


def test_reads_lines_numbers_and_pickles_in_order(stored: MappedFile) -> None:
    assert stored.readline() == b"head\n" and stored.readline() == b"line two\n"
    assert stored.read_int() == 7
    assert stored.read_pickle() == ("header", 3)
    assert stored.read_pickle() == list(range(1000))
    assert stored.read_pickle() == {"after": True}
    assert stored.read() == b""


def test_seeks_and_parts_read_the_same_bytes(stored: MappedFile) -> None:
    size = stored.seek(0, os.SEEK_END)
    whole = stored.get(0, size)
    stored.seek(5)
    assert stored.read(4) == whole[5:9] and stored.tell() == 9
    stored.seek(-3, os.SEEK_CUR)
    assert stored.read(2) == whole[6:8]
    part = stored.subset(14, size - 14)
    assert part.read_int() == 7 and part.get(0, 4) == whole[14:18]
    assert part.read_pickle() == ("header", 3)


def test_a_cut_pickle_is_an_error_not_a_value(tmp_path: Path) -> None:
    (tmp_path / "cut.bin").write_bytes(pickle.dumps(list(range(500)), 2)[:-10])
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        MappedStorage(str(tmp_path)).open_file("cut.bin").read_pickle()


def test_an_empty_file_opens(tmp_path: Path) -> None:
    (tmp_path / "empty.bin").write_bytes(b"")
    with MappedStorage(str(tmp_path)).open_file("empty.bin") as empty:  # an ordinary file
        assert empty.read() == b""
