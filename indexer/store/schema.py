"""The Whoosh schema, in one place.

Title and body are stored as written (snippets show the original text) and indexed twice, as
syllables and as folded syllables (see `indexer.text.analysis`), the folded ones with positions for
phrases and words side by side. Their postings are written as arrays (`indexer.store.postings`). Facet fields
keep their values in a column, so counting and sorting by them never reads the stored documents.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from indexer.store.postings import CountedTerms
from indexer.text.analysis import folded_analyzer, name_analyzer, syllable_analyzer

# The analysed forms of a text field, by suffix: `title_syl`, `body_fold`, ... Earlier versions
# also indexed underthesea's words (`body_word`), which only ranked a query's compounds a little
# higher than the same syllables side by side, at 0.7 times the text's size on real news.
FORMS = {"syl": syllable_analyzer, "fold": folded_analyzer}
# Each field of syllables with their marks, and the field of the same syllables folded, which
# keeps their positions.
TEXT_FIELDS = ("title", "body")
MARKED = {f"{name}_syl": f"{name}_fold" for name in TEXT_FIELDS}
# Facets with one value per article, and with several (the people named in it ...).
SINGLE_FACETS = ("source", "author", "year", "month")
LIST_FACETS = ("people", "places", "organisations")
FACET_FIELDS = SINGLE_FACETS + LIST_FACETS
LIST_SEPARATOR = ","


class ListField(KEYWORD):
    """Several values per article, searchable one by one (`Term("people", "Trương Thị Mai")`)
    and kept joined in a column, so facet counts read one column cell per matching article."""

    def __init__(self) -> None:
        super().__init__(stored=True, commas=True, lowercase=False, scorable=False)
        self.column_type = VarBytesColumn()

    def to_column_value(self, value: str) -> bytes:
        return value.encode("utf-8")

    def from_column_value(self, value: bytes) -> list[str]:
        return split_list(value.decode("utf-8"))


class TextColumn(COLUMN):
    """A text kept in a column only: read by document, never searched (the manifest's file,
    folder, stamp and hash), so it takes no place in the lexicon."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(VarBytesColumn())
        self.stored = stored

    def to_column_value(self, value: str) -> bytes:
        return value.encode("utf-8")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _text_forms(name: str) -> dict[str, TEXT]:
    # Only the folded syllables keep positions: the marked ones stand at the same places, so a
    # phrase with marks is the folded phrase where each marked syllable is found too
    # (`indexer.query.ranking`), and their positions would be a third of the index. No field keeps
    # character offsets: highlighting finds the syllables in the stored text again
    # (`indexer.query.highlight`), and offsets would be the largest part of the index.
    return {f"{name}_{form}": _text(analyzer, positions=form == "fold") for form, analyzer in FORMS.items()}


def _text(analyzer: Analyzer, positions: bool) -> TEXT:
    """A searched text field, its postings also written as arrays (`indexer.store.postings`), with
    positions (for phrases) there only."""
    field = TEXT(analyzer=analyzer)
    field.format = CountedTerms(positions=positions)
    return field


def build_schema() -> Schema:
    return Schema(
        # The manifest of what is indexed, kept in columns so that it is read without
        # loading any article: the file it came from (and the folder indexed), the file's size
        # and modification time when it was read, and a hash of the article's content. Only
        # the id is searched (to replace or remove an article).
        id=ID(unique=True, stored=True, sortable=True),
        path=TextColumn(stored=True),
        root=TextColumn(),
        stamp=TextColumn(),
        content_hash=TextColumn(),
        title=STORED(),
        body=STORED(),
        url=STORED(),
        date=DATETIME(stored=True, sortable=True),
        **{name: ID(stored=True, sortable=True) for name in SINGLE_FACETS},
        **{name: ListField() for name in LIST_FACETS},
        # `source:` and `author:` in a query match words of these, with or without marks.
        source_fold=_text(name_analyzer, positions=True),
        author_fold=_text(name_analyzer, positions=True),
        **_text_forms("title"),
        **_text_forms("body"),
    )
