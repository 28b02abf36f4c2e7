"""When segments are merged (`indexer.store.merge`): one segment after a first build, few after
many small runs, and nothing lost or duplicated on the way."""

from pathlib import Path

import pytest

from indexer.store.build import index_paths, open_index
from indexer.store.merge import _how_many_to_merge

from .conftest import write_articles


@pytest.mark.parametrize(
    ("sizes", "merged"),
    [
        ([500] * 100, 100),  # a first build, committed in batches: one segment
        ([500, 50_000], 0),  # a small run beside a large index: left alone
        ([500, 500, 50_000], 2),
        ([500, 1_000, 50_000], 0),
        ([500, 500, 1_000, 50_000], 3),  # carried over, as in a binary counter
        ([30_000, 40_000], 0),
        ([30_000, 30_000], 2),  # the largest merged once the rest is as large
        ([7], 0),
        ([], 0),
    ],
)
def test_a_segment_is_merged_with_the_smaller_ones_when_they_hold_as_much(
    sizes: list[int], merged: int
) -> None:
    assert _how_many_to_merge(sizes) == merged


def _articles(folder: Path, first: int, count: int) -> Path:
    return write_articles(
        folder, {f"a{n}": f"Tin số {n}\nNội dung bài {n} về Hà Nội.\n" for n in range(first, first + count)}
    )


def test_a_first_build_in_batches_ends_as_one_segment(tmp_path: Path) -> None:
    report = index_paths(
        [_articles(tmp_path / "news", 0, 30)], tmp_path / "ix", quiet=True, batch_size=4, workers=1
    )
    assert report.added == 30
    with open_index(tmp_path / "ix").searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 1 and searcher.doc_count() == 30


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads this process's maps from /proc")
def test_the_merged_segments_files_are_let_go_when_the_run_ends(tmp_path: Path) -> None:
    index_paths([_articles(tmp_path / "news", 0, 30)], tmp_path / "ix", quiet=True, batch_size=10, workers=1)
    mapped = Path("/proc/self/maps").read_text()
    assert [line for line in mapped.splitlines() if str(tmp_path) in line and "(deleted)" in line] == []


def test_small_runs_keep_few_segments_and_every_article(tmp_path: Path) -> None:
    news = tmp_path / "news"
    index_paths([_articles(news, 0, 16)], tmp_path / "ix", quiet=True, workers=1)
    for run in range(8):  # eight later runs of two articles each
        index_paths([_articles(news, 16 + 2 * run, 2)], tmp_path / "ix", quiet=True, workers=1)
    with open_index(tmp_path / "ix").searcher() as searcher:
        sizes = sorted(leaf.doc_count() for leaf, _ in searcher.leaf_searchers())
        assert searcher.doc_count() == 32
        # Each run's segment takes in the segments the rule merges; nine runs leave three.
        assert sizes == [2, 14, 16]
