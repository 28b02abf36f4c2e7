"""When an indexing run's segments are merged.

Whoosh writes a segment per commit, and vnsearch commits every few hundred articles so that a
crash loses little. A search visits every segment, and each costs about as much as a segment
holding the whole index: at 50,000 articles, 85 segments made plain queries 4.4 times slower
than one (docs/benchmarks.md). Merging rewrites the postings of every article merged, though,
about as costly as indexing them with Whoosh in the first place.

The rule, at the end of each run: with the segments smallest first, each one and all smaller
ones are merged if it holds no more live articles than they do together. After a first build,
that is one segment; later runs merge small segments into each other as a binary counter does,
so an article is rewritten about log2(index / batch) times over the index's life, the largest
segment only when the index has doubled, and no more than about log2(index / batch) segments
stand at any time.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.codec.base import Segment
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter


def merge_small(
    writer: SegmentWriter, segments: list[Segment], merged: Callable[[int], object] = lambda articles: None
) -> list[Segment]:
    """A Whoosh merge policy (`writer.commit(mergetype=merge_small)`): merge the segments the
    rule picks into the one being written (calling `merged` with each one's articles, for a
    progress bar); return those that stay as they are."""
    chosen = to_merge(segments)
    for segment in chosen:
        with SegmentReader(writer.storage, writer.schema, segment) as reader:
            writer.add_reader(reader)
        merged(segment.doc_count())
    # A segment whose articles are all deleted is dropped, as Whoosh's own policies do.
    return [segment for segment in segments if segment not in chosen and segment.doc_count()]


def to_merge(segments: list[Segment]) -> list[Segment]:
    """The segments the rule merges (none, or two and more), smallest first."""
    ordered = sorted(
        (segment for segment in segments if segment.doc_count()), key=lambda segment: segment.doc_count()
    )
    return ordered[: _how_many_to_merge([segment.doc_count() for segment in ordered])]


def _how_many_to_merge(sizes: list[int]) -> int:
    """With `sizes` in ascending order: how many of the first to merge (0, or 2 and more)."""
    smaller = 0  # articles in the segments before this one
    last = 0
    for position, size in enumerate(sizes):
        if position and size <= smaller:
            last = position + 1
        smaller += size
    return last if last >= 2 else 0
