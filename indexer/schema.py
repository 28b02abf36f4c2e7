"""The Whoosh schema, in one place.

Title and body are stored as written (snippets show the original text) and indexed three times,
as words, syllables and folded syllables (see `indexer.analysis`), with positions for phrases
and character offsets for highlighting without segmenting again. Facet fields are single terms
with a column, so counting and sorting by them is cheap.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from indexer.analysis import folded_analyzer, syllable_analyzer, word_analyzer

# The analysed forms of a text field, by suffix: `title_word`, `body_syl`, ...
FORMS = {"word": word_analyzer, "syl": syllable_analyzer, "fold": folded_analyzer}
TEXT_FIELDS = ("title", "body")
FACET_FIELDS = ("source", "author", "year")


def _text_forms(name: str) -> dict[str, TEXT]:
    # Compounds only add to the score of a match, so their field keeps no positions;
    # syllables need positions for phrases and character offsets for highlighting.
    return {
        f"{name}_{form}": TEXT(analyzer=analyzer, phrase=form != "word", chars=form != "word")
        for form, analyzer in FORMS.items()
    }


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True),
        path=STORED(),
        content_hash=STORED(),
        title=STORED(),
        body=STORED(),
        url=STORED(),
        date=DATETIME(stored=True, sortable=True),
        source=ID(stored=True, sortable=True),
        author=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        # `source:` and `author:` in a query match words of these, with or without marks.
        source_fold=TEXT(analyzer=folded_analyzer, phrase=True),
        author_fold=TEXT(analyzer=folded_analyzer, phrase=True),
        **_text_forms("title"),
        **_text_forms("body"),
    )
