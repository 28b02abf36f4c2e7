"""Bytes of a file -> text, or a clear reason why not.

Vietnamese text is found in UTF-8 (with or without a byte-order mark), in UTF-16 from Windows
tools, and in the old Windows code page for Vietnamese, CP1258, which writes tones as
combining marks (the normaliser composes them).
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from indexer.ingest.errors import IngestError

MAX_FILE_BYTES = 20_000_000  # a single article is far smaller; a bigger file is a dump or an accident
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Letters CP1258 has for Vietnamese (ă â đ ê ô ơ ư and capitals) and its combining tone marks.
_CP1258_VIETNAMESE = frozenset(
    b"\xc3\xe3\xc2\xe2\xd0\xf0\xca\xea\xd4\xf4\xd5\xf5\xdd\xfd\xcc\xec\xde\xd2\xf2"
)


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a file. Raises `IngestError` for what is not text."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                f"too large ({size / 1_000_000:.1f} MB; the limit is {max_bytes // 1_000_000} MB)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"cannot read it ({error.strerror or error})") from None
    return decode(data)


def decode(data: bytes) -> str:
    """Decode the bytes of a text file; raise `IngestError` for binary or unknown encodings."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise IngestError(f"broken {encoding.upper()} text") from None
    if not data.strip():
        raise IngestError("empty file")
    if b"\x00" in data[:8192]:
        raise IngestError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    if sum(byte in _CP1258_VIETNAMESE for byte in data) >= 3:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            text = ""
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
        if text and controls <= len(text) / 100:
            # CP1258 stores tones as combining marks; composed is how the text was meant.
            return unicodedata.normalize("NFC", text)
    raise IngestError(f"not UTF-8 text (invalid byte at offset {utf8_error.start}) nor Vietnamese CP1258")
